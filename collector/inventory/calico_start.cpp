// collector/inventory/calico_start.cpp: see calico_start.hpp.
#include "collector/inventory/calico_start.hpp"

#include "bgp/timeparse.hpp"
#include "collector/http/https_client.hpp"
#include "collector/http/url_query.hpp"

#include <nlohmann/json.hpp>

namespace bgpwatch::collector {

namespace {

using nlohmann::json;

constexpr std::uint64_t k_max_body_bytes = 16ull << 20; // a few pods

const json* member(const json& j, const char* key)
{
  if (!j.is_object()) {
    return nullptr;
  }
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string string_at(const json& j, const char* key, std::string fallback = "?")
{
  const json* m = member(j, key);
  return m != nullptr && m->is_string() ? m->get<std::string>() : fallback;
}

// One pod -> its calico-node container's state.
Expected<CalicoStart, std::string> pod_start(const json& pod, std::string_view what)
{
  const json* meta = member(pod, "metadata");
  const std::string name = meta ? string_at(*meta, "namespace") + "/" + string_at(*meta, "name") : "?";
  const std::string who = "pod " + name;
  const json* status = member(pod, "status");
  const json* containers = status ? member(*status, "containerStatuses") : nullptr;
  if (containers == nullptr || !containers->is_array()) {
    // Just scheduled: no container status yet. Not started.
    return CalicoStart{std::nullopt, who + " has no container status yet (" + string_at(status ? *status : json(), "phase") + ")"};
  }
  for (const json& c : *containers) {
    if (string_at(c, "name", "") != k_calico_node_container) {
      continue;
    }
    if (meta != nullptr && member(*meta, "deletionTimestamp") != nullptr) {
      return CalicoStart{std::nullopt, who + " is being deleted"};
    }
    const json* state = member(c, "state");
    const json* running = state ? member(*state, "running") : nullptr;
    if (running == nullptr) {
      std::string how = "not running";
      for (const char* k : {"waiting", "terminated"}) {
        if (const json* s = state ? member(*state, k) : nullptr) {
          how = std::string(k) + " (" + string_at(*s, "reason", "no reason given") + ")";
        }
      }
      return CalicoStart{std::nullopt, who + ", container calico-node " + how};
    }
    const std::string text = string_at(*running, "startedAt", "");
    auto t = bgp::parse_instant(text);
    if (!t) {
      return Unexpected(std::string(what) + ": " + who + ": calico-node state.running.startedAt: " + t.error());
    }
    return CalicoStart{*t, who + ", container calico-node running since " + bgp::format_rfc3339(*t)};
  }
  return Unexpected(std::string(what) + ": " + who + " has no container named calico-node");
}

} // namespace

Expected<CalicoStart, std::string> calico_start_from_pods(std::string_view pod_list_json, std::string_view what)
{
  json doc;
  try {
    doc = json::parse(pod_list_json);
  } catch (const json::exception& e) {
    return Unexpected(std::string(what) + ": the pod list is not JSON: " + e.what());
  }
  const json* items = member(doc, "items");
  if (items == nullptr || !items->is_array()) {
    return Unexpected(std::string(what) + ": not a PodList (no items)");
  }
  if (items->empty()) {
    return Unexpected(std::string(what) + ": no calico-node pod");
  }
  std::optional<CalicoStart> latest;
  for (const json& pod : *items) {
    auto start = pod_start(pod, what);
    if (!start) {
      return Unexpected(start.error());
    }
    if (!start->started_at) {
      return *start; // one calico-node not running: it has yet to (re)start
    }
    if (!latest || *start->started_at > *latest->started_at) {
      latest = std::move(*start);
    }
  }
  return *latest;
}

Expected<CalicoStart, std::string> calico_node_start(const KubernetesEndpoint& endpoint, std::string_view selector,
                                                     std::string_view node, SteadyClock::time_point deadline)
{
  std::vector<std::pair<std::string, std::string>> headers = {{"Accept", "application/json"}};
  if (endpoint.token) {
    headers.emplace_back("Authorization", "Bearer " + *endpoint.token);
  }
  const std::string query = "/api/v1/pods?labelSelector=" + percent_encode(selector)
                            + "&fieldSelector=" + percent_encode("spec.nodeName=" + std::string(node));
  const std::string what = endpoint.origin + ": pods " + std::string(selector) + " on node " + std::string(node);
  auto r = https_get(endpoint.target, endpoint.base_path + query, headers, deadline, k_max_body_bytes);
  if (!r) {
    return Unexpected(what + ": " + r.error());
  }
  if (r->status != 200) {
    return Unexpected(what + ": " + kubernetes_http_error(*r));
  }
  return calico_start_from_pods(r->body, what);
}

Expected<CalicoStart, std::string> calico_node_start(const KubernetesSource& config, std::string_view node,
                                                     SteadyClock::time_point deadline)
{
  auto endpoint = config.in_cluster ? in_cluster_endpoint() : load_kubeconfig(config.kubeconfig.value_or(""));
  if (!endpoint) {
    return Unexpected(endpoint.error());
  }
  return calico_node_start(*endpoint, config.calico_node_selector, node, deadline);
}

} // namespace bgpwatch::collector
