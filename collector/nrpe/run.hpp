// collector/nrpe/run.hpp: one plugin run, from options to a CheckResult:
// inventory -> expected sessions -> one poll of the routers (NETCONF,
// --replay files or a collector) -> bgp::evaluate per node -> classify().
// Sources are passed in so tests can run it offline; cmd_nrpe.cpp builds
// them, owns stdout and the exit code.
#pragma once

#include "collector/config/config.hpp"
#include "collector/inventory/inventory.hpp"
#include "collector/nrpe/plugin.hpp"
#include "collector/nrpe/options.hpp"
#include "collector/sources/state_source.hpp"

#include <functional>
#include <string>

namespace bgpwatch::collector {

struct NrpeContext
{
  const Config& config;
  Inventory& inventory;
  StateSource& source;
  bgp::WallClock::time_point now;   // the run's start (or --now): what the sources are told
  SteadyClock::time_point deadline; // the whole run's -t deadline
  // Told what the run is about to wait for (the watchdog's message).
  std::function<void(const std::string&)> waiting_for = [](const std::string&) {};
  // The verdict's clock, read once after the poll (as the gate does): a
  // router that took 6 s to answer is neither "data from the future"
  // (clock skew) nor judged to have 6 s more of its stale-route budget
  // than it has. Empty: the verdict is judged at `now` (--now, tests).
  std::function<bgp::WallClock::time_point()> clock;
};

Thresholds thresholds_from(const NrpeOptions& options);

// Per verdict.sessions: the whole seconds left at `now` of a down
// (not_established) session's stale routes on its router (graceful
// restart, bgp::stale_routes_expire_at), or empty. The time down is counted
// from when the request was sent (request_sent_at, else polled_at): the
// router measured it after that, so a slow reply can only shorten the
// budget, never lengthen it.
std::vector<std::optional<std::int64_t>> stale_budgets(const bgp::Verdict& verdict,
                                                       const std::vector<bgp::RouterObservation>& observations,
                                                       bgp::WallClock::time_point now);

// The check. Errors before any verdict (unknown node or site, inventory
// failure) come back as an UNKNOWN CheckResult saying what failed.
CheckResult run_nrpe_check(const NrpeOptions& options, NrpeContext& context);

// Site mode: sessions on the site's routers whose peer AS is the site's and
// whose address belongs to no known node (after annotate_sessions).
std::vector<UnknownPeer> find_unknown_peers(const Config& config, const SiteConfig& site,
                                            const std::vector<Node>& known_nodes,
                                            const std::vector<bgp::RouterObservation>& observations);

} // namespace bgpwatch::collector
