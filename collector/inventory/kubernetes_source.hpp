// collector/inventory/kubernetes_source.hpp: the Kubernetes API inventory source
// (SPEC "Configuration", inventory.kubernetes).
//
// A node is read from the core v1 Node object:
//   metadata.name                    -> Node::name
//   metadata.labels[site_label]      -> Node::site (missing label: error)
//   status.addresses[type=InternalIP] -> Node::addresses (both families)
//   spec.unschedulable               -> Node::cordoned (absent = false)
// An FQDN is fetched with GET /api/v1/nodes/{name} (404 = not known). A
// short name is matched against the first DNS label of every node from
// GET /api/v1/nodes, because clusters name nodes by FQDN (so
// /api/v1/nodes/kubernetes1003 would be a 404) — but a node named by its
// short name matches too. --site lists with
// GET /api/v1/nodes?labelSelector=<site_label>=<site>.
#pragma once

#include "collector/config/config.hpp"
#include "collector/inventory/source.hpp"
#include "collector/inventory/kubernetes_config.hpp"

#include <memory>
#include <string_view>

namespace bgpwatch::collector {

std::unique_ptr<InventorySource> make_kubernetes_source(const KubernetesSource& config);
// For tests: an already-resolved endpoint.
std::unique_ptr<InventorySource> make_kubernetes_source(const KubernetesEndpoint& endpoint, std::string site_label);

// `bgpwatch roll --selector KEY=VALUE`: the nodes of `site` that carry the
// label KEY=VALUE, from one GET /api/v1/nodes?labelSelector=<site_label>=<site>,KEY=VALUE
// (the API server filters). As in list(), a node without the site label or an
// InternalIP is left out. `selector` is passed as given: the caller checks it.
Expected<std::vector<Node>, std::string> list_kubernetes_nodes_labelled(const KubernetesEndpoint& endpoint,
                                                                        std::string site_label,
                                                                        const std::string& site,
                                                                        const std::string& selector,
                                                                        SteadyClock::time_point deadline);

// One v1 Node object (JSON text or parsed) -> Node. Errors name the node and
// what is missing or malformed.
Expected<Node, std::string> parse_kubernetes_node(std::string_view json, std::string_view site_label);

} // namespace bgpwatch::collector
