// collector/inventory/make_sources.hpp: the sources named in
// config.inventory, in their configured order.
#pragma once

#include "collector/config/config.hpp"
#include "collector/inventory/source.hpp"

#include <memory>
#include <vector>

namespace bgpwatch::collector {

std::vector<std::unique_ptr<InventorySource>> make_inventory_sources(const Config& config);

} // namespace bgpwatch::collector
