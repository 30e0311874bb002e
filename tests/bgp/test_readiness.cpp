// tests/bgp/test_readiness.cpp: the safety core. Table-driven cases for every
// rule of SPEC "Readiness", then an exhaustive sweep over every combination
// of inputs that checks "ready" against an independent oracle: no
// combination may yield ready unless every condition positively holds.
#include "bgp/readiness.hpp"
#include "bgp/timeparse.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace bgpwatch::bgp;
using namespace std::chrono_literals;

namespace {

const WallClock::time_point k_now = *parse_instant("2026-11-29T03:00:00Z");

Address addr(const char* text)
{
  auto a = Address::parse(text);
  REQUIRE(a);
  return *a;
}

ExpectedSession exp_session(const char* router, const char* address, std::uint32_t asn = 64601)
{
  return ExpectedSession{router, addr(address), asn, "kubernetes1003.eqiad.wmnet", "eqiad"};
}

struct S
{
  const char* address = "10.64.32.23";
  SessionState state = SessionState::established;
  std::optional<std::int64_t> uptime = 600;
  std::optional<std::uint32_t> peer_as = 64601;
  std::optional<std::uint64_t> flaps = {};
  std::vector<RibCounts> ribs = {};
  std::optional<std::string> instance = {};
};

Session session(const S& s)
{
  Session out;
  out.address = addr(s.address);
  out.state = s.state;
  out.uptime_seconds = s.uptime;
  out.peer_as = s.peer_as;
  out.flaps = s.flaps;
  out.ribs = s.ribs;
  out.instance = s.instance;
  return out;
}

RouterObservation obs(const char* router, std::vector<S> sessions, bool readable = true,
                      WallClock::time_point polled_at = k_now, std::string error = "")
{
  RouterObservation o;
  o.router = router;
  o.readable = readable;
  o.error = std::move(error);
  o.polled_at = polled_at;
  for (const auto& s : sessions) {
    o.sessions.push_back(session(s));
  }
  return o;
}

RibCounts rib(const char* name, std::optional<std::uint64_t> accepted)
{
  RibCounts r;
  r.name = name;
  r.accepted = accepted;
  r.received = accepted;
  r.active = accepted;
  return r;
}

GateOptions since(std::chrono::seconds before_now)
{
  GateOptions o;
  o.since = k_now - before_now;
  return o;
}

struct Case
{
  const char* name;
  std::vector<ExpectedSession> expected;
  std::vector<RouterObservation> observed;
  GateOptions options;
  Readiness overall;
  std::vector<Reason> reasons; // per expected session
  std::vector<Readiness> readiness;
};

} // namespace

