// collector/kubernetes_source.hpp: the Kubernetes API inventory source
// (SPEC "Configuration", inventory.kubernetes).
#pragma once

#include "collector/config.hpp"
#include "collector/inventory.hpp"

#include <memory>

namespace bgpwatch::collector {

std::unique_ptr<InventorySource> make_kubernetes_source(const KubernetesSource& config);

} // namespace bgpwatch::collector
