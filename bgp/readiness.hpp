// bgp/readiness.hpp: the safety core. A pure function of (expected sessions,
// observed sessions, now, options) -> Verdict. No clock reads, no I/O.
//
// SPEC "Readiness": ready iff every expected session is Established and
// meets --since, --min-uptime and --require-prefixes, from data read in this
// poll (or from a collector, no older than its max age). It fails closed:
// missing, stale, partial or unparsable data is never "ready".
#pragma once

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
  std::vector<Session> sessions;
};

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
};
std::string_view to_string(Reason r) noexcept;

struct SessionVerdict
{
  ExpectedSession expected;
  Readiness readiness = Readiness::unknown;
  Reason reason = Reason::no_observation;
  // The observed session(s) this verdict was made from (empty when absent).
  std::vector<Session> observed;
  // For people: "cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s".
  std::string text;
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
};

Verdict evaluate(std::span<const ExpectedSession> expected,
                 std::span<const RouterObservation> observed,
                 WallClock::time_point now,
                 const GateOptions& options);

} // namespace bgpwatch::bgp
