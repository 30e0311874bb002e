// tests/bgp/test_readiness_routes.cpp: --require routes (issue 14) and the
// stale-route budget. Table-driven cases with exact reasons and texts, the
// neighbor fixtures judged end to end, and an exhaustive sweep over the
// route-level facts against an independent oracle: nothing may be ready
// unless every route-level condition positively holds. The established
// rule's own tests (test_readiness.cpp) are untouched.
#include "bgp/bird.hpp"
#include "bgp/junos_neighbor.hpp"
#include "bgp/readiness.hpp"
#include "bgp/timeparse.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace bgpwatch::bgp;
using namespace std::chrono_literals;
using Words = std::vector<std::string>;

namespace {

const WallClock::time_point k_now = *parse_instant("2026-11-29T03:00:00Z");

Address addr(const char* text)
{
  auto a = Address::parse(text);
  REQUIRE(a);
  return *a;
}

ExpectedSession expected(const char* address = "10.64.32.23")
{
  return ExpectedSession{"cr1-eqiad", addr(address), 64601, "kubernetes1003.eqiad.wmnet", "eqiad"};
}

RibCounts rib(const char* name, std::optional<std::uint64_t> accepted, std::optional<std::string> state = {})
{
  RibCounts r;
  r.name = name;
  r.accepted = accepted;
  r.received = accepted;
  r.state = std::move(state);
  return r;
}

// An Established session with neighbor detail, GR negotiated for
// inet-unicast and its End-of-RIB received: ready under routes.
Session gr_done()
{
  Session s;
  s.address = addr("10.64.32.23");
  s.state = SessionState::established;
  s.uptime_seconds = 30;
  s.peer_as = 64601;
  s.has_detail = true;
  s.peer_flags = Words{"Sync"};
  s.last_error = "None";
  s.options = Words{"Preference", "GracefulRestart"};
  s.restart_time_received = 120;
  s.restart_negotiated = Words{"inet-unicast"};
  s.end_of_rib_received = Words{"inet-unicast"};
  s.ribs = {rib("inet.0", 1, "BGP restart is complete")};
  return s;
}

Verdict judge(const Session& s, Require require = Require::routes, GateOptions o = {})
{
  o.require = require;
  RouterObservation obs;
  obs.router = "cr1-eqiad";
  obs.readable = true;
  obs.polled_at = k_now;
  obs.sessions = {s};
  const std::vector<ExpectedSession> e{expected(s.address.to_string().c_str())};
  const std::vector<RouterObservation> observed{obs};
  return evaluate(e, observed, k_now, o);
}

std::string fixture_text(const std::string& relative)
{
  std::filesystem::path dir;
  if (const char* env = std::getenv("BGPWATCH_FIXTURES"); env != nullptr && *env != '\0') {
    dir = env;
  } else {
    dir = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "fixtures";
  }
  std::ifstream in(dir / relative, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string neighbor_fixture(const std::string& name)
{
  std::filesystem::path dir;
  if (const char* env = std::getenv("BGPWATCH_FIXTURES"); env != nullptr && *env != '\0') {
    dir = env;
  } else {
    dir = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "fixtures";
  }
  std::ifstream in(dir / "junos-neighbor" / name, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

} // namespace

TEST_CASE("require: names")
{
  CHECK(to_string(Require::routes) == "routes");
  CHECK(to_string(Require::established) == "established");
  CHECK(*parse_require("routes") == Require::routes);
  CHECK(*parse_require("established") == Require::established);
  CHECK(parse_require("Routes").error() == "bad --require 'Routes' (expected routes or established)");
  CHECK(parse_require("").has_value() == false);
  CHECK(to_string(Reason::awaiting_end_of_rib) == "awaiting_end_of_rib");
  CHECK(to_string(Reason::restart_in_progress) == "restart_in_progress");
  CHECK(to_string(Reason::terminal_prefix_limit) == "terminal:prefix_limit");
  CHECK(to_string(Reason::terminal_admin_shutdown) == "terminal:admin_shutdown");
  CHECK(to_string(Reason::terminal_unconfigured) == "terminal:unconfigured");
  CHECK(to_string(Reason::detail_unknown) == "detail_unknown");
  CHECK(is_terminal(Reason::terminal_unconfigured));
  CHECK_FALSE(is_terminal(Reason::not_established));
  CHECK(GateOptions{}.require == Require::established); // the pure default keeps the old rule
}

TEST_CASE("require routes: table of single-session cases")
{
  struct Case
  {
    const char* name;
    Session session;
    Readiness readiness;
    Reason reason;
    bool terminal;
    const char* text; // exact verdict text
  };
  const auto with = [](auto f) {
    Session s = gr_done();
    f(s);
    return s;
  };
  const std::vector<Case> cases = {
    {"GR negotiated, End-of-RIB received, RIB complete", gr_done(), Readiness::ready, Reason::ready, false,
     "cr1-eqiad ipv4 10.64.32.23 Established for 30s"},
    {"End-of-RIB list absent", with([](Session& s) { s.end_of_rib_received.reset(); }), Readiness::not_ready,
     Reason::awaiting_end_of_rib, false,
     "cr1-eqiad ipv4 10.64.32.23 Established for 30s, End-of-RIB not received for inet-unicast (graceful "
     "restart negotiated: routes not yet refreshed)"},
    {"End-of-RIB for one of two families",
     with([](Session& s) { s.restart_negotiated = Words{"inet-unicast", "inet6-unicast"}; }), Readiness::not_ready,
     Reason::awaiting_end_of_rib, false,
     "cr1-eqiad ipv4 10.64.32.23 Established for 30s, End-of-RIB not received for inet6-unicast (graceful "
     "restart negotiated: routes not yet refreshed)"},
    {"RIB restarting", with([](Session& s) { s.ribs = {rib("inet.0", 1, "BGP restart in progress")}; }),
     Readiness::not_ready, Reason::restart_in_progress, false,
     "cr1-eqiad ipv4 10.64.32.23 Established for 30s, inet.0 'BGP restart in progress'"},
    {"End-of-RIB in, RIB without a state, 0 prefixes: GR done is enough",
     with([](Session& s) { s.ribs = {rib("inet.0", 0)}; }), Readiness::ready, Reason::ready, false,
     "cr1-eqiad ipv4 10.64.32.23 Established for 30s"},
    {"no GR, 1 accepted prefix", with([](Session& s) {
       s.restart_negotiated.reset();
       s.end_of_rib_received.reset();
     }),
     Readiness::ready, Reason::ready, false, "cr1-eqiad ipv4 10.64.32.23 Established for 30s"},
    {"no GR (empty list), 0 accepted prefixes", with([](Session& s) {
       s.restart_negotiated = Words{};
       s.ribs = {rib("inet.0", 0)};
     }),
     Readiness::not_ready, Reason::no_prefixes, false,
     "cr1-eqiad ipv4 10.64.32.23 Established for 30s, 0 accepted prefixes (--require routes, no graceful restart "
     "negotiated)"},
    {"no GR, no RIB listed", with([](Session& s) {
       s.restart_negotiated.reset();
       s.ribs.clear();
     }),
     Readiness::unknown, Reason::prefixes_unknown, false,
     "cr1-eqiad ipv4 10.64.32.23 Established for 30s, accepted prefixes unknown (--require routes, no graceful "
     "restart negotiated)"},
    {"no neighbor detail", with([](Session& s) { s.has_detail = false; }), Readiness::unknown,
     Reason::detail_unknown, false,
     "cr1-eqiad ipv4 10.64.32.23 Established for 30s, neighbor detail unknown (--require routes needs it)"},
    {"prefix-limit teardown (Idled)", with([](Session& s) {
       s.state = SessionState::idle;
       s.peer_flags = Words{"Idled"};
       s.last_error = "Cease";
     }),
     Readiness::not_ready, Reason::terminal_prefix_limit, true,
     "cr1-eqiad ipv4 10.64.32.23 Idle for 30s, won't recover by waiting: prefix limit exceeded on cr1-eqiad "
     "(router says: last error 'Cease', flags <Idled>); clear bgp neighbor 10.64.32.23 after fixing the node"},
    {"prefix-limit teardown (last error names it)", with([](Session& s) {
       s.state = SessionState::idle;
       s.peer_flags.reset();
       s.last_error = "Cease: Maximum Number of Prefixes Reached";
     }),
     Readiness::not_ready, Reason::terminal_prefix_limit, true,
     "cr1-eqiad ipv4 10.64.32.23 Idle for 30s, won't recover by waiting: prefix limit exceeded on cr1-eqiad "
     "(router says: last error 'Cease: Maximum Number of Prefixes Reached'); clear bgp neighbor 10.64.32.23 after "
     "fixing the node"},
    {"admin shutdown", with([](Session& s) {
       s.state = SessionState::idle;
       s.options = Words{"Preference", "Shutdown"};
     }),
     Readiness::not_ready, Reason::terminal_admin_shutdown, true,
     "cr1-eqiad ipv4 10.64.32.23 Idle for 30s, won't recover by waiting: administratively shut down on cr1-eqiad "
     "(router says: last error 'None', flags <Sync>, options <Preference Shutdown>)"},
    {"unconfigured and down", with([](Session& s) {
       s.state = SessionState::active;
       s.peer_flags = Words{"Unconfigured", "Sync"};
     }),
     Readiness::not_ready, Reason::terminal_unconfigured, true,
     "cr1-eqiad ipv4 10.64.32.23 Active for 30s, won't recover by waiting: not configured on cr1-eqiad (router "
     "says: last error 'None', flags <Unconfigured Sync>)"},
    {"Established with Unconfigured (an allow peer) is not terminal",
     with([](Session& s) { s.peer_flags = Words{"Unconfigured", "Sync"}; }), Readiness::ready, Reason::ready, false,
     "cr1-eqiad ipv4 10.64.32.23 Established for 30s"},
    {"Idle without terminal words: plain not_established",
     with([](Session& s) { s.state = SessionState::idle; }), Readiness::not_ready, Reason::not_established, false,
     "cr1-eqiad ipv4 10.64.32.23 Idle for 30s, routes kept stale for 1m30s more"},
    {"Established with Idled flag is not terminal", with([](Session& s) { s.peer_flags = Words{"Idled"}; }),
     Readiness::ready, Reason::ready, false, "cr1-eqiad ipv4 10.64.32.23 Established for 30s"},
    {"state Unknown stays unknown", with([](Session& s) {
       s.state = SessionState::unknown;
       s.peer_flags = Words{"Idled"};
     }),
     Readiness::unknown, Reason::state_unknown, false, "cr1-eqiad ipv4 10.64.32.23 Unknown state"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto v = judge(c.session);
    REQUIRE(v.sessions.size() == 1);
    CHECK(to_string(v.sessions[0].readiness) == to_string(c.readiness));
    CHECK(to_string(v.sessions[0].reason) == to_string(c.reason));
    CHECK(v.sessions[0].terminal == c.terminal);
    CHECK(v.terminal() == c.terminal);
    CHECK(v.sessions[0].text == c.text);
    CHECK(to_string(v.overall) == to_string(c.readiness));
  }
}

TEST_CASE("require established: the new facts change nothing")
{
  // Every route-level problem above is ready under the old rule when the
  // session is Established, and no state is terminal.
  Session pending = gr_done();
  pending.end_of_rib_received.reset();
  pending.ribs = {rib("inet.0", 0, "BGP restart in progress")};
  pending.has_detail = false;
  auto v = judge(pending, Require::established);
  CHECK(v.overall == Readiness::ready);
  Session limit = gr_done();
  limit.state = SessionState::idle;
  limit.peer_flags = Words{"Idled"};
  v = judge(limit, Require::established);
  CHECK(v.overall == Readiness::not_ready);
  CHECK(v.sessions[0].reason == Reason::not_established);
  CHECK_FALSE(v.terminal());
  CHECK(v.sessions[0].text == "cr1-eqiad ipv4 10.64.32.23 Idle for 30s");
  // --require-prefixes keeps its own wording.
  Session none = gr_done();
  none.ribs = {rib("inet.0", 0)};
  GateOptions o;
  o.require_prefixes = true;
  v = judge(none, Require::established, o);
  CHECK(v.sessions[0].text == "cr1-eqiad ipv4 10.64.32.23 Established for 30s, 0 accepted prefixes (--require-prefixes)");
}

TEST_CASE("require routes: a terminal state wins over AS mismatch and is flagged among other sessions")
{
  Session limit = gr_done();
  limit.state = SessionState::idle;
  limit.peer_flags = Words{"Idled"};
  limit.peer_as = 64999;
  auto v = judge(limit);
  CHECK(v.sessions[0].reason == Reason::terminal_prefix_limit);

  // Two expected sessions: one unknown (router unreadable), one terminal.
  GateOptions o;
  o.require = Require::routes;
  limit.peer_as = 64601;
  RouterObservation cr1{"cr1-eqiad", true, "", k_now, std::nullopt, {limit}, {}};
  RouterObservation cr2{"cr2-eqiad", false, "connection refused", k_now, std::nullopt, {}, {}};
  const std::vector<ExpectedSession> e{expected(), ExpectedSession{"cr2-eqiad", addr("10.64.32.23"), 64601, "n", "eqiad"}};
  const std::vector<RouterObservation> observed{cr1, cr2};
  v = evaluate(e, observed, k_now, o);
  CHECK(v.overall == Readiness::not_ready);
  CHECK(v.terminal());
  CHECK(v.sessions[0].terminal);
  CHECK_FALSE(v.sessions[1].terminal);
}

TEST_CASE("require routes: the neighbor fixtures judged end to end")
{
  struct Case
  {
    const char* file;
    const char* address;
    Readiness readiness;
    Reason reason;
  };
  const std::vector<Case> cases = {
    {"gr_eor_received.xml", "10.64.0.121", Readiness::ready, Reason::ready},
    {"established_gr.txt", "10.64.0.121", Readiness::ready, Reason::ready},
    {"eor_pending_18_4.xml", "10.64.32.23", Readiness::not_ready, Reason::awaiting_end_of_rib},
    {"ipv6_pending_and_down.txt", "2620:0:861:101:10:64:0:121", Readiness::not_ready, Reason::awaiting_end_of_rib},
    {"ipv6_pending_and_down.txt", "10.64.48.52", Readiness::not_ready, Reason::not_established},
    {"no_gr_ipv6_and_down.xml", "2620:0:861:101:10:64:0:121", Readiness::ready, Reason::ready},
    {"two_families_srx_cluster.xml", "10.192.0.10", Readiness::not_ready, Reason::awaiting_end_of_rib},
    {"prefix_limit_teardown.xml", "10.64.48.52", Readiness::not_ready, Reason::terminal_prefix_limit},
    {"admin_shutdown.xml", "10.64.32.23", Readiness::not_ready, Reason::terminal_admin_shutdown},
    {"shutdown.txt", "10.64.32.23", Readiness::not_ready, Reason::terminal_admin_shutdown},
    {"unconfigured.xml", "10.64.0.99", Readiness::not_ready, Reason::terminal_unconfigured},
    {"empty_reply.xml", "10.64.0.121", Readiness::unknown, Reason::peer_absent},
  };
  for (const auto& c : cases) {
    CAPTURE(c.file, c.address);
    const std::string content = neighbor_fixture(c.file);
    const auto parsed = std::string_view(c.file).ends_with(".xml") ? parse_junos_neighbor_xml(content)
                                                                    : parse_junos_neighbor_text(content);
    REQUIRE(parsed.has_value());
    RouterObservation obs{"cr1-eqiad", true, "", k_now, std::nullopt, parsed->sessions, {}};
    const std::vector<ExpectedSession> e{ExpectedSession{"cr1-eqiad", addr(c.address), 0, "n", "eqiad"}};
    const std::vector<RouterObservation> observed{obs};
    GateOptions o;
    o.require = Require::routes;
    const auto v = evaluate(e, observed, k_now, o);
    CHECK(to_string(v.overall) == to_string(c.readiness));
    CHECK(to_string(v.sessions[0].reason) == to_string(c.reason));
  }
}

TEST_CASE("require routes: exhaustive sweep against an oracle")
{
  // Every combination of the route-level facts; ready must match the oracle
  // exactly, and a terminal flag only ever comes with not_ready.
  const std::vector<std::optional<Words>> negotiated = {std::nullopt, Words{}, Words{"inet-unicast"},
                                                        Words{"inet-unicast", "inet6-unicast"}};
  const std::vector<std::optional<Words>> eor = {std::nullopt, Words{}, Words{"inet-unicast"},
                                                 Words{"inet6-unicast"}, Words{"inet-unicast", "inet6-unicast"}};
  const std::vector<std::vector<RibCounts>> ribsets = {
    {},
    {rib("inet.0", std::nullopt)},
    {rib("inet.0", 0)},
    {rib("inet.0", 2)},
    {rib("inet.0", 2, "BGP restart is complete")},
    {rib("inet.0", 2, "BGP restart in progress")},
    {rib("inet.0", 0, "BGP restart is complete"), rib("inet6.0", 1, "")},
  };
  const std::vector<std::optional<Words>> flags = {std::nullopt, Words{"Sync"}, Words{"Idled"},
                                                   Words{"Unconfigured", "Sync"}};
  const std::vector<std::optional<Words>> options = {std::nullopt, Words{"GracefulRestart"}, Words{"Shutdown"}};
  const std::vector<std::optional<std::string>> errors = {std::nullopt, std::string("None"),
                                                          std::string("Maximum Number of Prefixes Reached")};
  const std::vector<SessionState> states = {SessionState::unknown, SessionState::idle, SessionState::active,
                                            SessionState::established};
  std::size_t combinations = 0;
  std::size_t ready = 0;
  for (const auto state : states) {
    for (const bool detail : {false, true}) {
      for (const auto& n : negotiated) {
        for (const auto& r : eor) {
          for (const auto& ribs : ribsets) {
            for (const auto& f : flags) {
              for (const auto& opt : options) {
                for (const auto& err : errors) {
                  Session s;
                  s.address = addr("10.64.32.23");
                  s.peer_as = 64601;
                  s.uptime_seconds = 5;
                  s.state = state;
                  s.has_detail = detail;
                  s.restart_negotiated = n;
                  s.end_of_rib_received = r;
                  s.ribs = ribs;
                  s.peer_flags = f;
                  s.options = opt;
                  s.last_error = err;
                  const auto v = judge(s);
                  ++combinations;
                  // Oracle, written from the issue, not from the code.
                  bool oracle = state == SessionState::established && detail;
                  if (oracle && n && !n->empty()) {
                    for (const auto& fam : *n) {
                      oracle = oracle && r && std::find(r->begin(), r->end(), fam) != r->end();
                    }
                  } else if (oracle) {
                    std::uint64_t accepted = 0;
                    bool any = false;
                    for (const auto& x : ribs) {
                      if (x.accepted) {
                        any = true;
                        accepted += *x.accepted;
                      }
                    }
                    oracle = any && accepted > 0;
                  }
                  for (const auto& x : ribs) {
                    oracle = oracle && (!x.state || *x.state == "BGP restart is complete");
                  }
                  CAPTURE(combinations, to_string(v.sessions[0].reason));
                  REQUIRE((v.overall == Readiness::ready) == oracle);
                  if (v.terminal()) {
                    REQUIRE(v.overall == Readiness::not_ready);
                    REQUIRE(state != SessionState::established);
                    REQUIRE(state != SessionState::unknown);
                  }
                  ready += oracle ? 1 : 0;
                }
              }
            }
          }
        }
      }
    }
  }
  CHECK(combinations == 4 * 2 * 4 * 5 * 7 * 4 * 3 * 3);
  CHECK(ready > 0);
}

TEST_CASE("stale-route budget")
{
  const auto down_at = k_now - 45s;
  CHECK(stale_routes_expire_at(120s, down_at) == k_now + 75s);
  CHECK_FALSE(stale_routes_expire_at(std::nullopt, down_at).has_value());
  CHECK_FALSE(stale_routes_expire_at(120s, std::nullopt).has_value());
  CHECK_FALSE(stale_routes_expire_at(0s, down_at).has_value());

  Session s = gr_done();
  s.state = SessionState::active;
  s.uptime_seconds = 45; // down for 45 s
  CHECK(stale_routes_expire_at(s, k_now) == k_now + 75s);
  CHECK(stale_seconds_left(*stale_routes_expire_at(s, k_now), k_now) == 75);
  CHECK(stale_seconds_left(*stale_routes_expire_at(s, k_now), k_now + 80s) == 0);
  CHECK(stale_seconds_left(k_now + 1500ms, k_now) == 1);

  Session up = gr_done();
  CHECK_FALSE(stale_routes_expire_at(up, k_now).has_value()); // Established: routes are live
  Session no_gr = s;
  no_gr.restart_negotiated = Words{};
  CHECK_FALSE(stale_routes_expire_at(no_gr, k_now).has_value());
  Session unknown_gr = s;
  unknown_gr.restart_negotiated.reset(); // a down peer's detail often lacks it: the restart time decides
  CHECK(stale_routes_expire_at(unknown_gr, k_now) == k_now + 75s);
  Session no_time = s;
  no_time.restart_time_received.reset();
  CHECK_FALSE(stale_routes_expire_at(no_time, k_now).has_value());
  Session no_uptime = s;
  no_uptime.uptime_seconds.reset();
  CHECK_FALSE(stale_routes_expire_at(no_uptime, k_now).has_value());
  Session state_unknown = s;
  state_unknown.state = SessionState::unknown;
  CHECK_FALSE(stale_routes_expire_at(state_unknown, k_now).has_value());
  Session expired = s;
  expired.uptime_seconds = 500;
  CHECK(stale_routes_expire_at(expired, k_now) == k_now - 380s); // already past: 0 s left
  CHECK(stale_seconds_left(*stale_routes_expire_at(expired, k_now), k_now) == 0);
}

TEST_CASE("bird GR under --require routes: a RIB in neighbor GR is restart_in_progress")
{
  auto parsed = parse_bird_protocols(fixture_text("bird/1.6/router-down/bird-protocols-all.raw"));
  REQUIRE(parsed.has_value());
  auto s = parsed->sessions.back();
  REQUIRE(s.protocol == "Global_10_64_0_1");
  s.state = SessionState::established; // as if the session were back while BIRD still holds stale routes
  s.uptime_seconds = 5;
  RouterObservation o{"Global_10_64_0_1", true, "", WallClock::time_point{}, std::nullopt, {s}, {}};
  const std::vector<ExpectedSession> e{ExpectedSession{"Global_10_64_0_1", s.address, 0, "", ""}};
  const std::vector<RouterObservation> observed{o};
  GateOptions opt;
  opt.require = Require::routes;
  const auto v = evaluate(e, observed, WallClock::time_point{}, opt);
  CHECK(v.sessions[0].reason == Reason::restart_in_progress);
  CHECK(v.sessions[0].text.find("master 'Neighbor graceful restart active'") != std::string::npos);
}

TEST_CASE("require routes: a down session's text shows the stale-route budget")
{
  Session s = gr_done();
  s.state = SessionState::active;
  s.uptime_seconds = 45;
  auto v = judge(s);
  CHECK(v.sessions[0].reason == Reason::not_established);
  CHECK(v.sessions[0].text == "cr1-eqiad ipv4 10.64.32.23 Active for 45s, routes kept stale for 1m15s more");
  s.uptime_seconds = 200;
  v = judge(s);
  CHECK(v.sessions[0].text
        == "cr1-eqiad ipv4 10.64.32.23 Active for 3m20s, stale routes expired (restart time 120s)");
  // The established rule's text is unchanged.
  v = judge(s, Require::established);
  CHECK(v.sessions[0].text == "cr1-eqiad ipv4 10.64.32.23 Active for 3m20s");
}