TEST_CASE("readiness: every rule, table-driven")
{
  const auto e4 = exp_session("cr1-eqiad", "10.64.32.23");
  const auto e6 = exp_session("cr2-eqiad", "2620:0:861:103:10:64:32:23");
  GateOptions none;
  GateOptions min10;
  min10.min_uptime = 10s;
  GateOptions prefixes;
  prefixes.require_prefixes = true;
  GateOptions stale30;
  stale30.max_age = 30s;

  using R = Readiness;
  using Why = Reason;
  const std::vector<Case> cases = {
    {"all Established, no options", {e4}, {obs("cr1-eqiad", {{}})}, none, R::ready, {Why::ready}, {R::ready}},
    {"Idle", {e4}, {obs("cr1-eqiad", {{.state = SessionState::idle}})}, none, R::not_ready,
     {Why::not_established}, {R::not_ready}},
    {"Connect", {e4}, {obs("cr1-eqiad", {{.state = SessionState::connect}})}, none, R::not_ready,
     {Why::not_established}, {R::not_ready}},
    {"Active", {e4}, {obs("cr1-eqiad", {{.state = SessionState::active}})}, none, R::not_ready,
     {Why::not_established}, {R::not_ready}},
    {"OpenSent", {e4}, {obs("cr1-eqiad", {{.state = SessionState::open_sent}})}, none, R::not_ready,
     {Why::not_established}, {R::not_ready}},
    {"OpenConfirm", {e4}, {obs("cr1-eqiad", {{.state = SessionState::open_confirm}})}, none, R::not_ready,
     {Why::not_established}, {R::not_ready}},
    {"state Unknown listed by the source", {e4}, {obs("cr1-eqiad", {{.state = SessionState::unknown}})},
     none, R::unknown, {Why::state_unknown}, {R::unknown}},
    {"AS mismatch while Established", {e4}, {obs("cr1-eqiad", {{.peer_as = 64999}})}, none, R::not_ready,
     {Why::as_mismatch}, {R::not_ready}},
    {"AS mismatch beats an unknown uptime", {e4}, {obs("cr1-eqiad", {{.uptime = {}, .peer_as = 64999}})},
     since(30s), R::not_ready, {Why::as_mismatch}, {R::not_ready}},
    {"no peer AS while the site has one", {e4}, {obs("cr1-eqiad", {{.peer_as = {}}})}, none, R::unknown,
     {Why::peer_as_unknown}, {R::unknown}},
    {"no peer AS and no expected AS: AS not checked", {exp_session("cr1-eqiad", "10.64.32.23", 0)},
     {obs("cr1-eqiad", {{.peer_as = {}}})}, none, R::ready, {Why::ready}, {R::ready}},
    {"peer absent from a readable router", {e4}, {obs("cr1-eqiad", {{.address = "10.64.32.24"}})}, none,
     R::unknown, {Why::peer_absent}, {R::unknown}},
    {"router unreadable, even with Established sessions in it", {e4},
     {obs("cr1-eqiad", {{}}, false, k_now, "connect: timeout")}, none, R::unknown, {Why::router_unreadable},
     {R::unknown}},
    {"no observation for the router", {e4}, {}, none, R::unknown, {Why::no_observation}, {R::unknown}},
    {"only another router's observation, which has the peer", {e4}, {obs("cr2-eqiad", {{}})}, none,
     R::unknown, {Why::no_observation}, {R::unknown}},
    {"stale data (31s > 30s)", {e4}, {obs("cr1-eqiad", {{}}, true, k_now - 31s)}, stale30, R::unknown,
     {Why::stale}, {R::unknown}},
    {"data exactly at max age is not stale", {e4}, {obs("cr1-eqiad", {{}}, true, k_now - 30s)}, stale30,
     R::ready, {Why::ready}, {R::ready}},
    {"--since: came up before T (the restart race)", {e4}, {obs("cr1-eqiad", {{.uptime = 3600}})},
     since(30s), R::not_ready, {Why::before_since}, {R::not_ready}},
    {"--since: up 30s (came up at T-1s at the earliest) is not after T", {e4},
     {obs("cr1-eqiad", {{.uptime = 30}})}, since(30s), R::not_ready, {Why::before_since}, {R::not_ready}},
    {"--since: up 29s: came up at T at the earliest (Junos floors uptimes) is not after T", {e4},
     {obs("cr1-eqiad", {{.uptime = 29}})}, since(30s), R::not_ready, {Why::before_since}, {R::not_ready}},
    {"--since: up 28s: came up at T+1s at the earliest", {e4}, {obs("cr1-eqiad", {{.uptime = 28}})},
     since(30s), R::ready, {Why::ready}, {R::ready}},
    {"--since judged at request_sent_at, not at polled_at", {e4},
     {[] {
       auto o = obs("cr1-eqiad", {{.uptime = 28}});
       o.request_sent_at = k_now - 2s; // a 2 s RPC: up 28 s at the reply, earliest start T-1s
       return o;
     }()},
     since(30s), R::not_ready, {Why::before_since}, {R::not_ready}},
    {"--since: uptime overflowing the clock is implausible, not after T", {e4},
     {obs("cr1-eqiad", {{.uptime = 15000000000}})}, since(30s), R::unknown, {Why::uptime_implausible},
     {R::unknown}},
    {"--since: uptime of INT64_MAX seconds", {e4},
     {obs("cr1-eqiad", {{.uptime = std::numeric_limits<std::int64_t>::max()}})}, since(30s), R::unknown,
     {Why::uptime_implausible}, {R::unknown}},
    {"uptime longer than the time since 1970 (no overflow) is implausible", {e4},
     {obs("cr1-eqiad", {{.uptime = 1795921200}})}, none, R::unknown, {Why::uptime_implausible}, {R::unknown}},
    {"uptime reaching back to 1970-01-01T00:00:00Z exactly is plausible", {e4},
     {obs("cr1-eqiad", {{.uptime = 1795921199}})}, none, R::ready, {Why::ready}, {R::ready}},
    {"implausible uptime: --min-uptime cannot pass it either", {e4},
     {obs("cr1-eqiad", {{.uptime = 15000000000}})}, min10, R::unknown, {Why::uptime_implausible},
     {R::unknown}},
    {"implausible uptime of a down session: not ready wins", {e4},
     {obs("cr1-eqiad", {{.state = SessionState::active, .uptime = 15000000000}})}, none, R::not_ready,
     {Why::not_established}, {R::not_ready}},
    {"implausible uptime with an AS mismatch: not ready wins", {e4},
     {obs("cr1-eqiad", {{.uptime = 15000000000, .peer_as = 64602}})}, none, R::not_ready,
     {Why::as_mismatch}, {R::not_ready}},
    {"--since judged at polled_at, not now", {e4}, {obs("cr1-eqiad", {{.uptime = 29}}, true, k_now - 5s)},
     since(30s), R::not_ready, {Why::before_since}, {R::not_ready}},
    {"--since with no uptime fails closed", {e4}, {obs("cr1-eqiad", {{.uptime = {}}})}, since(30s),
     R::unknown, {Why::uptime_unknown}, {R::unknown}},
    {"--since with a negative uptime fails closed", {e4}, {obs("cr1-eqiad", {{.uptime = -5}})}, since(30s),
     R::unknown, {Why::uptime_unknown}, {R::unknown}},
    {"no --since: old session is fine", {e4}, {obs("cr1-eqiad", {{.uptime = 86400 * 90}})}, none, R::ready,
     {Why::ready}, {R::ready}},
    {"no --since/--min-uptime: uptime not needed", {e4}, {obs("cr1-eqiad", {{.uptime = {}}})}, none,
     R::ready, {Why::ready}, {R::ready}},
    {"--min-uptime 10s, uptime 9s", {e4}, {obs("cr1-eqiad", {{.uptime = 9}})}, min10, R::not_ready,
     {Why::too_young}, {R::not_ready}},
    {"--min-uptime 10s, uptime 10s", {e4}, {obs("cr1-eqiad", {{.uptime = 10}})}, min10, R::ready,
     {Why::ready}, {R::ready}},
    {"--min-uptime with no uptime fails closed", {e4}, {obs("cr1-eqiad", {{.uptime = {}}})}, min10,
     R::unknown, {Why::uptime_unknown}, {R::unknown}},
    {"--min-uptime does not apply to a down session's time down", {e4},
     {obs("cr1-eqiad", {{.state = SessionState::active, .uptime = 5000}})}, min10, R::not_ready,
     {Why::not_established}, {R::not_ready}},
    {"--require-prefixes, 0 accepted", {e4}, {obs("cr1-eqiad", {{.ribs = {rib("inet.0", 0)}}})}, prefixes,
     R::not_ready, {Why::no_prefixes}, {R::not_ready}},
    {"--require-prefixes, 1 accepted in the second RIB", {e4},
     {obs("cr1-eqiad", {{.ribs = {rib("inet.0", 0), rib("inet6.0", 1)}}})}, prefixes, R::ready, {Why::ready},
     {R::ready}},
    {"--require-prefixes, no RIB listed", {e4}, {obs("cr1-eqiad", {{}})}, prefixes, R::unknown,
     {Why::prefixes_unknown}, {R::unknown}},
    {"--require-prefixes, RIB without accepted counter", {e4},
     {obs("cr1-eqiad", {{.ribs = {rib("inet.0", {})}}})}, prefixes, R::unknown, {Why::prefixes_unknown},
     {R::unknown}},
    {"not ready beats unknown within one session", {e4},
     {obs("cr1-eqiad", {{.uptime = {}, .ribs = {rib("inet.0", 0)}}})},
     [] {
       GateOptions o = since(30s);
       o.require_prefixes = true;
       return o;
     }(),
     R::not_ready, {Why::no_prefixes}, {R::not_ready}},
    {"empty expected set is never ready", {}, {obs("cr1-eqiad", {{}})}, none, R::unknown, {}, {}},
    {"one not ready + one unknown = not ready", {e4, e6},
     {obs("cr1-eqiad", {{.state = SessionState::active}}), obs("cr2-eqiad", {}, false, k_now, "auth")},
     none, R::not_ready, {Why::not_established, Why::router_unreadable}, {R::not_ready, R::unknown}},
    {"one ready + one unknown = unknown", {e4, e6}, {obs("cr1-eqiad", {{}}), obs("cr2-eqiad", {})}, none,
     R::unknown, {Why::ready, Why::peer_absent}, {R::ready, R::unknown}},
    {"both families ready", {e4, e6},
     {obs("cr1-eqiad", {{}}), obs("cr2-eqiad", {{.address = "2620:0:861:103:10:64:32:23"}})}, none,
     R::ready, {Why::ready, Why::ready}, {R::ready, R::ready}},
    {"IPv6 compared as binary, not as text", {e6},
     {obs("cr2-eqiad", {{.address = "2620:0000:0861:0103:0010:0064:0032:0023"}})}, none, R::ready,
     {Why::ready}, {R::ready}},
    {"IPv4-mapped IPv6 is not the IPv4 peer", {e4}, {obs("cr1-eqiad", {{.address = "::ffff:10.64.32.23"}})},
     none, R::unknown, {Why::peer_absent}, {R::unknown}},
    {"two instances: one down blocks", {e4},
     {obs("cr1-eqiad", {{.instance = "master"}, {.state = SessionState::active, .instance = "frontend"}})},
     none, R::not_ready, {Why::not_established}, {R::not_ready}},
    {"two instances: one unknown blocks", {e4},
     {obs("cr1-eqiad", {{}, {.state = SessionState::unknown, .instance = "frontend"}})}, none, R::unknown,
     {Why::state_unknown}, {R::unknown}},
    {"two instances: both up", {e4}, {obs("cr1-eqiad", {{}, {.instance = "frontend"}})}, none, R::ready,
     {Why::ready}, {R::ready}},
    {"duplicate observations: the first one counts", {e4},
     {obs("cr1-eqiad", {{}}, false, k_now, "timeout"), obs("cr1-eqiad", {{}})}, none, R::unknown,
     {Why::router_unreadable}, {R::unknown}},
  };

  for (const auto& c : cases) {
    SECTION(c.name)
    {
      const Verdict v = evaluate(c.expected, c.observed, k_now, c.options);
      CHECK(v.overall == c.overall);
      REQUIRE(v.sessions.size() == c.reasons.size());
      for (std::size_t i = 0; i < c.reasons.size(); ++i) {
        CAPTURE(i, v.sessions[i].text);
        CHECK(to_string(v.sessions[i].reason) == to_string(c.reasons[i]));
        CHECK(v.sessions[i].readiness == c.readiness[i]);
      }
      // The report names every session that is not ready, and only those.
      std::size_t not_ready = 0;
      for (const auto& s : v.sessions) {
        not_ready += s.readiness != Readiness::ready ? 1 : 0;
      }
      CHECK(v.reasons().size() == (c.expected.empty() ? 1 : not_ready));
    }
  }
}

