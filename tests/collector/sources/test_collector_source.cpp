// tests/collector/sources/test_collector_source.cpp: what a --collector client
// makes of a /v1/sessions reply (issue 13 item 3). A collector is another
// machine: its JSON may be malformed or partial and its clock may run
// ahead. Every case ends in an observation, never an exception, and nothing
// untrustworthy reads as ready.
#include "bgp/readiness.hpp"
#include "bgp/timeparse.hpp"
#include "collector/base/secret_file.hpp"
#include "collector/sources/collector_source.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace bgpwatch;
using namespace bgpwatch::collector;
using json = nlohmann::json;

namespace {

const bgp::WallClock::time_point k_now = *bgp::parse_instant("2026-12-06T15:00:00Z");
const std::string k_url = "http://127.0.0.1:9179";

std::vector<RouterConfig> two_routers()
{
  RouterConfig a;
  a.name = "cr1-eqiad";
  a.host = "cr1-eqiad.wikimedia.org";
  RouterConfig b;
  b.name = "cr2-eqiad";
  b.host = "cr2-eqiad.wikimedia.org";
  return {a, b};
}

json router_entry(const std::string& name, const std::string& polled_at)
{
  return {{"name", name}, {"site", "eqiad"}, {"polled", true}, {"ok", true}, {"error", nullptr},
          {"polled_at", polled_at}, {"poll_age_seconds", 1.0}};
}

json session(const std::string& router, const std::string& address, std::int64_t uptime,
             const std::string& up_since)
{
  return {{"router", router},
          {"site", "eqiad"},
          {"address", address},
          {"family", "ipv4"},
          {"peer_as", 64601},
          {"state", "Established"},
          {"uptime_seconds", uptime},
          {"flaps", 0},
          {"ribs", json::array({{{"name", "inet.0"}, {"active", 0}, {"received", 1}, {"accepted", 1}, {"damped", 0}}})},
          {"up_since", up_since}};
}

// A healthy reply: both routers polled 5 s before k_now, the collector's
// clock equal to ours, each with one session up for 100 s.
json good_doc()
{
  return {{"now", "2026-12-06T15:00:00Z"},
          {"routers", json::array({router_entry("cr1-eqiad", "2026-12-06T14:59:55Z"),
                                   router_entry("cr2-eqiad", "2026-12-06T14:59:55Z")})},
          {"sessions", json::array({session("cr1-eqiad", "10.64.32.23", 100, "2026-12-06T14:58:15Z"),
                                    session("cr2-eqiad", "10.64.32.23", 100, "2026-12-06T14:58:15Z")})}};
}

std::vector<bgp::RouterObservation> observe(const json& doc)
{
  return observations_from_collector(doc.dump(), two_routers(), k_now, std::chrono::seconds(30), k_url);
}

bgp::Verdict judge(const std::vector<bgp::RouterObservation>& obs)
{
  std::vector<bgp::ExpectedSession> expected;
  for (const char* r : {"cr1-eqiad", "cr2-eqiad"}) {
    bgp::ExpectedSession e;
    e.router = r;
    e.address = *bgp::Address::parse("10.64.32.23");
    e.asn = 64601;
    e.node = "kubernetes1003.eqiad.wmnet";
    e.site = "eqiad";
    expected.push_back(e);
  }
  bgp::GateOptions o;
  o.since = *bgp::parse_instant("2026-12-06T14:58:00Z");
  o.max_age = std::chrono::seconds(30);
  return bgp::evaluate(expected, obs, k_now, o);
}

} // namespace

TEST_CASE("collector reply: the healthy case is ready")
{
  const auto obs = observe(good_doc());
  REQUIRE(obs.size() == 2);
  CHECK(obs[0].readable);
  CHECK(obs[1].readable);
  REQUIRE(obs[0].source_clock.has_value());
  CHECK(*obs[0].source_clock == k_now);
  CHECK(judge(obs).overall == bgp::Readiness::ready);
}

