// collector/inventory/kubernetes_source.cpp: nodes from the Kubernetes API over
// verified HTTPS (collector/https_client), credentials from a kubeconfig or
// the in-cluster service account (collector/kubernetes_config).
#include "collector/inventory/kubernetes_source.hpp"

#include "collector/http/https_client.hpp"
#include "collector/http/url_query.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace bgpwatch::collector {

namespace {

using nlohmann::json;

// A NodeList of a few thousand nodes is a few tens of MB at most.
constexpr std::uint64_t k_max_body_bytes = 256ull << 20;

Expected<Node, std::string> node_from_json(const json& j, std::string_view site_label)
{
  if (!j.is_object() || !j.contains("metadata") || !j["metadata"].is_object()) {
    return Unexpected(std::string("not a Node object (no metadata)"));
  }
  const json& meta = j["metadata"];
  if (!meta.contains("name") || !meta["name"].is_string()) {
    return Unexpected(std::string("Node object without metadata.name"));
  }
  Node node;
  node.name = meta["name"].get<std::string>();
  node.source = "kubernetes";
  const std::string label(site_label);
  if (meta.contains("labels") && meta["labels"].is_object() && meta["labels"].contains(label)
      && meta["labels"][label].is_string()) {
    node.site = meta["labels"][label].get<std::string>();
  }
  if (node.site.empty()) {
    return Unexpected("node " + node.name + " has no label " + label + " (the site)");
  }
  node.cordoned = false;
  if (j.contains("spec") && j["spec"].is_object() && j["spec"].contains("unschedulable")) {
    const json& u = j["spec"]["unschedulable"];
    if (!u.is_boolean()) {
      return Unexpected("node " + node.name + ": spec.unschedulable is not a boolean");
    }
    node.cordoned = u.get<bool>();
  }
  if (j.contains("status") && j["status"].is_object() && j["status"].contains("addresses")
      && j["status"]["addresses"].is_array()) {
    for (const json& a : j["status"]["addresses"]) {
      if (!a.is_object() || !a.contains("type") || !a["type"].is_string() || a["type"].get<std::string>() != "InternalIP") {
        continue;
      }
      if (!a.contains("address") || !a["address"].is_string()) {
        return Unexpected("node " + node.name + ": InternalIP entry without an address");
      }
      const std::string text = a["address"].get<std::string>();
      auto address = bgp::Address::parse(text);
      if (!address) {
        return Unexpected("node " + node.name + ": bad InternalIP address '" + text + "'");
      }
      if (std::find(node.addresses.begin(), node.addresses.end(), *address) == node.addresses.end()) {
        node.addresses.push_back(*address);
      }
    }
  }
  if (node.addresses.empty()) {
    return Unexpected("node " + node.name + " has no InternalIP address in status.addresses");
  }
  return node;
}

class KubernetesInventory : public InventorySource
{
public:
  explicit KubernetesInventory(const KubernetesSource& config) : m_config(config), m_site_label(config.site_label)
  {
  }
  KubernetesInventory(const KubernetesEndpoint& endpoint, std::string site_label)
    : m_endpoint(endpoint), m_site_label(std::move(site_label))
  {
  }

  std::string_view kind() const override
  {
    return "kubernetes";
  }

  Expected<std::vector<Node>, std::string> find(std::string_view name, SteadyClock::time_point deadline) override
  {
    if (name.find('.') != std::string_view::npos) {
      auto r = get("/api/v1/nodes/" + percent_encode(name), deadline);
      if (!r) {
        return Unexpected(r.error());
      }
      if (r->status == 404) {
        return std::vector<Node>{};
      }
      if (r->status != 200) {
        return Unexpected(origin() + ": " + kubernetes_http_error(*r));
      }
      auto node = parse_kubernetes_node(r->body, m_site_label);
      if (!node) {
        return Unexpected(origin() + ": " + node.error());
      }
      return std::vector<Node>{*node};
    }
    // Short name: nodes are usually named by FQDN; match first labels.
    auto all = list_nodes("", deadline, true);
    if (!all) {
      return Unexpected(all.error());
    }
    std::vector<Node> out;
    for (auto& n : *all) {
      if (node_name_matches(name, n.name)) {
        out.push_back(std::move(n));
      }
    }
    // A matching node without the site label or addresses is an error, not
    // "not found": the operator should hear why it cannot be used.
    for (const auto& [node_name, error] : m_unusable) {
      if (node_name_matches(name, node_name)) {
        return Unexpected(origin() + ": " + error);
      }
    }
    return out;
  }