TEST_CASE("readiness: human text names router, family, address, state, time and flaps")
{
  const auto e6 = exp_session("cr2-eqiad", "2620:0:861:103:10:64:32:23");
  const auto o = obs("cr2-eqiad", {{.address = "2620:0:861:103:10:64:32:23",
                                    .state = SessionState::active,
                                    .uptime = 41,
                                    .flaps = 3}});
  const auto v = evaluate(std::vector{e6}, std::vector{o}, k_now, {});
  REQUIRE(v.sessions.size() == 1);
  CHECK(v.sessions[0].text == "cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s, 3 flaps");
  CHECK(v.reasons() == std::vector<std::string>{v.sessions[0].text});

  const auto e4 = exp_session("cr1-eqiad", "10.64.32.23");
  struct T
  {
    const char* name;
    RouterObservation o;
    GateOptions options;
    const char* text;
  };
  GateOptions min10;
  min10.min_uptime = 10s;
  GateOptions pre;
  pre.require_prefixes = true;
  GateOptions st;
  st.max_age = 30s;
  const std::vector<T> table = {
    {"ready", obs("cr1-eqiad", {{.uptime = 1933, .flaps = 1}}), {},
     "cr1-eqiad ipv4 10.64.32.23 Established for 32m13s, 1 flap"},
    {"as", obs("cr1-eqiad", {{.uptime = 5, .peer_as = 64602}}), {},
     "cr1-eqiad ipv4 10.64.32.23 Established for 5s, AS mismatch: router has AS 64602, site expects 64601"},
    {"since", obs("cr1-eqiad", {{.uptime = 3600}}), since(30s),
     "cr1-eqiad ipv4 10.64.32.23 Established for 1h, up since 2026-11-29T01:59:59.000Z, not after --since "
     "2026-11-29T02:59:30.000Z (has not restarted yet)"},
    {"implausible", obs("cr1-eqiad", {{.uptime = 15000000000}}), since(30s),
     "cr1-eqiad ipv4 10.64.32.23 Established, uptime implausible: 15000000000 s is longer than the time since "
     "1970 at the poll"},
    {"huge uptime of a down session is printed, not overflowed",
     obs("cr1-eqiad", {{.state = SessionState::idle, .uptime = std::numeric_limits<std::int64_t>::max()}}), {},
     "cr1-eqiad ipv4 10.64.32.23 Idle for 9223372036854775807 s"},
    {"young", obs("cr1-eqiad", {{.uptime = 4}}), min10,
     "cr1-eqiad ipv4 10.64.32.23 Established for 4s, younger than --min-uptime 10s"},
    {"prefixes", obs("cr1-eqiad", {{.ribs = {rib("inet.0", 0)}}}), pre,
     "cr1-eqiad ipv4 10.64.32.23 Established for 10m, 0 accepted prefixes (--require-prefixes)"},
    {"unreadable", obs("cr1-eqiad", {}, false, k_now, "ssh: connection refused"), {},
     "cr1-eqiad ipv4 10.64.32.23 Unknown: router unreadable: ssh: connection refused"},
    {"absent", obs("cr1-eqiad", {}), {}, "cr1-eqiad ipv4 10.64.32.23 Unknown: not in cr1-eqiad's BGP peer list"},
    {"stale", obs("cr1-eqiad", {{}}, true, k_now - 95s), st,
     "cr1-eqiad ipv4 10.64.32.23 Unknown: data is 1m35s old (max 30s)"},
    {"uptime", obs("cr1-eqiad", {{.uptime = {}}}), min10,
     "cr1-eqiad ipv4 10.64.32.23 Established, uptime unknown (needed by --since/--min-uptime)"},
    {"instance", obs("cr1-eqiad", {{.state = SessionState::connect, .uptime = {}, .instance = "frontend"}}),
     {}, "cr1-eqiad ipv4 10.64.32.23 [frontend] Connect"},
  };
  for (const auto& t : table) {
    SECTION(t.name)
    {
      const auto verdict = evaluate(std::vector{e4}, std::vector{t.o}, k_now, t.options);
      REQUIRE(verdict.sessions.size() == 1);
      CHECK(verdict.sessions[0].text == t.text);
    }
  }
}

