// collector/gate/netconf_source.hpp: the live routers for the gate commands
// (status, check, wait-established, gate): one NetconfSource (one Poller, one
// persistent NETCONF session) per router, polled concurrently.
//
// Why not one Poller for all routers: on Ctrl-C during a poll that one hung
// router holds, the wait exits after a short grace without waiting out the
// RPC timeout (gate_wait.hpp). The other routers' sessions are idle then and
// should end with <close-session/> (RFC 6241 7.8), not a dropped TCP
// connection. A single Poller can only close its sessions all together, in
// its destructor, which joins every worker and so waits for the hung one;
// one Poller per router lets each idle one be closed on its own while the
// hung one's worker is left alone (its Client is in use by that worker and
// is not thread-safe; the process exit closes its socket).
#pragma once

#include "collector/config/config.hpp"
#include "collector/sources/netconf_source.hpp"
#include "collector/sources/state_source.hpp"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bgpwatch::collector {

class GateNetconfSource final : public StateSource
{
public:
  explicit GateNetconfSource(const NetconfConfig& config);
  // Closes every session, in parallel (each close is bounded by the client).
  ~GateNetconfSource() override;
  GateNetconfSource(const GateNetconfSource&) = delete;
  GateNetconfSource& operator=(const GateNetconfSource&) = delete;

  std::vector<bgp::RouterObservation> poll(const std::vector<RouterConfig>& routers,
                                           SteadyClock::time_point deadline) override;
  std::string describe() const override;
  SourceInfo info() const override;
  void want_neighbor_detail(std::map<std::string, std::vector<bgp::Address>> peers) override;

  // NETCONF sessions opened so far, over all routers.
  std::uint64_t sessions_opened() const;

  // Stop: from now on, every router's session is closed (<close-session/>)
  // as soon as it is idle: at once for the routers not being polled, when
  // their poll of this router returns for the others. Closes run on their
  // own threads; this returns at once. Polls after this read nothing.
  void close_idle();
  // Waits until every close started so far has finished, or `deadline`
  // passes; true when none is still running. (A hung router is not among
  // them: its session is closed only when its poll returns.)
  bool wait_closes(SteadyClock::time_point deadline);

private:
  struct Slot
  {
    std::shared_ptr<NetconfSource> source; // null once handed to a closer
    bool busy = false;                     // a poll of this router is running
  };
  // With m_mutex held: hands the slot's source to a closer thread.
  void close_slot_locked(Slot& slot);

  NetconfConfig m_config;
  mutable std::mutex m_mutex;
  std::condition_variable m_closed_cv;
  std::map<std::string, Slot> m_slots; // by router name, host and port
  bool m_stopping = false;
  std::size_t m_closing = 0;       // closes started and not finished
  std::uint64_t m_closed_opened = 0; // sessions_opened of the sources already closed
  std::vector<std::thread> m_closers;
  std::map<std::string, std::vector<bgp::Address>> m_neighbor_detail;
};

} // namespace bgpwatch::collector
