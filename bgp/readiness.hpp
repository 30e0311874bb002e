// bgp/readiness.hpp: the safety core. A pure function of (expected sessions,
// observed sessions, now, options) -> Verdict. No clock reads, no I/O.
//
// SPEC "Readiness": ready iff every expected session is Established and
// meets --since, --min-uptime and --require-prefixes, from data read in this
// poll (or from a collector, no older than its max age). It fails closed:
// missing, stale, partial or unparsable data is never "ready".
#pragma once

#include "bgp/instant.hpp"
#include "bgp/session.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bgpwatch::bgp {

using WallClock = std::chrono::system_clock;

// One session the node must have: a router that serves it × one node address.
struct ExpectedSession
{
  std::string router;
  Address address;
  std::uint32_t asn = 0; // the site's AS: the AS the node uses toward the router
  std::string node;
  std::string site;

  Family family() const noexcept
  {
    return address.family();
  }
};

// Everything one source said about one router in one poll.
struct RouterObservation
{
  std::string router;
  bool readable = false;     // false: error says why (unreachable, rpc-error, parse error)
  std::string error;
  WallClock::time_point polled_at{}; // when the data was read (uptimes are relative to it)
  // When the request that produced the data was sent (before polled_at by
  // the RPC's latency). A session's start is judged from it, conservatively:
  // request_sent_at - uptime - 1 s (instant.hpp, session_came_up). Empty:
  // polled_at (a replay file, whose polled_at is --now).
  std::optional<WallClock::time_point> request_sent_at;
  std::vector<Session> sessions;
  // The latest instant the source's own clock put on this data (a
  // collector's `now`, its `up_since` stamps), when it is another machine's
  // clock. Data stamped later than the judge's now + k_max_clock_skew is
  // Unknown (clock_skew): a clock running ahead would pass --since.
  std::optional<WallClock::time_point> source_clock;
};

// --require (issue 14): what "ready" means for one session.
//  established: today's rule (Established + --since/--min-uptime/--require-prefixes).
//  routes: that, and the node's routes are back on the router: for every
//  family negotiated for graceful restart, End-of-RIB received and no RIB
//  still restarting; without graceful restart, at least one accepted
//  prefix; terminal states (prefix-limit teardown, admin shutdown, peer not
//  configured) are not ready at once and flagged so a wait loop stops.
enum class Require : std::uint8_t { established, routes };
std::string_view to_string(Require r) noexcept; // "established" / "routes"
Expected<Require, std::string> parse_require(std::string_view text);
// How far ahead of our clock another machine's stamps may be (SPEC: 2 s).
inline constexpr std::chrono::seconds k_max_clock_skew{2};

struct GateOptions
{
  // A session counts only if it came up after this instant (its uptime at
  // polled_at is younger than polled_at - since). Catches the restart race.
  std::optional<WallClock::time_point> since;
  std::chrono::seconds min_uptime{0};
  bool require_prefixes = false;
  // Data older than this (now - polled_at) is Unknown. Empty: no limit
  // (a live poll); set to 3 intervals when reading from a collector.
  std::optional<std::chrono::seconds> max_age;
  // established keeps the pre-issue-14 rule; the CLI's default is routes.
  Require require = Require::established;
};

enum class Readiness : std::uint8_t { ready, not_ready, unknown };
std::string_view to_string(Readiness r) noexcept; // "ready" / "not_ready" / "unknown"

// Why one expected session is or is not ready. Programs branch on this.
enum class Reason : std::uint8_t {
  ready,
  not_established,   // known state, not Established (not_ready)
  as_mismatch,       // peer present with another AS (not_ready)
  before_since,      // Established, but came up before --since (not_ready)
  too_young,         // Established, uptime < --min-uptime (not_ready)
  no_prefixes,       // --require-prefixes and no accepted prefix (not_ready)
  router_unreadable, // the router could not be read (unknown)
  peer_absent,       // the router was read but does not list the peer (unknown)
  stale,             // data older than max_age (unknown)
  no_observation,    // no observation at all for the router (unknown)
  uptime_unknown,    // Established but the uptime needed by --since/--min-uptime is missing (unknown)
  state_unknown,     // the source listed the peer with state Unknown (unknown)
  peer_as_unknown,   // the source gives no peer AS, so a mismatch cannot be ruled out (unknown)
  prefixes_unknown,  // --require-prefixes but the source gives no accepted-prefix count (unknown)
  uptime_implausible, // the uptime would put the start before 1970, or overflows (unknown)
  // --require routes (issue 14):
  awaiting_end_of_rib,     // GR negotiated for a family, its End-of-RIB not received (not_ready)
  restart_in_progress,     // a RIB's bgp-rib-state is not "BGP restart is complete" (not_ready)
  terminal_prefix_limit,   // torn down by the router's prefix limit (not_ready, terminal)
  terminal_admin_shutdown, // administratively shut down on the router (not_ready, terminal)
  terminal_unconfigured,   // the router has no neighbor statement for the peer (not_ready, terminal)
  detail_unknown,          // the neighbor detail could not be read (unknown)
  clock_skew,        // the data is stamped later than now + k_max_clock_skew (unknown)
};
// The JSON/text names; terminal reasons are "terminal:prefix_limit",
// "terminal:admin_shutdown", "terminal:unconfigured".
std::string_view to_string(Reason r) noexcept;
bool is_terminal(Reason r) noexcept;

