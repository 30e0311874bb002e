// collector/inventory/dns_source.hpp: the DNS inventory source (SPEC "Configuration",
// inventory.dns): a node's addresses are the A and AAAA records of its FQDN,
// its site comes from the configured domain suffix.
#pragma once

#include "collector/config/config.hpp"
#include "collector/inventory/source.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bgpwatch::collector {

struct DnsAnswer
{
  enum class Status { found, not_found, error };
  Status status = Status::error;
  std::vector<bgp::Address> addresses; // A then AAAA order as the resolver gave them, deduplicated
  std::string error;                   // for not_found/error: the resolver's words
};

// Looks `fqdn` up through the system resolver (getaddrinfo: /etc/hosts and
// DNS per nsswitch.conf), IPv4 and IPv6. getaddrinfo blocks without a
// timeout of its own, so it runs on a detached thread that is abandoned at
// `deadline` (status error, "timed out"); the thread finishes on its own.
DnsAnswer resolve_host_addresses(const std::string& fqdn, SteadyClock::time_point deadline);

using DnsResolver = std::function<DnsAnswer(const std::string& fqdn, SteadyClock::time_point deadline)>;

// Short names are tried with every configured domain suffix (in parallel,
// one deadline); FQDNs must end in a configured suffix at a label boundary
// (the suffix gives the site). The longest matching suffix wins.
std::unique_ptr<InventorySource> make_dns_source(const DnsSource& config,
                                                 DnsResolver resolver = resolve_host_addresses);

} // namespace bgpwatch::collector
