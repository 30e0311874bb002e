// collector/config/config.hpp: the YAML configuration (SPEC "Configuration").
// Loading is strict: unknown keys and bad values are errors naming the file,
// line and key. Nothing here reads the network.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bgpwatch::collector {

struct RouterConfig
{
  std::string name; // "cr1-eqiad" (from {name: ...}, else the host's first DNS label)
  std::string host; // DNS name or address literal
  std::uint16_t port = 830;
  // Optional (README): the router's BGP addresses as the nodes see them, for
  // node-side sources (--source bird|wire, router,bird) to tell routers apart.
  // YAML key `bgp_addresses` in the {name, host, port} form.
  std::vector<bgp::Address> bgp_addresses;
};

struct SubnetPeering
{
  bgp::Prefix subnet;                // IPv4 subnet of the nodes
  std::vector<RouterConfig> routers; // devices those nodes peer with (ToR)
};

struct SiteConfig
{
  std::string name;
  std::uint32_t asn = 0;
  std::vector<RouterConfig> routers;
  std::vector<SubnetPeering> subnets; // in file order: first match wins
};

struct NetconfConfig
{
  std::string username = "bgpwatch";
  std::optional<std::string> private_key; // empty: ssh-agent via SSH_AUTH_SOCK
  std::string known_hosts = "/etc/bgpwatch/ssh/known_hosts";
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds rpc_timeout{30'000};
  std::uint64_t max_reply_bytes = 64ull << 20; // 64 MiB
};

struct StaticNode
{
  std::string name; // FQDN as written: "kubernetes1003.eqiad.wmnet"
  std::string site;
  std::vector<bgp::Address> addresses;
};

struct KubernetesSource
{
  std::optional<std::string> kubeconfig; // path; empty with in_cluster
  bool in_cluster = false;
  std::string site_label = "topology.kubernetes.io/region";
  // The calico-node pods (--since auto: when calico-node last started on the
  // node is its calico-node container's state.running.startedAt).
  std::string calico_node_selector = "k8s-app=calico-node";
};

struct DnsSource
{
  // FQDN suffix ("eqiad.wmnet") -> site, in file order.
  std::vector<std::pair<std::string, std::string>> domains;
};

enum class InventoryKind : std::uint8_t { static_nodes, kubernetes, dns };

struct InventoryConfig
{
  // Sources in the order they appear in the file: first that knows the node wins.
  std::vector<InventoryKind> order;
  std::vector<StaticNode> static_nodes;
  std::optional<KubernetesSource> kubernetes;
  std::optional<DnsSource> dns;
};

struct CollectorTls
{
  std::string cert; // PEM certificate chain the collector presents
  std::string key;  // its PEM private key (a secret file: mode 0600)
};

struct CollectorConfig
{
  std::string listen = "127.0.0.1:9179";
  std::chrono::milliseconds interval{10'000};
  std::optional<CollectorTls> tls;       // collector.tls: serve HTTPS
  std::optional<std::string> token_file; // collector.token_file: require Authorization: Bearer
};

// collector_client: how `--collector URL` clients talk to a collector.
struct CollectorClientConfig
{
  std::optional<std::string> ca;         // PEM trust anchors for https:// (else the system store)
  std::optional<std::string> token_file; // bearer token to send (a secret file: mode 0600)
};

struct Config
{
  std::string path; // the file it was read from ("" for built-in defaults)
  std::vector<SiteConfig> sites;
  NetconfConfig netconf;
  InventoryConfig inventory;
  CollectorConfig collector;
  CollectorClientConfig collector_client;

  const SiteConfig* find_site(std::string_view name) const;
  // Every router of every site and subnet, deduplicated by name, in file order.
  std::vector<RouterConfig> all_routers() const;
  // The site a router belongs to (by name), or nullptr.
  const SiteConfig* site_of_router(std::string_view router_name) const;
};

struct ConfigError
{
  std::string file;
  std::size_t line = 0; // 1-based; 0 when not applicable (file missing)
  std::string key;      // dotted path: "sites.eqiad.routers[1].port"
  std::string message;

  // "/etc/bgpwatch/config.yaml:12: sites.eqiad.asn: bad AS number 'x'"
  std::string to_string() const;
};

// Parse YAML text; `path` is used in error messages only.
Expected<Config, ConfigError> parse_config(std::string_view yaml_text, std::string_view path);

// Read and parse a file. Missing/unreadable files are errors naming the path.
Expected<Config, ConfigError> load_config_file(const std::string& path);

// --config F, else $BGPWATCH_CONFIG, else /etc/bgpwatch/config.yaml.
std::string resolve_config_path(const std::optional<std::string>& cli_value);

} // namespace bgpwatch::collector
