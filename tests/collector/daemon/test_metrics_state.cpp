// tests/collector/test_metrics_state.cpp: the collector's state and its
// views: exact metric lines, no stale values after a failed poll, nothing
// for routers never polled, bounded transition history, /v1/sessions and
// its client-side inverse (session_from_json), collector URLs.
#include "collector/sources/collector_source.hpp"
#include "collector/daemon/state.hpp"
#include "collector/render/session_json.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

const char* k_config = R"(sites:
  eqiad:
    asn: 64601
    routers:
      - {name: cr1-eqiad, host: 127.0.0.1, port: 1}
      - {name: cr2-eqiad, host: 127.0.0.1, port: 1}
netconf: {username: x, known_hosts: /dev/null}
inventory:
  static:
    kubernetes1003.eqiad.wmnet: {site: eqiad, addresses: [10.64.32.23, "2620:0:861:103:10:64:32:23"]}
)";

Config config()
{
  auto c = parse_config(k_config, "test.yaml");
  REQUIRE(c.has_value());
  return *c;
}

bgp::Session session(const char* address, bgp::SessionState state, std::int64_t uptime, std::uint64_t flaps)
{
  bgp::Session s;
  s.address = *bgp::Address::parse(address);
  s.state = state;
  s.peer_as = 64601;
  s.uptime_seconds = uptime;
  s.flaps = flaps;
  if (state == bgp::SessionState::established) {
    s.ribs.push_back({s.address.family() == bgp::Family::ipv4 ? "inet.0" : "inet6.0", 1, 2, 2, 0, 0});
  }
  return s;
}

bgp::RouterObservation ok(const char* router, std::vector<bgp::Session> sessions, std::int64_t at = 1795920000)
{
  bgp::RouterObservation o;
  o.router = router;
  o.readable = true;
  o.polled_at = bgp::WallClock::time_point(std::chrono::seconds(at));
  o.sessions = std::move(sessions);
  return o;
}

bgp::RouterObservation failed(const char* router, const char* error, std::int64_t at = 1795920010)
{
  bgp::RouterObservation o;
  o.router = router;
  o.readable = false;
  o.error = error;
  o.polled_at = bgp::WallClock::time_point(std::chrono::seconds(at));
  return o;
}

bool has_line(const std::string& text, const std::string& line)
{
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

Node node1003()
{
  Node n;
  n.name = "kubernetes1003.eqiad.wmnet";
  n.site = "eqiad";
  n.addresses = {*bgp::Address::parse("10.64.32.23"), *bgp::Address::parse("2620:0:861:103:10:64:32:23")};
  n.source = "static";
  return n;
}

} // namespace