  std::optional<Expected<std::vector<Node>, std::string>> list(const std::optional<std::string>& site,
                                                               SteadyClock::time_point deadline) override
  {
    std::string query;
    if (site) {
      query = "?labelSelector=" + percent_encode(m_site_label + "=" + *site);
    }
    auto r = list_nodes(query, deadline, false);
    if (!r) {
      return Expected<std::vector<Node>, std::string>(Unexpected(r.error()));
    }
    return Expected<std::vector<Node>, std::string>(std::move(*r));
  }

  // Nodes of `site` that also match `selector` (list_kubernetes_nodes_labelled).
  Expected<std::vector<Node>, std::string> list_labelled(const std::string& site, const std::string& selector,
                                                         SteadyClock::time_point deadline)
  {
    return list_nodes("?labelSelector=" + percent_encode(m_site_label + "=" + site + "," + selector), deadline, false);
  }

private:
  std::string origin() const
  {
    return m_endpoint ? m_endpoint->origin : std::string("kubernetes API");
  }

  Expected<void, std::string> ensure_endpoint()
  {
    if (m_endpoint) {
      return {};
    }
    auto e = m_config.in_cluster ? in_cluster_endpoint() : load_kubeconfig(m_config.kubeconfig.value_or(""));
    if (!e) {
      return Unexpected(e.error());
    }
    m_endpoint = std::move(*e);
    return {};
  }

  Expected<HttpsResponse, std::string> get(const std::string& path, SteadyClock::time_point deadline)
  {
    BGPWATCH_TRY(ensure_endpoint());
    std::vector<std::pair<std::string, std::string>> headers = {{"Accept", "application/json"}};
    if (m_endpoint->token) {
      headers.emplace_back("Authorization", "Bearer " + *m_endpoint->token);
    }
    auto r = https_get(m_endpoint->target, m_endpoint->base_path + path, headers, deadline, k_max_body_bytes);
    if (!r) {
      return Unexpected(r.error());
    }
    return r;
  }

  // Nodes that lack the site label or an InternalIP are skipped from
  // listings (they cannot be checked) and remembered in m_unusable.
  Expected<std::vector<Node>, std::string> list_nodes(const std::string& query, SteadyClock::time_point deadline,
                                                     bool keep_unusable)
  {
    auto r = get("/api/v1/nodes" + query, deadline);
    if (!r) {
      return Unexpected(r.error());
    }
    if (r->status != 200) {
      return Unexpected(origin() + ": " + kubernetes_http_error(*r));
    }
    m_unusable.clear();
    std::vector<Node> out;
    try {
      const json j = json::parse(r->body);
      if (!j.is_object() || !j.contains("items") || !j["items"].is_array()) {
        return Unexpected(origin() + ": not a NodeList (no items)");
      }
      for (const json& item : j["items"]) {
        auto node = node_from_json(item, m_site_label);
        if (node) {
          out.push_back(std::move(*node));
        } else if (keep_unusable && item.is_object() && item.contains("metadata") && item["metadata"].is_object()
                   && item["metadata"].contains("name") && item["metadata"]["name"].is_string()) {
          m_unusable.emplace_back(item["metadata"]["name"].get<std::string>(), node.error());
        }
      }
    } catch (const json::exception& e) {
      return Unexpected(origin() + ": bad JSON in NodeList: " + e.what());
    }
    return out;
  }

  KubernetesSource m_config;
  std::optional<KubernetesEndpoint> m_endpoint;
  std::string m_site_label;
  std::vector<std::pair<std::string, std::string>> m_unusable;
};

} // namespace

Expected<Node, std::string> parse_kubernetes_node(std::string_view text, std::string_view site_label)
{
  try {
    return node_from_json(json::parse(text), site_label);
  } catch (const json::exception& e) {
    return Unexpected(std::string("bad JSON in Node: ") + e.what());
  }
}

Expected<std::vector<Node>, std::string> list_kubernetes_nodes_labelled(const KubernetesEndpoint& endpoint,
                                                                        std::string site_label,
                                                                        const std::string& site,
                                                                        const std::string& selector,
                                                                        SteadyClock::time_point deadline)
{
  KubernetesInventory source(endpoint, std::move(site_label));
  return source.list_labelled(site, selector, deadline);
}

std::unique_ptr<InventorySource> make_kubernetes_source(const KubernetesSource& config)
{
  return std::make_unique<KubernetesInventory>(config);
}

std::unique_ptr<InventorySource> make_kubernetes_source(const KubernetesEndpoint& endpoint, std::string site_label)
{
  return std::make_unique<KubernetesInventory>(endpoint, std::move(site_label));
}

} // namespace bgpwatch::collector
