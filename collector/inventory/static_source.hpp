// collector/inventory/static_source.hpp: nodes listed in the configuration
// (inventory.static).
#pragma once

#include "collector/config/config.hpp"
#include "collector/inventory/source.hpp"

#include <memory>

namespace bgpwatch::collector {

// The static source (config inventory.static).
std::unique_ptr<InventorySource> make_static_source(const Config& config);

} // namespace bgpwatch::collector