TEST_CASE("collector state: metrics for a polled router, nothing for one never polled")
{
  CollectorState st;
  st.set_config(config());
  st.set_nodes({node1003()});
  CHECK(st.metrics().find("cr1-eqiad") == std::string::npos);

  st.record(ok("cr1-eqiad", {session("10.64.32.23", bgp::SessionState::established, 1933, 2),
                             session("2620:0:861:103:10:64:32:23", bgp::SessionState::active, 41, 3)}),
            std::chrono::milliseconds(250));
  const auto m = st.metrics();
  const std::string l4 =
    R"({router="cr1-eqiad",site="eqiad",peer="10.64.32.23",family="ipv4",peer_as="64601",node="kubernetes1003.eqiad.wmnet"})";
  const std::string l6 =
    R"({router="cr1-eqiad",site="eqiad",peer="2620:0:861:103:10:64:32:23",family="ipv6",peer_as="64601",node="kubernetes1003.eqiad.wmnet"})";
  CHECK(has_line(m, "bgpwatch_session_state" + l4 + " 6"));
  CHECK(has_line(m, "bgpwatch_session_state" + l6 + " 3"));
  CHECK(has_line(m, "bgpwatch_session_established" + l4 + " 1"));
  CHECK(has_line(m, "bgpwatch_session_established" + l6 + " 0"));
  CHECK(has_line(m, "bgpwatch_session_uptime_seconds" + l4 + " 1933"));
  CHECK(has_line(m, "bgpwatch_session_flaps_total" + l6 + " 3"));
  CHECK(has_line(m, "bgpwatch_session_prefixes" + l4.substr(0, l4.size() - 1) + ",kind=\"accepted\"} 2"));
  CHECK(has_line(m, "bgpwatch_session_prefixes" + l4.substr(0, l4.size() - 1) + ",kind=\"active\"} 1"));
  CHECK(has_line(m, R"(bgpwatch_router_up{router="cr1-eqiad",site="eqiad"} 1)"));
  CHECK(has_line(m, R"(bgpwatch_router_poll_duration_seconds{router="cr1-eqiad",site="eqiad"} 0.25)"));
  CHECK(has_line(m, R"(bgpwatch_router_last_success_timestamp_seconds{router="cr1-eqiad",site="eqiad"} 1795920000)"));
  CHECK(has_line(m, R"(bgpwatch_node_sessions_expected{node="kubernetes1003.eqiad.wmnet",site="eqiad"} 4)"));
  CHECK(has_line(m, R"(bgpwatch_node_sessions_established{node="kubernetes1003.eqiad.wmnet",site="eqiad"} 1)"));
  CHECK(m.find("cr2-eqiad") == std::string::npos);
  // Every metric has HELP and TYPE once, even with no samples.
  for (const char* name : {"bgpwatch_session_state", "bgpwatch_session_established", "bgpwatch_session_uptime_seconds",
                           "bgpwatch_session_flaps_total", "bgpwatch_session_prefixes", "bgpwatch_router_up",
                           "bgpwatch_router_poll_duration_seconds", "bgpwatch_router_last_success_timestamp_seconds",
                           "bgpwatch_node_sessions_expected", "bgpwatch_node_sessions_established"}) {
    CAPTURE(name);
    CHECK(m.find(std::string("# HELP ") + name + " ") != std::string::npos);
    CHECK(m.find(std::string("# TYPE ") + name + " ") != std::string::npos);
  }
  CHECK(has_line(m, "# TYPE bgpwatch_session_flaps_total counter"));
}

TEST_CASE("collector state: a failed poll leaves router_up 0 and no stale sessions")
{
  CollectorState st;
  st.set_config(config());
  st.record(ok("cr1-eqiad", {session("10.64.32.23", bgp::SessionState::established, 1933, 2)}),
            std::chrono::milliseconds(100));
  st.record(failed("cr1-eqiad", "connect: Connection refused"), std::chrono::milliseconds(3));
  const auto m = st.metrics();
  CHECK(has_line(m, R"(bgpwatch_router_up{router="cr1-eqiad",site="eqiad"} 0)"));
  CHECK(has_line(m, R"(bgpwatch_router_last_success_timestamp_seconds{router="cr1-eqiad",site="eqiad"} 1795920000)"));
  CHECK(m.find("bgpwatch_session_state{") == std::string::npos);
  CHECK(m.find("bgpwatch_session_established{") == std::string::npos);
  const auto obs = st.observations();
  REQUIRE(obs.size() == 1);
  CHECK_FALSE(obs[0].readable);
  CHECK(obs[0].error == "connect: Connection refused");
  CHECK(obs[0].sessions.empty());
}

