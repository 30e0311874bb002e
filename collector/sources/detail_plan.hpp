// collector/sources/detail_plan.hpp: which neighbor detail the collector
// asks after a router's summary (issue 14). Pure: no I/O, no clock reads.
//
// The gate asks <get-bgp-neighbor-information> per expected peer; the
// collector watches every peer of every router, so per-peer RPCs would be
// 2,000 round trips a poll. It asks the whole table (one RPC) when it has
// none for the router yet and every `full_every` polls, and in between
// only the peers whose facts can have moved: a session whose state or
// flap count changed since the last poll, an Established one still
// waiting for End-of-RIB or with a RIB restarting, a down one whose
// router still holds its stale routes (the budget runs), one whose detail
// did not merge. Every other peer keeps the detail of the previous poll:
// the graceful-restart facts of a session do not change without a state
// change (RFC 4724: they come with the OPEN; End-of-RIB once per session).
// When more than `max_peer_rpcs` peers need asking, one whole-table RPC is
// cheaper than that many round trips. Figures: README "Collector".
#pragma once

#include "bgp/readiness.hpp"
#include "bgp/session.hpp"

#include <cstddef>
#include <vector>

namespace bgpwatch::collector {

struct DetailPolicy
{
  unsigned full_every = 6;        // polls; 1 = the whole table every poll
  std::size_t max_peer_rpcs = 20; // above this, one whole-table RPC instead
};

struct DetailPlan
{
  bool full = false;                // ask the whole table
  std::vector<bgp::Address> ask;    // else: ask these peers one by one
  std::vector<bgp::Session> carry;  // previous sessions whose detail still holds
};

// True when `previous` (last poll, with its detail merged) still describes
// `current` (this poll's summary session of the same peer): same state,
// same flap count, detail present, and nothing pending (see above).
bool detail_settled(const bgp::Session& previous, const bgp::Session& current, bgp::WallClock::time_point polled_at);

// `polls_since_full`: summary polls since the last whole-table fetch that
// merged (none yet: `have_full` false).
DetailPlan plan_detail(const std::vector<bgp::Session>& current, const std::vector<bgp::Session>& previous,
                       bool have_full, unsigned polls_since_full, bgp::WallClock::time_point polled_at,
                       const DetailPolicy& policy);

} // namespace bgpwatch::collector