struct SessionVerdict
{
  ExpectedSession expected;
  Readiness readiness = Readiness::unknown;
  Reason reason = Reason::no_observation;
  // The observed session(s) this verdict was made from (empty when absent).
  std::vector<Session> observed;
  // For people: "cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s".
  std::string text;
  // The observed session the verdict is about (the worst one when the
  // address appears in several routing instances); null when absent.
  const Session* primary() const noexcept
  {
    return observed.empty() ? nullptr : &observed[primary_index];
  }
  std::size_t primary_index = 0; // into observed
  // A state that waiting cannot fix (is_terminal(reason)): wait-established
  // and gate stop at once.
  bool terminal = false;
};

struct Verdict
{
  // ready: all ready. not_ready: some session known not ready. unknown: some
  // session could not be read and none is known not ready. An empty expected
  // set is unknown (we never call "nothing to check" ready).
  Readiness overall = Readiness::unknown;
  std::vector<SessionVerdict> sessions;

  // The text of every session that is not ready, in expected order.
  std::vector<std::string> reasons() const;
  // Some session is in a terminal state: stop waiting, exit 1.
  bool terminal() const noexcept;
};

// Rules (README "Readiness" documents them for operators):
//  - the observation for expected.router is the first one with that name;
//    none -> no_observation; readable=false -> router_unreadable;
//    options.max_age and now - polled_at > max_age -> stale.
//  - the peer is every session of that observation whose address equals
//    expected.address (binary). None -> peer_absent. The same address in
//    several routing instances: EVERY instance must be ready; the verdict is
//    the worst of them (fail closed: we cannot tell which instance the node
//    uses, so a down or stale one blocks rather than letting the other pass).
//  - per session, every rule is checked; any not-ready finding wins over any
//    unknown finding, and the first in this order is the reason:
//    peer AS != expected.asn (when expected.asn != 0) -> as_mismatch;
//    no peer AS while expected.asn != 0 -> peer_as_unknown;
//    state Unknown -> state_unknown; not Established -> not_established;
//    an uptime that puts the start before the Unix epoch, or overflows,
//    -> uptime_implausible (whatever the options; checked arithmetic,
//    instant.hpp);
//    --since: needs uptime (else uptime_unknown); the start, taken
//    conservatively as request_sent_at - uptime - 1 s, must be strictly
//    after since, else before_since;
//    --min-uptime: needs uptime (else uptime_unknown); uptime < min -> too_young;
//    --require-prefixes: accepted prefixes summed over RIBs; none listed ->
//    prefixes_unknown; 0 -> no_prefixes.
//  - overall: not_ready if any session is not ready, else unknown if any is
//    unknown or the expected set is empty, else ready.
//  - --require routes adds (readiness.hpp Require): before the rules above,
//    a terminal state (not Established with flags "Idled" or a last error
//    naming the prefix limit -> terminal_prefix_limit; not Established with
//    option "Shutdown" -> terminal_admin_shutdown; flags "Unconfigured" ->
//    terminal_unconfigured); after them, for an Established session: no
//    neighbor detail -> detail_unknown; a family of restart_negotiated
//    missing from end_of_rib_received -> awaiting_end_of_rib; a RIB whose
//    state is not "BGP restart is complete" -> restart_in_progress; no
//    family negotiated: accepted prefixes none listed -> prefixes_unknown,
//    0 -> no_prefixes.
Verdict evaluate(std::span<const ExpectedSession> expected,
                 std::span<const RouterObservation> observed,
                 WallClock::time_point now,
                 const GateOptions& options);

// The stale-route budget (RFC 4724 §4.2): while a session is down, the
// router keeps the peer's routes, marked stale, for the Restart Time the
// peer announced in its OPEN, counted from the instant the session went
// down. Empty when either input is unknown or the restart time is 0 (no
// graceful restart: the routes went at once).
std::optional<WallClock::time_point> stale_routes_expire_at(std::optional<std::chrono::seconds> restart_time,
                                                            std::optional<WallClock::time_point> went_down);
// The same for one observed session read at polled_at: only a session that
// is known down (not Established, not Unknown), with its time down
// (uptime_seconds) and restart_time_received, and whose restart_negotiated
// is not known to be empty.
std::optional<WallClock::time_point> stale_routes_expire_at(const Session& session,
                                                            WallClock::time_point polled_at);
// Whole seconds from now until expire_at, 0 once it has passed.
std::int64_t stale_seconds_left(WallClock::time_point expire_at, WallClock::time_point now) noexcept;

} // namespace bgpwatch::bgp
