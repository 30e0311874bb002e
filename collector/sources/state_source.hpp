// collector/sources/state_source.hpp: where observed state comes from. The verdict
// never knows: the live NETCONF poller, replay files, a running collector,
// BIRD control sockets and the wire all sit behind these two interfaces
// (ARCHITECTURE "How data flows").
#pragma once

#include "bgp/expected.hpp"
#include "bgp/readiness.hpp"
#include "collector/base/clock.hpp"
#include "collector/base/source_info.hpp"
#include "collector/config/config.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace bgpwatch::collector {

// The routers' view (Junos over NETCONF, --replay files, --collector).
class StateSource
{
public:
  virtual ~StateSource() = default;

  // One poll of `routers`: exactly one RouterObservation per router, in the
  // same order, returned by `deadline` at the latest. A router that could
  // not be read is readable=false with an error saying what failed, where,
  // and what to do; its sessions are never stale data from an earlier poll.
  virtual std::vector<bgp::RouterObservation> poll(const std::vector<RouterConfig>& routers,
                                                   SteadyClock::time_point deadline) = 0;

  // For messages: "NETCONF to 2 routers", "replay files", "collector http://...".
  virtual std::string describe() const = 0;

  // True when the next poll() itself waits for news (a --collector
  // long-poll: it returns when the collector's next poll lands, or at its
  // deadline): the wait loop then polls again at once instead of sleeping
  // its interval. False for sources that answer with what they have now.
  virtual bool waits_for_news() const
  {
    return false;
  }
  // The JSON "source" (netconf|replay|collector) and its detail fields.
  virtual SourceInfo info() const = 0;

  // --require routes (issue 14): after each summary, also ask each router
  // for the neighbor detail of these peers (router name -> addresses). A
  // source that cannot ignores it: its sessions keep has_detail = false.
  virtual void want_neighbor_detail(std::map<std::string, std::vector<bgp::Address>> peers)
  {
    (void)peers;
  }
  // The same for every peer of every router polled: one whole-table
  // <get-bgp-neighbor-information> per router after its summary (the
  // NRPE site check). A source that cannot ignores it.
  virtual void want_all_neighbor_detail()
  {
  }
};

// The node's own view (BIRD control sockets, BGP on the wire). Sessions have
// address = the remote peer (router) address, source = bird|wire, and
// router unset. An error means nothing could be read at all.
class NodeStateSource
{
public:
  virtual ~NodeStateSource() = default;

  virtual Expected<std::vector<bgp::Session>, std::string> read(SteadyClock::time_point deadline) = 0;
  virtual std::string describe() const = 0;
  // The JSON "source" (bird|wire) and its detail fields.
  virtual SourceInfo info() const = 0;
};

} // namespace bgpwatch::collector