TEST_CASE("collector state: transitions with flap deltas, bounded history")
{
  CollectorState st;
  st.set_config(config());
  st.record(ok("cr1-eqiad", {session("10.64.32.23", bgp::SessionState::established, 100, 2)}, 1000),
            std::chrono::milliseconds(1));
  auto changes = st.record(ok("cr1-eqiad", {session("10.64.32.23", bgp::SessionState::active, 5, 3)}, 1010),
                           std::chrono::milliseconds(1));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].transition.from == bgp::SessionState::established);
  CHECK(changes[0].transition.to == bgp::SessionState::active);
  CHECK(changes[0].transition.flaps_delta == 1);
  // As the verdict judges it (bgp::session_came_up): polled_at - uptime - 1 s.
  CHECK(changes[0].transition.at == bgp::WallClock::time_point(std::chrono::seconds(1004)));
  // Same state, no flap: no change.
  CHECK(st.record(ok("cr1-eqiad", {session("10.64.32.23", bgp::SessionState::active, 15, 3)}, 1020),
                  std::chrono::milliseconds(1))
          .empty());
  for (int i = 0; i < 40; ++i) {
    st.record(ok("cr1-eqiad", {session("10.64.32.23",
                                       i % 2 == 0 ? bgp::SessionState::established : bgp::SessionState::idle, 1,
                                       static_cast<std::uint64_t>(4 + i))},
                 1030 + i),
              std::chrono::milliseconds(1));
  }
  // An uptime reaching before 1970 (polled at @1069, up 5000 s) is not
  // summed into a wrapped instant: the change is placed at the poll.
  changes = st.record(ok("cr1-eqiad", {session("10.64.32.23", bgp::SessionState::idle, 5000, 100)}, 1069),
                      std::chrono::milliseconds(1));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].transition.at == bgp::WallClock::time_point(std::chrono::seconds(1069)));
  const auto* r = st.router("cr1-eqiad");
  REQUIRE(r != nullptr);
  REQUIRE(r->sessions->size() == 1);
  CHECK((*r->sessions)[0].history.size() == CollectorState::k_history_length);
  CHECK((*r->sessions)[0].history.back().to == bgp::SessionState::idle);
}

TEST_CASE("collector state: /v1/sessions round-trips through session_from_json")
{
  CollectorState st;
  st.set_config(config());
  st.set_nodes({node1003()});
  st.record(ok("cr1-eqiad", {session("10.64.32.23", bgp::SessionState::established, 1933, 2),
                             session("2620:0:861:103:10:64:32:23", bgp::SessionState::active, 41, 3)}),
            std::chrono::milliseconds(250));
  st.record(failed("cr2-eqiad", "timed out"), std::chrono::milliseconds(10000));
  const auto now = bgp::WallClock::time_point(std::chrono::seconds(1795920012));
  const auto j = st.sessions_json(now);
  REQUIRE(j["routers"].size() == 2);
  // SPEC "Collector trust": the collector's clock, and each session's start on it.
  CHECK(j["now"] == "2026-11-29T02:40:12.000Z");
  CHECK(j["sessions"][0]["up_since"] == "2026-11-29T02:07:47.000Z"); // polled_at 02:40:00 - 1933 s
  CHECK(j["sessions"][1]["up_since"] == "2026-11-29T02:39:19.000Z");
  CHECK(j["routers"][0]["name"] == "cr1-eqiad");
  CHECK(j["routers"][0]["ok"] == true);
  CHECK(j["routers"][0]["polled_at"] == "2026-11-29T02:40:00.000Z");
  CHECK(j["routers"][0]["poll_age_seconds"] == 12.0);
  CHECK(j["routers"][1]["ok"] == false);
  CHECK(j["routers"][1]["error"] == "timed out");
  REQUIRE(j["sessions"].size() == 2);
  CHECK(j["sessions"][1]["state"] == "Active");
  CHECK(j["sessions"][1]["node"] == "kubernetes1003.eqiad.wmnet");
  for (const auto& sj : j["sessions"]) {
    auto s = session_from_json(sj);
    REQUIRE(s.has_value());
    CHECK(session_to_json(*s).dump() == [&] {
      auto copy = sj;
      copy.erase("poll_age_seconds");
      copy.erase("history");
      copy.erase("up_since");
      return copy.dump();
    }());
  }
  auto bad = session_from_json({{"address", "10.0.0.300"}, {"state", "Established"}});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == "bad session address '10.0.0.300'");
  bad = session_from_json({{"address", "10.0.0.1"}, {"state", "Up"}});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == "unknown BGP state 'Up'");
  bad = session_from_json({{"address", "10.0.0.1"}, {"state", "Idle"}, {"peer_as", "x"}});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == "field 'peer_as' is string (\"x\"), not a count");
}

namespace {

// n established IPv4 peers 10.0.x.y (x.y from i), for responses of several pieces.
std::vector<bgp::Session> many(std::size_t n, std::uint64_t flaps)
{
  std::vector<bgp::Session> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string a = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    out.push_back(session(a.c_str(), bgp::SessionState::established, 100, flaps));
  }
  return out;
}

