// collector/roll/kube_api.hpp: the few Kubernetes API calls roll makes (Lease,
// node cordon, pods, Eviction), as JSON over the verified HTTPS client.
#pragma once

#include "bgp/expected.hpp"
#include "collector/base/clock.hpp"
#include "collector/inventory/kubernetes_config.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace bgpwatch::collector {

struct KubeReply
{
  unsigned status = 0;
  nlohmann::json body; // the parsed body (a v1 Status on errors); null when empty or not JSON
  // For messages: the Status message, else "HTTP <status>".
  std::string message() const;
};

// METHOD base_path+path with the endpoint's credentials. `body` is sent as
// JSON with `content_type` when not null. Transport errors (connect, TLS,
// deadline) are errors; every HTTP status is a reply.
Expected<KubeReply, std::string> kube_call(const KubernetesEndpoint& endpoint, const std::string& method,
                                           const std::string& path, const nlohmann::json& body,
                                           SteadyClock::time_point deadline,
                                           const std::string& content_type = "application/json");

} // namespace bgpwatch::collector
