// collector/roll/drain.hpp: roll --drain, what `kubectl drain --ignore-daemonsets
// --delete-emptydir-data` does, through the API (checked against Debian's kubectl
// in tests/e2e/test_kubectl_drain.py and test_roll.sh):
//   1. cordon: PATCH the Node, strategic merge patch {"spec":{"unschedulable":true}};
//   2. the node's pods: GET /api/v1/pods?fieldSelector=spec.nodeName=NODE;
//   3. DaemonSet pods and mirror (static) pods are left alone; a pod no
//      controller manages stops the drain before anything is evicted (kubectl
//      refuses it without --force: nothing would recreate it); emptyDir data goes;
//   4. each pod is evicted (POST …/pods/NAME/eviction, policy/v1 Eviction): a 429
//      (a PodDisruptionBudget forbids it now) is retried every 5 s, like kubectl;
//      then the pod is polled until it is gone (404 or another UID);
//   5. uncordon after CMD and the wait: {"spec":{"unschedulable":null}}.
// Everything is bounded by --drain-timeout.
#pragma once

#include "bgp/expected.hpp"
#include "collector/base/clock.hpp"
#include "collector/inventory/kubernetes_config.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace bgpwatch::collector {

struct PodRef
{
  std::string ns, name, uid;
  std::string key() const
  {
    return ns + "/" + name;
  }
};

struct DrainPlan
{
  std::vector<PodRef> evict;
  std::vector<std::pair<PodRef, std::string>> skip;   // left alone, and why ("DaemonSet", "mirror pod")
  std::vector<std::pair<PodRef, std::string>> refuse; // stop the drain, and why
};

// Pure: a v1 PodList -> what to do with each pod.
DrainPlan plan_drain(const nlohmann::json& pod_list);

struct DrainHooks
{
  std::function<void(const std::string&)> say;   // one line of progress ("evicting pod ns/name")
  std::function<bool()> stop;                    // true: a signal came, give up now
  std::chrono::milliseconds retry_429{5000};     // kubectl's wait after a 429
  std::chrono::milliseconds poll_gone{1000};     // how often to look whether an evicted pod is gone
};

Expected<bool, std::string> cordon(const KubernetesEndpoint& api, const std::string& node, bool unschedulable,
                                   SteadyClock::time_point deadline);

// Steps 2-4 (the node must be cordoned first). Returns a one-line summary.
Expected<std::string, std::string> evict_pods(const KubernetesEndpoint& api, const std::string& node,
                                              SteadyClock::time_point deadline, const DrainHooks& hooks);

} // namespace bgpwatch::collector