std::size_t count_lines_starting(const std::string& text, const std::string& prefix)
{
  std::size_t n = 0;
  std::size_t at = 0;
  while ((at = text.find("\n" + prefix, at)) != std::string::npos) {
    ++n;
    ++at;
  }
  return n;
}

} // namespace

TEST_CASE("collector state: a metrics stream comes in pieces and keeps its snapshot while polls land")
{
  CollectorState st;
  st.set_config(config());
  st.record(ok("cr1-eqiad", many(2000, 2)), std::chrono::milliseconds(250));
  st.record(ok("cr2-eqiad", many(2000, 2)), std::chrono::milliseconds(250));
  const std::string whole = st.metrics();

  auto produce = st.metrics_stream();
  std::string streamed;
  std::string piece;
  std::size_t pieces = 0;
  bool more = true;
  while (more) {
    piece.clear();
    more = produce(piece);
    ++pieces;
    CHECK(piece.size() <= 512 * 1024); // bounded, whatever the total
    streamed += piece;
    if (pieces == 1) {
      // A poll lands mid-scrape: cr1 fails, cr2 has new flap counts. The
      // scrape started before it and must stay consistent with its start.
      st.record(failed("cr1-eqiad", "timed out"), std::chrono::milliseconds(10000));
      st.record(ok("cr2-eqiad", many(2000, 7)), std::chrono::milliseconds(250));
    }
  }
  CHECK(pieces > 3);
  CHECK(streamed == whole);
  CHECK(count_lines_starting(streamed, "bgpwatch_session_flaps_total{router=\"cr1-eqiad\"") == 2000);
  CHECK(count_lines_starting(streamed, "bgpwatch_session_state{") == 4000);

  // The next scrape sees the new polls: cr1 only as router_up 0, cr2's new counts.
  const std::string after = st.metrics();
  CHECK(count_lines_starting(after, "bgpwatch_session_state{router=\"cr1-eqiad\"") == 0);
  CHECK(has_line(after, R"(bgpwatch_router_up{router="cr1-eqiad",site="eqiad"} 0)"));
  CHECK(has_line(after,
                 R"(bgpwatch_session_flaps_total{router="cr2-eqiad",site="eqiad",peer="10.0.0.1",family="ipv4",peer_as="64601",node=""} 7)"));
}

TEST_CASE("collector state: /v1/sessions filtered by router")
{
  CollectorState st;
  st.set_config(config());
  st.record(ok("cr1-eqiad", {session("10.64.32.23", bgp::SessionState::established, 1933, 2)}),
            std::chrono::milliseconds(250));
  st.record(ok("cr2-eqiad", {session("10.64.32.24", bgp::SessionState::active, 5, 0)}), std::chrono::milliseconds(250));
  const auto now = bgp::WallClock::time_point(std::chrono::seconds(1795920012));
  auto drain = [](BodyProducer p) {
    std::string out;
    while (p(out)) {
    }
    return nlohmann::json::parse(out);
  };
  const auto only2 = drain(st.sessions_stream(now, {"cr2-eqiad"}));
  REQUIRE(only2["routers"].size() == 1);
  CHECK(only2["routers"][0]["name"] == "cr2-eqiad");
  REQUIRE(only2["sessions"].size() == 1);
  CHECK(only2["sessions"][0]["address"] == "10.64.32.24");
  // A router the collector does not poll matches nothing (the client names it).
  const auto none = drain(st.sessions_stream(now, {"cr9-eqiad"}));
  CHECK(none["routers"].empty());
  CHECK(none["sessions"].empty());
  CHECK(drain(st.sessions_stream(now))["sessions"].size() == 2);
}

TEST_CASE("collector state: the node view judges with max_age")
{
  CollectorState st;
  st.set_config(config());
  st.set_nodes({node1003()});
  st.record(ok("cr1-eqiad", {session("10.64.32.23", bgp::SessionState::established, 1933, 2),
                             session("2620:0:861:103:10:64:32:23", bgp::SessionState::established, 41, 3)}),
            std::chrono::milliseconds(250));
  st.record(ok("cr2-eqiad", {session("10.64.32.23", bgp::SessionState::established, 1933, 2),
                             session("2620:0:861:103:10:64:32:23", bgp::SessionState::established, 41, 3)}),
            std::chrono::milliseconds(250));
  const auto fresh = st.node_json(node1003(), bgp::WallClock::time_point(std::chrono::seconds(1795920005)),
                                  std::chrono::seconds(30));
  CHECK(fresh["ready"] == "ready");
  CHECK(fresh["sessions"].size() == 4);
  const auto old = st.node_json(node1003(), bgp::WallClock::time_point(std::chrono::seconds(1795920031)),
                                std::chrono::seconds(30));
  CHECK(old["ready"] == "unknown");
  CHECK(old["sessions"][0]["reason"] == "stale");
}


