// collector/inventory/calico_start.hpp: when calico-node last started on a
// node, from the Kubernetes API: the default `--since auto` of
// wait-established and gate (SPEC "Additions"; issue 13: the bare command
// must not pass on the sessions from before the restart).
//
//   GET /api/v1/pods?labelSelector=<calico_node_selector>
//                   &fieldSelector=spec.nodeName=<node>
//
// and in each pod the container named "calico-node": state.running.startedAt.
// Several pods (a rollout: the old one terminating): the latest start wins,
// and any calico-node that is not running (waiting, terminated, or its pod
// being deleted) means it has not (re)started yet: sessions must come up
// after now.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/instant.hpp"
#include "collector/base/clock.hpp"
#include "collector/config/config.hpp"
#include "collector/inventory/kubernetes_config.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bgpwatch::collector {

inline constexpr std::string_view k_calico_node_container = "calico-node";

struct CalicoStart
{
  // The latest state.running.startedAt; empty when calico-node is not
  // running now (the caller then takes "now": it has yet to start).
  std::optional<bgp::WallClock::time_point> started_at;
  // For people: "pod kube-system/calico-node-x7k2p, container calico-node
  // running since 2026-11-29T02:59:20Z" / "... waiting (ContainerCreating)".
  std::string detail;
};

// Pure: a v1 PodList (JSON text) -> CalicoStart. Errors: not a PodList, no
// pod, no calico-node container, a running container without a valid
// startedAt. `what` names the query in messages ("node kubernetes1003").
Expected<CalicoStart, std::string> calico_start_from_pods(std::string_view pod_list_json, std::string_view what);

// Asks the API (credentials as the inventory's) for `node`'s calico-node pods.
Expected<CalicoStart, std::string> calico_node_start(const KubernetesSource& config, std::string_view node,
                                                     SteadyClock::time_point deadline);
// For tests: an already-resolved endpoint.
Expected<CalicoStart, std::string> calico_node_start(const KubernetesEndpoint& endpoint, std::string_view selector,
                                                     std::string_view node, SteadyClock::time_point deadline);

} // namespace bgpwatch::collector
