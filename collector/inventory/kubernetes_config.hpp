// collector/inventory/kubernetes_config.hpp: where the Kubernetes API is and how to
// authenticate to it, from a kubeconfig file (current-context) or from the
// in-cluster service account.
#pragma once

#include "bgp/expected.hpp"
#include "collector/config/config.hpp"
#include "collector/http/https_client.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bgpwatch::collector {

struct KubernetesEndpoint
{
  HttpsTarget target;               // host, port, CA, client certificate
  std::string base_path;            // server URL path prefix ("" or "/k8s")
  std::optional<std::string> token; // bearer token
  std::string origin;               // for messages: "https://10.0.0.1:6443 (kubeconfig K, context C)"
};

// Parses a kubeconfig (YAML): current-context -> context -> cluster (server,
// certificate-authority[-data], tls-server-name) and user
// (client-certificate[-data] + client-key[-data], token, tokenFile).
// Relative file paths are relative to the kubeconfig's directory, as kubectl
// does. Refused: insecure-skip-tls-verify: true (we always verify), plain
// http:// servers, and credentials we cannot honour (exec, auth-provider,
// username/password), which would otherwise fail later and less clearly.
Expected<KubernetesEndpoint, std::string> parse_kubeconfig(std::string_view yaml_text, const std::string& path);
Expected<KubernetesEndpoint, std::string> load_kubeconfig(const std::string& path);

// In a pod: KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT, the service
// account token and CA under `service_account_dir`.
Expected<KubernetesEndpoint, std::string>
in_cluster_endpoint(const std::string& service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// inventory.kubernetes, checked locally before any request (issue 13 item
// 7): the kubeconfig (or the in-cluster token and CA) exists, is readable
// and parses. Errors are prefixed "inventory.kubernetes: ".
Expected<void, std::string> check_kubernetes_local(const KubernetesSource& source);

// An API server's error answer for messages: "HTTP 403 Forbidden: nodes is
// forbidden: User \"x\" cannot list ...", with the v1 Status message when
// the body is one.
std::string kubernetes_http_error(const HttpsResponse& r);

// RFC 4648 base64 (the *-data fields); whitespace is ignored.
Expected<std::string, std::string> decode_base64(std::string_view text);

} // namespace bgpwatch::collector
