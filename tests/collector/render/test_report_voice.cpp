// tests/collector/render/test_report_voice.cpp: one voice in the gate's
// output (issue 16 item 5): a router's error said once, under the router;
// "source" an enum with the details beside it; RFC 3339 with milliseconds.
#include "collector/render/json.hpp"
#include "collector/render/table.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

const std::string k_error = "cr1-eqiad (127.0.0.1:49989): timed out waiting for the reply to "
                            "<get-bgp-summary-information> (0 bytes received)";

std::size_t count(const std::string& text, const std::string& what)
{
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

GateReport unreadable_report()
{
  GateReport r;
  r.command = "check";
  r.node = "kubernetes1003.eqiad.wmnet";
  r.source = "NETCONF as 'root' (host keys from /k)";
  r.sources.push_back({bgp::Source::netconf, r.source, {{"username", {"root"}, false}, {"known_hosts", {"/k"}, false}}});
  r.now = bgp::WallClock::time_point{} + std::chrono::milliseconds(1'795'920'371'000);
  r.exit_code = 3;
  r.verdict.overall = bgp::Readiness::unknown;
  for (const char* a : {"10.64.32.23", "2620:0:861:103:10:64:32:23"}) {
    bgp::SessionVerdict v;
    v.expected.router = "cr1-eqiad";
    v.expected.address = *bgp::Address::parse(a);
    v.reason = bgp::Reason::router_unreadable;
    v.text = std::string("cr1-eqiad ") + a + " Unknown: router unreadable (see cr1-eqiad above)";
    r.verdict.sessions.push_back(v);
  }
  r.routers.push_back({"cr1-eqiad", false, k_error, {}, std::nullopt, bgp::Source::netconf});
  return r;
}

} // namespace

TEST_CASE("text: an unreadable router's error is printed once, above the sessions that point to it", "[render][voice]")
{
  const GateReport r = unreadable_report();
  for (const bool check : {true, false}) {
    std::ostringstream out;
    if (check) {
      render_check_text(r, out);
    } else {
      render_verdict_text(r, out);
    }
    const std::string text = out.str();
    CAPTURE(text);
    CHECK(count(text, k_error) == 1);
    const auto said = text.find("router cr1-eqiad: unreadable: " + k_error + "\n");
    REQUIRE(said != std::string::npos);
    const auto pointer = text.find("router unreadable (see cr1-eqiad above)");
    if (check) { // the table shows the reason phrase; the reasons list the pointer
      REQUIRE(pointer != std::string::npos);
      CHECK(said < pointer);
    }
  }
}

TEST_CASE("JSON: source is the enum, the details beside it; routers[].error is the one full text", "[render][voice]")
{
  const auto j = report_to_json(unreadable_report());
  CHECK(j["source"] == "netconf");
  CHECK(j["source_detail"] == "NETCONF as 'root' (host keys from /k)");
  REQUIRE(j["sources"].size() == 1);
  CHECK(j["sources"][0] == nlohmann::json({{"source", "netconf"}, {"detail", "NETCONF as 'root' (host keys from /k)"},
                                           {"username", "root"}, {"known_hosts", "/k"}}));
  CHECK(j["routers"][0]["source"] == "netconf");
  CHECK(j["routers"][0]["error"] == k_error);
  CHECK(count(j.dump(), "timed out waiting") == 1);
  CHECK(j["now"] == "2026-11-29T02:46:11.000Z");
  for (const auto& s : j["sessions"]) {
    CHECK(s["source"] == "netconf");
    for (const char* key : {"protocol", "local_address", "local_as", "last_error", "stale_routes_expire_at"}) {
      CAPTURE(key);
      CHECK(s.contains(key));
    }
  }
}
