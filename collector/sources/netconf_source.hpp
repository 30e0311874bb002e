// collector/sources/netconf_source.hpp: the live routers as a StateSource (the
// default for status/check/wait-established/gate/nrpe/collect): a Poller
// over NETCONF with persistent sessions.
#pragma once

#include "collector/sources/poller.hpp"
#include "collector/sources/state_source.hpp"

namespace bgpwatch::collector {

class NetconfSource final : public StateSource
{
public:
  explicit NetconfSource(const NetconfConfig& config, std::size_t max_workers = 8);

  std::vector<bgp::RouterObservation> poll(const std::vector<RouterConfig>& routers,
                                           SteadyClock::time_point deadline) override;
  std::string describe() const override;
  void want_neighbor_detail(std::map<std::string, std::vector<bgp::Address>> peers) override
  {
    m_poller.set_neighbor_detail(std::move(peers));
  }
  void want_all_neighbor_detail() override
  {
    m_poller.set_collector_detail(DetailPolicy{1, 0}); // the whole table on every poll
  }
  SourceInfo info() const override;

  Poller& poller() noexcept
  {
    return m_poller;
  }

private:
  NetconfConfig m_config;
  Poller m_poller;
};

} // namespace bgpwatch::collector