TEST_CASE("readiness: the primary observed session is the worst instance")
{
  const auto e4 = exp_session("cr1-eqiad", "10.64.32.23");
  const auto o =
    obs("cr1-eqiad", {{.instance = "a"}, {.state = SessionState::idle, .instance = "b"}, {.instance = "c"}});
  const auto v = evaluate(std::vector{e4}, std::vector{o}, k_now, {});
  REQUIRE(v.sessions.size() == 1);
  CHECK(v.sessions[0].observed.size() == 3);
  REQUIRE(v.sessions[0].primary() != nullptr);
  CHECK(v.sessions[0].primary()->instance == std::optional<std::string>("b"));
}

// Exhaustive sweep: every combination of state, uptime, peer AS, prefixes,
// readability, age and options. The oracle below is written independently of
// the implementation, from SPEC's sentence: ready iff Established, came up
// after --since, at least --min-uptime, >= 1 accepted prefix when required,
// the site's AS, read in this poll (fresh), from a readable router.
TEST_CASE("readiness: exhaustive sweep never says ready wrongly")
{
  const auto e = exp_session("cr1-eqiad", "10.64.32.23");
  const SessionState states[] = {SessionState::unknown,  SessionState::idle,      SessionState::connect,
                                 SessionState::active,   SessionState::open_sent, SessionState::open_confirm,
                                 SessionState::established};
  const std::optional<std::int64_t> uptimes[] = {std::nullopt, -1, 0, 5, 28, 29, 30, 31, 3600, 15000000000};
  // Seconds since 1970 at k_now: a start before 1970 is implausible.
  const std::int64_t epoch_s = std::chrono::duration_cast<std::chrono::seconds>(k_now.time_since_epoch()).count();
  const std::optional<std::uint32_t> ases[] = {std::nullopt, 64601, 64602};
  const std::vector<std::vector<RibCounts>> ribsets = {
    {}, {rib("inet.0", {})}, {rib("inet.0", 0)}, {rib("inet.0", 1)}, {rib("inet.0", 0), rib("inet6.0", 2)}};
  const std::optional<std::chrono::seconds> sinces[] = {std::nullopt, 30s};
  const std::chrono::seconds mins[] = {0s, 10s};
  const bool prefix_opts[] = {false, true};
  const bool readables[] = {true, false};
  const std::chrono::seconds ages[] = {0s, 31s};
  const bool presents[] = {true, false};

  std::size_t combos = 0, ready_count = 0;
  for (auto state : states)
    for (auto up : uptimes)
      for (auto as : ases)
        for (const auto& ribs : ribsets)
          for (auto sn : sinces)
            for (auto mn : mins)
              for (bool pr : prefix_opts)
                for (bool readable : readables)
                  for (auto age : ages)
                    for (bool present : presents) {
                      GateOptions o;
                      if (sn) {
                        o.since = k_now - *sn;
                      }
                      o.min_uptime = mn;
                      o.require_prefixes = pr;
                      o.max_age = 30s;
                      S s{.state = state, .uptime = up, .peer_as = as, .ribs = ribs};
                      if (!present) {
                        s.address = "10.64.32.99";
                      }
                      const auto ob = obs("cr1-eqiad", {s}, readable, k_now - age);
                      const auto v = evaluate(std::vector{e}, std::vector{ob}, k_now, o);
                      ++combos;

                      const bool fresh = age <= 30s;
                      // The start (request_sent_at = polled_at here) - uptime
                      // - 1 s must not be before 1970; else implausible.
                      const bool implausible = up && *up >= 0 && *up + 1 > epoch_s - age.count();
                      const bool up_ok = up && *up >= 0 && !implausible;
                      std::uint64_t accepted = 0;
                      bool any_accepted = false;
                      for (const auto& r : ribs) {
                        if (r.accepted) {
                          any_accepted = true;
                          accepted += *r.accepted;
                        }
                      }
                      const bool oracle_ready =
                        readable && fresh && present && state == SessionState::established && as == 64601u
                        && !implausible
                        // came up at the earliest polled_at - up - 1 s, strictly after now - since
                        && (!sn || (up_ok && age.count() + *up + 1 < sn->count()))
                        && (mn == 0s || (up_ok && *up >= mn.count()))
                        && (!pr || (any_accepted && accepted >= 1));
                      CAPTURE(combos, v.sessions.at(0).text);
                      REQUIRE((v.overall == Readiness::ready) == oracle_ready);
                      ready_count += oracle_ready ? 1 : 0;

                      // Known-bad facts (when the data is readable, fresh and
                      // lists the peer) must give not_ready, never unknown:
                      // wait-established keeps retrying unknown, but an
                      // operator must be told what is down.
                      if (readable && fresh && present) {
                        const bool known_bad =
                          (as && *as != 64601u)
                          || (state != SessionState::unknown && state != SessionState::established)
                          || (state == SessionState::established
                              && ((sn && up_ok && age.count() + *up + 1 >= sn->count())
                                  || (mn > 0s && up_ok && *up < mn.count())
                                  || (pr && any_accepted && accepted == 0)));
                        REQUIRE((v.overall == Readiness::not_ready) == known_bad);
                      } else {
                        REQUIRE(v.overall == Readiness::unknown);
                      }
                    }
  CHECK(combos == 7 * 10 * 3 * 5 * 2 * 2 * 2 * 2 * 2 * 2);
  CHECK(ready_count > 0);
}
