// collector/roll/kube_api.cpp: Kubernetes JSON calls (see kube_api.hpp).
#include "collector/roll/kube_api.hpp"

#include "collector/http/https_client.hpp"

namespace bgpwatch::collector {

std::string KubeReply::message() const
{
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    return body["message"].get<std::string>();
  }
  return "HTTP " + std::to_string(status);
}

Expected<KubeReply, std::string> kube_call(const KubernetesEndpoint& endpoint, const std::string& method,
                                           const std::string& path, const nlohmann::json& body,
                                           SteadyClock::time_point deadline, const std::string& content_type)
{
  std::vector<std::pair<std::string, std::string>> headers = {{"Accept", "application/json"}};
  if (endpoint.token) {
    headers.emplace_back("Authorization", "Bearer " + *endpoint.token);
  }
  std::string payload;
  if (!body.is_null()) {
    payload = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    headers.emplace_back("Content-Type", content_type);
  }
  auto r = https_request(endpoint.target, method, endpoint.base_path + path, headers, payload, deadline);
  if (!r) {
    return Unexpected(endpoint.origin + ": " + method + " " + path + ": " + r.error());
  }
  KubeReply reply;
  reply.status = r->status;
  reply.body = nlohmann::json::parse(r->body, nullptr, false);
  if (reply.body.is_discarded()) {
    reply.body = nullptr;
  }
  return reply;
}

} // namespace bgpwatch::collector
