// collector/sources/netconf_source.cpp: StateSource over the NETCONF Poller.
#include "collector/sources/netconf_source.hpp"

namespace bgpwatch::collector {

NetconfSource::NetconfSource(const NetconfConfig& config, std::size_t max_workers)
  : m_config(config), m_poller(config, max_workers)
{
}

std::vector<bgp::RouterObservation> NetconfSource::poll(const std::vector<RouterConfig>& routers,
                                                        SteadyClock::time_point deadline)
{
  return m_poller.poll(routers, deadline);
}

std::string NetconfSource::describe() const
{
  return "NETCONF as '" + m_config.username + "' (host keys from " + m_config.known_hosts + ")";
}

SourceInfo NetconfSource::info() const
{
  return {bgp::Source::netconf,
          describe(),
          {{"username", {m_config.username}, false}, {"known_hosts", {m_config.known_hosts}, false}}};
}

} // namespace bgpwatch::collector
