// collector/inventory/make_sources.cpp: the configured inventory sources, in
// order (see make_sources.hpp). The one file that knows every implementation.
#include "collector/inventory/make_sources.hpp"

#include "collector/inventory/dns_source.hpp"
#include "collector/inventory/kubernetes_source.hpp"
#include "collector/inventory/static_source.hpp"

namespace bgpwatch::collector {

std::vector<std::unique_ptr<InventorySource>> make_inventory_sources(const Config& config)
{
  std::vector<std::unique_ptr<InventorySource>> out;
  for (const auto kind : config.inventory.order) {
    switch (kind) {
    case InventoryKind::static_nodes:
      out.push_back(make_static_source(config));
      break;
    case InventoryKind::kubernetes:
      if (config.inventory.kubernetes) {
        out.push_back(make_kubernetes_source(*config.inventory.kubernetes));
      }
      break;
    case InventoryKind::dns:
      if (config.inventory.dns) {
        out.push_back(make_dns_source(*config.inventory.dns));
      }
      break;
    }
  }
  return out;
}

} // namespace bgpwatch::collector