TEST_CASE("collector reply: wrong JSON types make the router Unknown with the parse error")
{
  SECTION("a routers entry whose name is a number: no router can be attributed")
  {
    auto doc = good_doc();
    doc["routers"][0]["name"] = 5;
    const auto obs = observe(doc);
    REQUIRE(obs.size() == 2);
    for (const auto& o : obs) {
      CHECK_FALSE(o.readable);
      CHECK(o.error == "collector http://127.0.0.1:9179: /v1/sessions: routers[0]: field 'name' is number, not a string");
    }
    CHECK(judge(obs).overall == bgp::Readiness::unknown);
  }
  SECTION("polled is a string")
  {
    auto doc = good_doc();
    doc["routers"][1]["polled"] = "yes";
    const auto obs = observe(doc);
    CHECK(obs[0].readable);
    CHECK_FALSE(obs[1].readable);
    CHECK(obs[1].error
          == "collector http://127.0.0.1:9179: malformed routers entry for cr2-eqiad: field 'polled' is string, not "
             "true/false");
  }
  SECTION("polled_at missing")
  {
    auto doc = good_doc();
    doc["routers"][0].erase("polled_at");
    const auto obs = observe(doc);
    CHECK_FALSE(obs[0].readable);
    CHECK(obs[0].error == "collector http://127.0.0.1:9179: malformed routers entry for cr1-eqiad: no polled_at");
    CHECK(obs[1].readable);
  }
  SECTION("a session's address is a number: only its router is Unknown")
  {
    auto doc = good_doc();
    doc["sessions"][0]["address"] = 5;
    const auto obs = observe(doc);
    CHECK_FALSE(obs[0].readable);
    CHECK(obs[0].error
          == "collector http://127.0.0.1:9179: malformed data for cr1-eqiad: sessions[0]: field 'address' is number, "
             "not a string");
    CHECK(obs[1].readable);
    const auto v = judge(obs);
    CHECK(v.overall == bgp::Readiness::unknown);
    CHECK(v.sessions[0].reason == bgp::Reason::router_unreadable);
  }
  SECTION("a session's router is a number: the whole reply is refused")
  {
    auto doc = good_doc();
    doc["sessions"][1]["router"] = 7;
    const auto obs = observe(doc);
    CHECK_FALSE(obs[0].readable);
    CHECK_FALSE(obs[1].readable);
    CHECK(obs[1].error == "collector http://127.0.0.1:9179: /v1/sessions: sessions[1]: field 'router' is number, not a string");
  }
  SECTION("a negative uptime (its start would lie in the future)")
  {
    auto doc = good_doc();
    doc["sessions"][0]["uptime_seconds"] = -100000;
    doc["sessions"][0].erase("up_since");
    const auto obs = observe(doc);
    CHECK_FALSE(obs[0].readable);
    CHECK(obs[0].error
          == "collector http://127.0.0.1:9179: malformed data for cr1-eqiad: sessions[0]: field 'uptime_seconds' is "
             "negative (-100000)");
  }
  SECTION("a fractional or too large peer AS")
  {
    auto doc = good_doc();
    doc["sessions"][0]["peer_as"] = 64601.5;
    CHECK(observe(doc)[0].error.ends_with("field 'peer_as' is not an integer (64601.5), not a count"));
    doc["sessions"][0]["peer_as"] = 4294967296ull;
    CHECK(observe(doc)[0].error.ends_with("field 'peer_as' is out of range (4294967296)"));
  }
  SECTION("ribs that are not a list, a rib counter that is a string")
  {
    auto doc = good_doc();
    doc["sessions"][1]["ribs"] = "inet.0";
    CHECK(observe(doc)[1].error.ends_with("sessions[1]: field 'ribs' is string, not a list"));
    doc = good_doc();
    doc["sessions"][1]["ribs"][0]["accepted"] = "1";
    CHECK(observe(doc)[1].error.ends_with(
      "sessions[1]: bad rib counters for 10.64.32.23: field 'accepted' is string (\"1\"), not a count"));
  }
  SECTION("no state")
  {
    auto doc = good_doc();
    doc["sessions"][0].erase("state");
    CHECK(observe(doc)[0].error.ends_with("sessions[0]: session 10.64.32.23 has no state"));
  }
  SECTION("the document is not an object, not JSON, or lacks its arrays")
  {
    for (const std::string body : {"[1,2]", "{\"routers\":5,\"sessions\":[]}", "null"}) {
      const auto obs = observations_from_collector(body, two_routers(), k_now, std::chrono::seconds(30), k_url);
      CHECK(obs[0].error == "collector http://127.0.0.1:9179: /v1/sessions has no routers/sessions arrays");
    }
    const auto obs = observations_from_collector("{\"routers\":[", two_routers(), k_now, std::chrono::seconds(30), k_url);
    CHECK(obs[1].error == "collector http://127.0.0.1:9179: /v1/sessions is not JSON");
  }
  SECTION("now is not a string")
  {
    auto doc = good_doc();
    doc["now"] = 1765033200;
    CHECK(observe(doc)[0].error == "collector http://127.0.0.1:9179: /v1/sessions: field 'now' is number, not a string");
  }
}

