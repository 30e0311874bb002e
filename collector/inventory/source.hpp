// collector/inventory/source.hpp: the interface every inventory source
// implements (static, Kubernetes, DNS) and the node they return. It sits
// below both the implementations and Inventory, so neither includes the
// other (make_sources.hpp is the one place that knows every implementation).
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"
#include "collector/base/clock.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::collector {

struct Node
{
  std::string name; // FQDN as the source spells it: "kubernetes1003.eqiad.wmnet"
  std::string site;
  std::vector<bgp::Address> addresses;
  std::optional<bool> cordoned; // Kubernetes spec.unschedulable; empty when the source cannot say
  std::string source;           // "static" | "kubernetes" | "dns"

  friend bool operator==(const Node&, const Node&) = default;
};

// One place nodes come from. Implementations: static (config), Kubernetes
// API, DNS. They never log; errors are values.
class InventorySource
{
public:
  virtual ~InventorySource() = default;

  // "static", "kubernetes", "dns": also Node::source.
  virtual std::string_view kind() const = 0;

  // Nodes matching `name` (node_name_matches): empty = the source does not
  // know the node; error = the source could not answer (unreachable, TLS,
  // timeout...), which is different from "not known".
  virtual Expected<std::vector<Node>, std::string> find(std::string_view name, SteadyClock::time_point deadline) = 0;

  // Every node the source knows, restricted to `site` when set. Sources that
  // cannot enumerate (DNS) return an empty optional.
  virtual std::optional<Expected<std::vector<Node>, std::string>> list(const std::optional<std::string>& site,
                                                                       SteadyClock::time_point deadline) = 0;
};

// SPEC "Configuration": --node kubernetes1003 matches a node whose first DNS
// label is kubernetes1003; a query with a dot must match the FQDN exactly.
bool node_name_matches(std::string_view query, std::string_view node_name) noexcept;

} // namespace bgpwatch::collector
