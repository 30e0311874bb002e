// collector/gate/cutoff.hpp: which report a wait keeps after each poll (the
// deadline cut-off rule of wait-established and gate). A pure function of
// the two reports and two instants, so it is tested without clocks or sleeps.
//
// A poll that finishes at or after the overall deadline was cut off by it:
// its routers had less than the RPC timeout, or no time at all, to answer,
// so it knows less than the poll before it. Its Unknown must not replace
// what that poll knew: a known "not ready" would turn into exit 3, and a
// router that was read would be blamed as unreadable. The gate fails closed
// either way (SPEC "Readiness"); this keeps the better knowledge. The rule
// never brings back a ready report: a cut-off Unknown after a Ready stays
// Unknown (the loop stops at Ready, so that is defence in depth).
#pragma once

#include "collector/render/model.hpp"
#include "collector/sources/state_source.hpp"

#include <chrono>

namespace bgpwatch::collector {

struct SettledPoll
{
  GateReport report;          // the report that stands after this poll
  bool kept_previous = false; // the poll was a cut-off Unknown: `report` is the previous poll's
};

// The time-outs a poll derives from the deadline are rounded to milliseconds
// in several layers (the poller's budget, libssh's wait), so a poll the
// deadline cut off can return a few milliseconds before it: CI saw one end
// 4 ms early and report exit 3 where the router had said Active. A poll that
// finishes within this margin of the deadline counts as cut off. Only the
// choice between two not-ready answers depends on it (exit 1 or 3).
inline constexpr std::chrono::milliseconds k_cutoff_margin{250};

// `previous`: the report that stood before this poll (null before the first
// poll completed). `finished`: when the poll returned. The rules:
//  - finished before the deadline (less k_cutoff_margin): the poll stands, Unknown included (it is
//    fresh; the loop retries Unknown until the deadline);
//  - finished at or after that, read Unknown, and a previous report
//    that is not ready (not_ready or unknown): the previous report stands;
//  - otherwise the poll stands (a cut-off poll that read Ready or NotReady
//    read every router it needed; a first poll has nothing to fall back on).
SettledPoll settle_poll(const GateReport* previous, GateReport polled, SteadyClock::time_point finished,
                        SteadyClock::time_point deadline);

} // namespace bgpwatch::collector
