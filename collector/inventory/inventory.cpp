// collector/inventory/inventory.cpp: node resolution across sources, the static
// source, expected sessions and session annotation (SPEC "Words").
#include "collector/inventory/inventory.hpp"

#include "collector/inventory/make_sources.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace bgpwatch::collector {

namespace {

std::string join_names(const std::vector<Node>& nodes)
{
  std::string out;
  for (const auto& n : nodes) {
    out += (out.empty() ? "" : ", ") + n.name;
  }
  return out;
}

} // namespace

Inventory::Inventory(const Config& config) : Inventory(config, make_inventory_sources(config))
{
}

Inventory::Inventory(const Config& config, std::vector<std::unique_ptr<InventorySource>> sources)
  : m_config(config), m_sources(std::move(sources))
{
}

Inventory::~Inventory() = default;
Inventory::Inventory(Inventory&&) noexcept = default;
Inventory& Inventory::operator=(Inventory&&) noexcept = default;

Expected<Node, InventoryError> Inventory::resolve(std::string_view name, SteadyClock::time_point deadline)
{
  const std::string quoted = "'" + std::string(name) + "'";
  if (name.empty()) {
    return Unexpected(InventoryError{"empty node name"});
  }
  if (m_sources.empty()) {
    return Unexpected(InventoryError{"unknown node " + quoted
                                     + ": no inventory sources configured (inventory: static, kubernetes, dns)"});
  }
  std::vector<std::string> tried;
  bool any_failed = false;
  for (const auto& source : m_sources) {
    const std::string kind(source->kind());
    auto found = source->find(name, deadline);
    if (!found) {
      // The source could not answer: say so, and let a later source that
      // does know the node answer (its addresses are just as real).
      tried.push_back(kind + ": " + found.error());
      any_failed = true;
      continue;
    }
    if (found->empty()) {
      tried.push_back(kind + ": not found");
      continue;
    }
    if (found->size() > 1) {
      return Unexpected(InventoryError{"node name " + quoted + " is ambiguous in " + kind + ": "
                                       + join_names(*found) + " (use the full name)",
                                       InventoryErrc::ambiguous});
    }
    Node node = std::move(found->front());
    if (m_config.find_site(node.site) == nullptr) {
      return Unexpected(InventoryError{"node " + node.name + " (from " + kind + ") is in site '" + node.site
                                       + "', which is not configured under sites"});
    }
    if (node.addresses.empty()) {
      return Unexpected(InventoryError{"node " + node.name + " (from " + kind + ") has no addresses"});
    }
    return node;
  }
  std::string message = "unknown node " + quoted + " (tried ";
  for (std::size_t i = 0; i < tried.size(); ++i) {
    message += (i == 0 ? "" : "; ") + tried[i];
  }
  message += ")";
  return Unexpected(InventoryError{message, any_failed ? InventoryErrc::unavailable : InventoryErrc::not_found});
}

Expected<std::vector<Node>, InventoryError> Inventory::nodes(std::optional<std::string> site,
                                                             SteadyClock::time_point deadline)
{
  if (site && m_config.find_site(*site) == nullptr) {
    std::string known;
    for (const auto& s : m_config.sites) {
      known += (known.empty() ? "" : ", ") + s.name;
    }
    return Unexpected(InventoryError{"unknown site '" + *site + "' (sites: " + known + ")"});
  }
  std::vector<Node> out;
  std::set<std::string> seen;
  bool any_listed = false;
  for (const auto& source : m_sources) {
    auto listed = source->list(site, deadline);
    if (!listed) {
      continue; // cannot enumerate (DNS)
    }
    if (!*listed) {
      return Unexpected(InventoryError{"cannot list nodes from " + std::string(source->kind()) + ": "
                                       + listed->error()});
    }
    any_listed = true;
    for (auto& n : **listed) {
      if (seen.insert(n.name).second) {
        out.push_back(std::move(n));
      }
    }
  }
  if (!any_listed) {
    return Unexpected(InventoryError{"no configured inventory source can list nodes (static and kubernetes can; "
                                     "dns cannot)"});
  }
  return out;
}

Expected<FamilyFilter, std::string> parse_family_filter(std::string_view text)
{
  if (text == "ipv4") {
    return FamilyFilter::ipv4;
  }
  if (text == "ipv6") {
    return FamilyFilter::ipv6;
  }
  if (text == "both") {
    return FamilyFilter::both;
  }
  return Unexpected("bad family '" + std::string(text) + "' (ipv4, ipv6 or both)");
}

std::string_view to_string(FamilyFilter filter) noexcept
{
  switch (filter) {
  case FamilyFilter::ipv4:
    return "ipv4";
  case FamilyFilter::ipv6:
    return "ipv6";
  case FamilyFilter::both:
    break;
  }
  return "both";
}

std::vector<RouterConfig> routers_serving(const Config& config, const Node& node)
{
  const SiteConfig* site = config.find_site(node.site);
  if (site == nullptr) {
    return {};
  }
  // First matching subnet entry in file order (SPEC "Words"); the ToR
  // devices then serve the node for both families.
  for (const auto& subnet : site->subnets) {
    for (const auto& a : node.addresses) {
      if (a.family() == bgp::Family::ipv4 && subnet.subnet.contains(a)) {
        return subnet.routers;
      }
    }
  }
  return site->routers;
}

std::vector<bgp::ExpectedSession> expected_sessions(const Config& config, const Node& node, FamilyFilter family)
{
  std::vector<bgp::ExpectedSession> out;
  const SiteConfig* site = config.find_site(node.site);
  if (site == nullptr) {
    return out;
  }
  std::vector<bgp::Address> addresses;
  for (const auto& a : node.addresses) {
    const bool wanted = family == FamilyFilter::both || (family == FamilyFilter::ipv4 && a.family() == bgp::Family::ipv4)
                        || (family == FamilyFilter::ipv6 && a.family() == bgp::Family::ipv6);
    if (wanted && std::find(addresses.begin(), addresses.end(), a) == addresses.end()) {
      addresses.push_back(a);
    }
  }
  for (const auto& router : routers_serving(config, node)) {
    for (const auto& a : addresses) {
      out.push_back(bgp::ExpectedSession{router.name, a, site->asn, node.name, site->name});
    }
  }
  return out;
}

void annotate_sessions(std::vector<bgp::Session>& sessions, const std::vector<Node>& nodes, const Config& config)
{
  // Binary address -> node; the first node listing an address keeps it.
  std::map<bgp::Address, const Node*> by_address;
  for (const auto& n : nodes) {
    for (const auto& a : n.addresses) {
      by_address.emplace(a, &n);
    }
  }
  for (auto& s : sessions) {
    const Node* node = nullptr;
    if (auto it = by_address.find(s.address); it != by_address.end()) {
      node = it->second;
      s.node = node->name;
    }
    const SiteConfig* site = s.router ? config.site_of_router(*s.router) : nullptr;
    if (site != nullptr) {
      s.site = site->name;
    } else if (node != nullptr) {
      s.site = node->site;
    }
  }
}

} // namespace bgpwatch::collector