TEST_CASE("collector reply: a clock ahead of ours is clock_skew, never ready")
{
  SECTION("the collector's now is 10 s ahead")
  {
    auto doc = good_doc();
    doc["now"] = "2026-12-06T15:00:10Z";
    const auto v = judge(observe(doc));
    CHECK(v.overall == bgp::Readiness::unknown);
    CHECK(v.sessions[0].reason == bgp::Reason::clock_skew);
    CHECK(v.sessions[0].text
          == "cr1-eqiad ipv4 10.64.32.23 Unknown: clock_skew: data stamped 10s after our clock "
             "(2026-12-06T15:00:10.000Z > 2026-12-06T15:00:00.000Z; max skew 2s)");
  }
  SECTION("1 s ahead is within the bound")
  {
    auto doc = good_doc();
    doc["now"] = "2026-12-06T15:00:01Z";
    CHECK(judge(observe(doc)).overall == bgp::Readiness::ready);
  }
  SECTION("polled_at an hour ahead (and no now: an older collector)")
  {
    auto doc = good_doc();
    doc.erase("now");
    doc["routers"][0]["polled_at"] = "2026-12-06T15:59:55Z";
    doc["sessions"][0]["up_since"] = "2026-12-06T15:58:15Z";
    const auto v = judge(observe(doc));
    CHECK(v.overall == bgp::Readiness::unknown);
    CHECK(v.sessions[0].reason == bgp::Reason::clock_skew);
    CHECK(v.sessions[1].readiness == bgp::Readiness::ready);
  }
  SECTION("a session up_since in our future")
  {
    auto doc = good_doc();
    doc.erase("now");
    doc["routers"][1]["polled_at"] = "2026-12-06T15:01:00Z";
    doc["sessions"][1]["uptime_seconds"] = 0;
    doc["sessions"][1]["up_since"] = "2026-12-06T15:01:00Z";
    const auto v = judge(observe(doc));
    CHECK(v.sessions[1].reason == bgp::Reason::clock_skew);
    CHECK(v.overall == bgp::Readiness::unknown);
  }
}

TEST_CASE("collector reply: up_since and uptime must agree, and not overflow")
{
  SECTION("up_since 10 minutes later than polled_at - uptime")
  {
    auto doc = good_doc();
    doc["sessions"][0]["up_since"] = "2026-12-06T15:08:15Z";
    const auto obs = observe(doc);
    CHECK_FALSE(obs[0].readable);
    CHECK(obs[0].error
          == "collector http://127.0.0.1:9179: malformed data for cr1-eqiad: 10.64.32.23 up_since "
             "2026-12-06T15:08:15.000Z disagrees with polled_at - uptime_seconds (2026-12-06T14:58:15.000Z)");
  }
  SECTION("an uptime longer than the time since 1970")
  {
    auto doc = good_doc();
    doc["sessions"][0]["uptime_seconds"] = 15000000000;
    doc["sessions"][0].erase("up_since");
    const auto obs = observe(doc);
    CHECK_FALSE(obs[0].readable);
    CHECK(obs[0].error
          == "collector http://127.0.0.1:9179: malformed data for cr1-eqiad: 10.64.32.23 uptime_seconds 15000000000 "
             "is longer than the time since 1970 at polled_at");
    doc["sessions"][0]["uptime_seconds"] = 9223372036854775807ll;
    CHECK_FALSE(observe(doc)[0].readable);
  }
  SECTION("up_since is not a time")
  {
    auto doc = good_doc();
    doc["sessions"][0]["up_since"] = "yesterday";
    CHECK(observe(doc)[0].error.starts_with(
      "collector http://127.0.0.1:9179: malformed data for cr1-eqiad: sessions[0]: bad up_since: "));
  }
}

TEST_CASE("collector reply: stale data is Unknown")
{
  auto doc = good_doc();
  doc["routers"][0]["polled_at"] = "2026-12-06T14:58:00Z";
  doc["sessions"][0]["up_since"] = "2026-12-06T14:56:20Z";
  const auto obs = observe(doc);
  CHECK_FALSE(obs[0].readable);
  CHECK(obs[0].error == "collector data for cr1-eqiad is 2m old (max 30s)");
}