TEST_CASE("collector state: the stale-route budget in metrics, /v1/sessions and /v1/nodes")
{
  CollectorState st;
  st.set_config(config());
  st.set_nodes({node1003()});
  // Down for 45 s with a 120 s restart time: the router keeps the routes
  // 75 s more. The IPv6 session is down without graceful restart.
  auto down = session("10.64.32.23", bgp::SessionState::active, 45, 3);
  down.has_detail = true;
  down.restart_time_received = 120;
  down.restart_negotiated = std::vector<std::string>{"inet-unicast"};
  auto no_gr = session("2620:0:861:103:10:64:32:23", bgp::SessionState::active, 45, 3);
  no_gr.has_detail = true;
  no_gr.restart_negotiated = std::vector<std::string>{};
  st.record(ok("cr1-eqiad", {down, no_gr}), std::chrono::milliseconds(250));
  const auto m = st.metrics();
  const std::string l4 =
    R"({router="cr1-eqiad",site="eqiad",peer="10.64.32.23",family="ipv4",peer_as="64601",node="kubernetes1003.eqiad.wmnet"})";
  CHECK(has_line(m, "bgpwatch_session_stale_routes_seconds_left" + l4 + " 75"));
  CHECK(has_line(m, "# TYPE bgpwatch_session_stale_routes_seconds_left gauge"));
  // Only while the router holds stale routes: one sample, the IPv4 one.
  std::size_t samples = 0;
  for (std::size_t at = m.find("\nbgpwatch_session_stale_routes_seconds_left{"); at != std::string::npos;
       at = m.find("\nbgpwatch_session_stale_routes_seconds_left{", at + 1)) {
    ++samples;
  }
  CHECK(samples == 1);
  // The family sits with the session families, before the router ones.
  CHECK(m.find("# HELP bgpwatch_session_stale_routes_seconds_left") < m.find("# HELP bgpwatch_router_up"));
  CHECK(m.find("# HELP bgpwatch_session_prefixes") < m.find("# HELP bgpwatch_session_stale_routes_seconds_left"));

  const auto sessions = st.sessions_json(bgp::WallClock::time_point(std::chrono::seconds(1795920005)));
  REQUIRE(sessions["sessions"].size() == 2);
  CHECK(sessions["sessions"][0]["stale_routes_expire_at"] == "2026-11-29T02:41:15.000Z");
  CHECK(sessions["sessions"][0]["restart_time_received"] == 120);
  CHECK(sessions["sessions"][1]["stale_routes_expire_at"].is_null());
  const auto back = session_from_json(sessions["sessions"][0]);
  REQUIRE(back.has_value());
  CHECK(back->has_detail);
  CHECK(back->restart_time_received == 120u);

  const auto node = st.node_json(node1003(), bgp::WallClock::time_point(std::chrono::seconds(1795920005)),
                                 std::chrono::seconds(30));
  REQUIRE(node["sessions"].size() == 4);
  bool seen = false;
  for (const auto& s : node["sessions"]) {
    if (s["router"] == "cr1-eqiad" && s["family"] == "ipv4") {
      CHECK(s["session"]["stale_routes_expire_at"] == "2026-11-29T02:41:15.000Z");
      seen = true;
    }
  }
  CHECK(seen);

  // Budget spent at the next poll: the sample goes, the JSON keeps the past end.
  down.uptime_seconds = 125;
  st.record(ok("cr1-eqiad", {down, no_gr}, 1795920080), std::chrono::milliseconds(250));
  CHECK(st.metrics().find("bgpwatch_session_stale_routes_seconds_left{") == std::string::npos);
}
