// collector/gate/node_view.hpp: --source bird|wire: the node's own view
// (NodeStateSource: address = the router's address) turned into router
// observations the verdict understands, with node-side expected sessions:
//  - routers with RouterConfig::bgp_addresses: one expected session per
//    (router, bgp address of the wanted family), matched by binary address;
//  - no such configuration: every BGP session the node has (one expected
//    session per session seen, named after its protocol or address); none
//    seen is never ready.
// The node's AS is not checked node-side (BIRD reports the router's AS).
#pragma once

#include "bgp/readiness.hpp"
#include "collector/config/config.hpp"
#include "collector/sources/state_source.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bgpwatch::collector {

// Expected sessions for the routers' configured BGP addresses (family
// "ipv4"|"ipv6"|"both"); empty when no router has bgp_addresses.
std::vector<bgp::ExpectedSession> node_side_expected(const std::vector<RouterConfig>& routers,
                                                     const std::string& family,
                                                     const std::optional<std::string>& node,
                                                     const std::optional<std::string>& site);

// Without configuration: one expected session per session seen (family
// filtered), named after its BIRD protocol (else its address). Pure.
std::vector<bgp::ExpectedSession> expected_from_seen(const std::vector<bgp::Session>& seen, const std::string& family);

// The router name a node-side session is filed under when no router
// configuration matches it.
std::string seen_name(const bgp::Session& s);

// A StateSource over a NodeStateSource: one read() per poll; every router
// asked gets the same readable/error and all sessions (the verdict matches
// by address). `names_from_seen`: also add one observation per seen_name().
class NodeViewSource : public StateSource
{
public:
  NodeViewSource(std::unique_ptr<NodeStateSource> source, bool names_from_seen);

  std::vector<bgp::RouterObservation> poll(const std::vector<RouterConfig>& routers,
                                           SteadyClock::time_point deadline) override;
  std::string describe() const override;
  SourceInfo info() const override;

  // The sessions of the last poll (for expected_from_seen).
  const std::vector<bgp::Session>& last_seen() const noexcept
  {
    return m_last;
  }
  // The last read()'s error ("" when it succeeded).
  const std::string& last_error() const noexcept
  {
    return m_error;
  }

private:
  std::unique_ptr<NodeStateSource> m_source;
  bool m_names_from_seen;
  std::vector<bgp::Session> m_last;
  std::string m_error;
};

} // namespace bgpwatch::collector