TEST_CASE("collector reply: newest polled_at of our routers, the next long-poll's after=")
{
  auto doc = good_doc();
  doc["routers"][0]["polled_at"] = "2026-12-06T14:59:55.250Z";
  doc["routers"][1]["polled_at"] = "2026-12-06T14:59:57.125Z";
  // A router we did not ask about does not count, even if newer.
  doc["routers"].push_back(router_entry("cr9-eqiad", "2026-12-06T14:59:59Z"));
  std::optional<bgp::WallClock::time_point> newest;
  observations_from_collector(doc.dump(), two_routers(), k_now, std::chrono::seconds(30), k_url, &newest);
  REQUIRE(newest.has_value());
  CHECK(bgp::format_rfc3339(*newest) == "2026-12-06T14:59:57.125Z");

  // Stale or failed, a polled_at still says which poll we have seen.
  doc["routers"][1]["ok"] = false;
  doc["routers"][1]["polled_at"] = "2026-12-06T14:59:58.000Z";
  observations_from_collector(doc.dump(), two_routers(), k_now, std::chrono::seconds(30), k_url, &newest);
  CHECK(bgp::format_rfc3339(*newest) == "2026-12-06T14:59:58.000Z");

  // Nothing readable: left as it was, never moved back.
  observations_from_collector("{\"routers\":[", two_routers(), k_now, std::chrono::seconds(30), k_url, &newest);
  CHECK(bgp::format_rfc3339(*newest) == "2026-12-06T14:59:58.000Z");
  doc["routers"][0]["polled_at"] = "2026-12-06T14:00:00Z";
  doc["routers"][1]["polled_at"] = nullptr;
  observations_from_collector(doc.dump(), two_routers(), k_now, std::chrono::seconds(30), k_url, &newest);
  CHECK(bgp::format_rfc3339(*newest) == "2026-12-06T14:59:58.000Z");
}

TEST_CASE("collector URLs: https anywhere, plain http only on loopback")
{
  auto u = parse_collector_url("http://127.0.0.1:9179");
  REQUIRE(u.has_value());
  CHECK_FALSE(u->tls);
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == "9179");
  CHECK(u->path.empty());
  u = parse_collector_url("http://[::1]:9180/bgpwatch/");
  REQUIRE(u.has_value());
  CHECK(u->host == "::1");
  CHECK(u->port == "9180");
  CHECK(u->path == "/bgpwatch");
  u = parse_collector_url("http://localhost");
  REQUIRE(u.has_value());
  CHECK(u->port == "80");
  u = parse_collector_url("https://collector.eqiad.wmnet");
  REQUIRE(u.has_value());
  CHECK(u->tls);
  CHECK(u->port == "443");
  CHECK(parse_collector_url("http://collector.example").error()
        == "collector URL 'http://collector.example': plain http:// is only allowed to a loopback address "
           "(127.0.0.1, ::1, localhost); use https:// (collector.tls) for collector.example");
  CHECK(parse_collector_url("http://10.64.0.5:9179").has_value() == false);
  CHECK(parse_collector_url("ftp://x").error()
        == "collector URL 'ftp://x' must start with https:// (or http:// on loopback)");
  CHECK(parse_collector_url("https://x:y").error() == "collector URL 'https://x:y' is not http(s)://HOST[:PORT][/PATH]");
  CHECK(parse_collector_url("https://x:70000").has_value() == false);
  CHECK(parse_collector_url("https://u:p@x").error()
        == "collector URL 'https://u:p@x': no user@ (the token comes from collector_client.token_file)");
}

TEST_CASE("collector client files: token and CA")
{
  const auto dir = std::filesystem::temp_directory_path() / ("bgpwatch-cs-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string token = (dir / "token").string();
  std::ofstream(token) << "s3cret\n";
  ::chmod(token.c_str(), 0600);
  CollectorClientConfig c;
  c.token_file = token;
  auto loaded = load_collector_client(c);
  REQUIRE(loaded.has_value());
  CHECK(loaded->token == "s3cret");

  ::chmod(token.c_str(), 0640);
  CHECK(load_collector_client(c).error()
        == "collector_client.token_file " + token + " is accessible by group/others (mode 0640): run chmod 600 " + token);

  c.token_file = (dir / "missing").string();
  CHECK(load_collector_client(c).error() == "collector_client.token_file " + *c.token_file + " does not exist");

  c.token_file.reset();
  c.ca = (dir / "ca.pem").string();
  CHECK(load_collector_client(c).error() == "collector_client.ca " + *c.ca + " does not exist");
  std::filesystem::remove_all(dir);
}
