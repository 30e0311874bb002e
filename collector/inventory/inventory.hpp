// collector/inventory/inventory.hpp: which nodes exist, where they are, and which BGP
// sessions each must have (SPEC "Words", "Configuration").
//
// Node -> site + addresses comes from the configured sources (static,
// Kubernetes, DNS; the interface is source.hpp, make_sources.hpp builds
// them), tried in the order they appear in the configuration: the first
// source that knows the node wins. Expected sessions and session
// annotation are pure functions of (Config, nodes).
#pragma once

#include "bgp/expected.hpp"
#include "bgp/readiness.hpp"
#include "bgp/session.hpp"
#include "collector/base/clock.hpp"
#include "collector/config/config.hpp"
#include "collector/inventory/source.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::collector {

// What kind of failure, for programs (exit codes); message is for people.
enum class InventoryErrc : std::uint8_t {
  not_found,   // every source answered, none knows the node (a usage error)
  unavailable, // none knows it, but some source could not answer and might (unknown: retry)
  ambiguous,   // a short name matched two nodes
  invalid,     // unusable: bad name, unknown --site, node in an unconfigured site or without
               // addresses, no sources configured, a listing failed
};

// Says what was tried and what each source answered.
struct InventoryError
{
  std::string message;
  InventoryErrc code = InventoryErrc::invalid;
};

class Inventory
{
public:
  // The sources named in config.inventory, in their configured order
  // (make_inventory_sources).
  explicit Inventory(const Config& config);
  // For tests: explicit sources, in order.
  Inventory(const Config& config, std::vector<std::unique_ptr<InventorySource>> sources);
  ~Inventory();
  Inventory(Inventory&&) noexcept;
  Inventory& operator=(Inventory&&) noexcept;

  // A short name ("kubernetes1003") matches a node whose first DNS label is
  // that name; an FQDN matches exactly (ASCII case-insensitive). Two matches
  // in the winning source is an error listing both; an unknown node is an
  // error listing every source tried and what it said. The node's site must
  // be a configured site.
  Expected<Node, InventoryError> resolve(std::string_view name, SteadyClock::time_point deadline);

  // Every node (of `site` when set) from every source that can enumerate,
  // the first source winning for a node two sources know. Any source that
  // fails makes the whole answer an error (a partial node list would hide
  // nodes from site-wide checks).
  Expected<std::vector<Node>, InventoryError> nodes(std::optional<std::string> site, SteadyClock::time_point deadline);

private:
  Config m_config;
  std::vector<std::unique_ptr<InventorySource>> m_sources;
};

enum class FamilyFilter { ipv4, ipv6, both };
// "ipv4" | "ipv6" | "both"; anything else is an error quoting the input.
Expected<FamilyFilter, std::string> parse_family_filter(std::string_view text);
std::string_view to_string(FamilyFilter filter) noexcept;

// The routers that serve `node`: the routers of the first `subnets` entry
// (file order) that contains one of the node's IPv4 addresses (rack-local
// ToR peering REPLACES the site routers: SPEC says "or"), else the site's
// `routers`. Empty when the node's site is not configured.
std::vector<RouterConfig> routers_serving(const Config& config, const Node& node);

// SPEC "Words": every router that serves the node x every node address,
// restricted by family. Router-major, addresses in the node's order,
// duplicate addresses (binary equal) once. Pure.
std::vector<bgp::ExpectedSession> expected_sessions(const Config& config, const Node& node, FamilyFilter family);

// Pure: sets Session::node to the known node whose address equals the
// session's peer address (binary comparison), and Session::site from the
// session's router (Config::site_of_router), else from the matched node.
// Sessions that match nothing keep node/site as they were.
void annotate_sessions(std::vector<bgp::Session>& sessions, const std::vector<Node>& nodes, const Config& config);

} // namespace bgpwatch::collector
