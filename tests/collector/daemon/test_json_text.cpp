// tests/collector/test_json_text.cpp: a router string that is not UTF-8
// (a description typed in Latin-1) reaches every JSON output as U+FFFD, and
// never as an exception: `parse --format json` used to abort with nothing
// written, and the collector's /v1/sessions would have thrown mid-response.
#include "bgp/junos.hpp"
#include "collector/daemon/state.hpp"
#include "collector/render/json_text.hpp"
#include "collector/render/json.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

const std::string k_replacement = "\xEF\xBF\xBD"; // U+FFFD in UTF-8

// A Junos reply whose peer description is "caf\xe9 1003" (Latin-1 e-acute).
const std::string k_reply = "<rpc-reply><bgp-information><bgp-peer>"
                            "<peer-address>10.64.32.23</peer-address><peer-as>64601</peer-as>"
                            "<description>caf\xE9 1003</description>"
                            "<peer-state>Established</peer-state>"
                            "<elapsed-time junos:seconds=\"60\" xmlns:junos=\"http://xml.juniper.net/junos/*/junos\">1:00</elapsed-time>"
                            "</bgp-peer></bgp-information></rpc-reply>";

} // namespace

TEST_CASE("json text: invalid UTF-8 becomes U+FFFD")
{
  const nlohmann::json j = {{"description", std::string("caf\xE9")}};
  CHECK_THROWS(j.dump()); // what every output used before
  CHECK(json_text(j) == "{\"description\":\"caf" + k_replacement + "\"}");
  CHECK(json_text({{"a", "ok"}}, 2) == "{\n  \"a\": \"ok\"\n}");
}

TEST_CASE("json text: parse output of a reply with a Latin-1 description")
{
  auto summary = bgp::parse_junos_xml(k_reply);
  REQUIRE(summary.has_value());
  REQUIRE(summary->sessions.size() == 1);
  REQUIRE(summary->sessions[0].description == std::string("caf\xE9 1003"));
  for (const int indent : {-1, 2}) {
    std::string out;
    append_parse_json(out, bgp::InputFormat::junos_xml, *summary, nullptr, indent);
    const auto parsed = nlohmann::json::parse(out); // valid JSON, valid UTF-8
    CHECK(parsed["sessions"][0]["description"] == "caf" + k_replacement + " 1003");
  }
}

TEST_CASE("json text: the collector's /v1/sessions with a Latin-1 description")
{
  auto c = parse_config("sites:\n  eqiad:\n    asn: 64601\n    routers:\n      - {name: cr1-eqiad, host: 127.0.0.1, port: 1}\n"
                        "netconf: {username: x, known_hosts: /dev/null}\n",
                        "test.yaml");
  REQUIRE(c.has_value());
  CollectorState st;
  st.set_config(*c);
  auto summary = bgp::parse_junos_xml(k_reply);
  REQUIRE(summary.has_value());
  bgp::RouterObservation o;
  o.router = "cr1-eqiad";
  o.readable = true;
  o.polled_at = bgp::WallClock::time_point(std::chrono::seconds(1795920000));
  o.sessions = std::move(summary->sessions);
  st.record(std::move(o), std::chrono::milliseconds(20));
  auto produce = st.sessions_stream(bgp::WallClock::time_point(std::chrono::seconds(1795920001)));
  std::string out;
  while (produce(out)) {
  }
  const auto parsed = nlohmann::json::parse(out);
  CHECK(parsed["sessions"][0]["description"] == "caf" + k_replacement + " 1003");
}
