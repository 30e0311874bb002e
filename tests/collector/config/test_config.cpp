// tests/collector/test_config.cpp: the YAML configuration loader (SPEC
// "Configuration"): every value it accepts, and the exact error (file,
// line, key path, message) for everything it refuses.
#include "collector/config/config.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

std::string fixtures_dir()
{
  if (const char* env = std::getenv("BGPWATCH_FIXTURES"); env != nullptr && *env != '\0') {
    return env;
  }
  // Run outside CTest: the source tree is two levels above this file
  // (__FILE__ may be relative to the build directory), else the cwd.
  const auto beside = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "fixtures";
  return std::filesystem::is_directory(beside) ? beside.string() : std::string("fixtures");
}

// A minimal valid configuration to which each case appends one section.
const std::string k_sites = "sites:\n"
                            "  eqiad:\n"
                            "    asn: 64601\n"
                            "    routers: [cr1-eqiad.wikimedia.org]\n";

std::string error_of(const std::string& yaml)
{
  auto r = parse_config(yaml, "t.yaml");
  if (r) {
    return "(no error)";
  }
  return r.error().to_string();
}

} // namespace

TEST_CASE("config: the example configuration loads with every value")
{
  auto r = load_config_file(fixtures_dir() + "/config/example.yaml");
  INFO((r ? std::string() : r.error().to_string()));
  REQUIRE(r.has_value());
  const Config& c = *r;
  CHECK(c.path == fixtures_dir() + "/config/example.yaml");
  REQUIRE(c.sites.size() == 2);

  const SiteConfig& eqiad = c.sites[0];
  CHECK(eqiad.name == "eqiad");
  CHECK(eqiad.asn == 64601);
  REQUIRE(eqiad.routers.size() == 3);
  CHECK(eqiad.routers[0].name == "cr1-eqiad");
  CHECK(eqiad.routers[0].host == "cr1-eqiad.wikimedia.org");
  CHECK(eqiad.routers[0].port == 830);
  CHECK(eqiad.routers[1].name == "2001:db8::3");
  CHECK(eqiad.routers[1].host == "2001:db8::3");
  CHECK(eqiad.routers[1].port == 8300);
  CHECK(eqiad.routers[2].name == "cr2-eqiad");
  CHECK(eqiad.routers[2].host == "2001:db8::2");
  CHECK(eqiad.routers[2].port == 830);
  REQUIRE(eqiad.routers[2].bgp_addresses.size() == 2);
  CHECK(eqiad.routers[2].bgp_addresses[0] == *bgp::Address::parse("10.64.0.2"));
  CHECK(eqiad.routers[2].bgp_addresses[1] == *bgp::Address::parse("2620:0:861:ffff::2"));

  REQUIRE(eqiad.subnets.size() == 2);
  CHECK(eqiad.subnets[0].subnet.to_string() == "10.64.130.0/24");
  REQUIRE(eqiad.subnets[0].routers.size() == 1);
  CHECK(eqiad.subnets[0].routers[0].name == "lsw1-e1-eqiad");
  CHECK(eqiad.subnets[0].routers[0].host == "lsw1-e1-eqiad.mgmt.eqiad.wmnet");
  CHECK(eqiad.subnets[1].subnet.to_string() == "10.64.131.0/24");
  REQUIRE(eqiad.subnets[1].routers.size() == 2);
  CHECK(eqiad.subnets[1].routers[0].name == "lsw1-e2-eqiad");
  CHECK(eqiad.subnets[1].routers[0].port == 830);
  CHECK(eqiad.subnets[1].routers[1].name == "lsw2-e2-eqiad");
  CHECK(eqiad.subnets[1].routers[1].host == "10.65.0.12");

  const SiteConfig& codfw = c.sites[1];
  CHECK(codfw.name == "codfw");
  CHECK(codfw.asn == 64602);
  REQUIRE(codfw.routers.size() == 2);
  CHECK(codfw.routers[1].name == "cr2-codfw");
  CHECK(codfw.subnets.empty());

  CHECK(c.netconf.username == "bgpwatch");
  CHECK(c.netconf.private_key == std::optional<std::string>("/etc/bgpwatch/ssh/id_ed25519"));
  CHECK(c.netconf.known_hosts == "/etc/bgpwatch/ssh/known_hosts");
  CHECK(c.netconf.connect_timeout == std::chrono::seconds(10));
  CHECK(c.netconf.rpc_timeout == std::chrono::seconds(30));
  CHECK(c.netconf.max_reply_bytes == 67108864u);

  const auto& inv = c.inventory;
  CHECK(inv.order == std::vector<InventoryKind>{InventoryKind::static_nodes, InventoryKind::kubernetes,
                                                 InventoryKind::dns});
  REQUIRE(inv.static_nodes.size() == 2);
  CHECK(inv.static_nodes[0].name == "kubernetes1003.eqiad.wmnet");
  CHECK(inv.static_nodes[0].site == "eqiad");
  REQUIRE(inv.static_nodes[0].addresses.size() == 2);
  CHECK(inv.static_nodes[0].addresses[1] == *bgp::Address::parse("2620:0:861:103:10:64:32:23"));
  CHECK(inv.static_nodes[1].name == "kubernetes1021.eqiad.wmnet");
  REQUIRE(inv.kubernetes.has_value());
  CHECK(inv.kubernetes->kubeconfig == std::optional<std::string>("/etc/bgpwatch/kubeconfig"));
  CHECK_FALSE(inv.kubernetes->in_cluster);
  CHECK(inv.kubernetes->site_label == "topology.kubernetes.io/region");
  REQUIRE(inv.dns.has_value());
  CHECK(inv.dns->domains
        == std::vector<std::pair<std::string, std::string>>{{"eqiad.wmnet", "eqiad"}, {"codfw.wmnet", "codfw"}});

  CHECK(c.collector.listen == "127.0.0.1:9179");
  CHECK(c.collector.interval == std::chrono::seconds(10));

  // Helpers over the loaded configuration.
  REQUIRE(c.find_site("codfw") != nullptr);
  CHECK(c.find_site("codfw")->asn == 64602);
  CHECK(c.find_site("ulsfo") == nullptr);
  std::vector<std::string> names;
  for (const auto& router : c.all_routers()) {
    names.push_back(router.name);
  }
  CHECK(names
        == std::vector<std::string>{"cr1-eqiad", "2001:db8::3", "cr2-eqiad", "lsw1-e1-eqiad", "lsw1-e2-eqiad",
                                    "lsw2-e2-eqiad", "cr1-codfw", "cr2-codfw"});
  REQUIRE(c.site_of_router("lsw2-e2-eqiad") != nullptr);
  CHECK(c.site_of_router("lsw2-e2-eqiad")->name == "eqiad");
  CHECK(c.site_of_router("cr2-codfw")->name == "codfw");
  CHECK(c.site_of_router("cr9-nowhere") == nullptr);
}

TEST_CASE("config: defaults when sections are omitted")
{
  auto r = parse_config(k_sites, "t.yaml");
  REQUIRE(r.has_value());
  CHECK(r->netconf.username == "bgpwatch");
  CHECK_FALSE(r->netconf.private_key.has_value());
  CHECK(r->netconf.known_hosts == "/etc/bgpwatch/ssh/known_hosts");
  CHECK(r->netconf.connect_timeout == std::chrono::seconds(10));
  CHECK(r->netconf.rpc_timeout == std::chrono::seconds(30));
  CHECK(r->netconf.max_reply_bytes == (64u << 20));
  CHECK(r->inventory.order.empty());
  CHECK(r->collector.listen == "127.0.0.1:9179");
  CHECK(r->collector.interval == std::chrono::seconds(10));
}

TEST_CASE("config: router spellings")
{
  struct Case
  {
    const char* yaml_item;
    const char* name;
    const char* host;
    std::uint16_t port;
  };
  const Case cases[] = {
    {"cr1-eqiad.wikimedia.org", "cr1-eqiad", "cr1-eqiad.wikimedia.org", 830},
    {"cr1-eqiad.wikimedia.org:2830", "cr1-eqiad", "cr1-eqiad.wikimedia.org", 2830},
    {"cr1-eqiad", "cr1-eqiad", "cr1-eqiad", 830},
    {"10.64.0.1", "10.64.0.1", "10.64.0.1", 830},
    {"10.64.0.1:22", "10.64.0.1", "10.64.0.1", 22},
    {"\"2001:db8::2\"", "2001:db8::2", "2001:db8::2", 830},
    {"\"[2001:db8::2]\"", "2001:db8::2", "2001:db8::2", 830},
    {"\"[2001:db8::2]:8300\"", "2001:db8::2", "2001:db8::2", 8300},
    // A bare IPv6 literal is all address: this is 2001:db8::2:831, port 830.
    {"\"2001:db8::2:831\"", "2001:db8::2:831", "2001:db8::2:831", 830},
    {"{host: cr2-eqiad.wikimedia.org}", "cr2-eqiad", "cr2-eqiad.wikimedia.org", 830},
    {"{name: core2, host: cr2-eqiad.wikimedia.org, port: 831}", "core2", "cr2-eqiad.wikimedia.org", 831},
    {"{name: cr2-eqiad, host: 2001:db8::2, port: 830}", "cr2-eqiad", "2001:db8::2", 830},
  };
  for (const auto& c : cases) {
    CAPTURE(c.yaml_item);
    const std::string yaml = std::string("sites:\n  eqiad:\n    asn: 64601\n    routers:\n      - ") + c.yaml_item + "\n";
    auto r = parse_config(yaml, "t.yaml");
    INFO((r ? std::string() : r.error().to_string()));
    REQUIRE(r.has_value());
    REQUIRE(r->sites.at(0).routers.size() == 1);
    CHECK(r->sites[0].routers[0].name == c.name);
    CHECK(r->sites[0].routers[0].host == c.host);
    CHECK(r->sites[0].routers[0].port == c.port);
  }
}

TEST_CASE("config: durations and AS numbers that are accepted")
{
  auto r = parse_config(k_sites + "netconf: {connect_timeout: 1h30m, rpc_timeout: 90}\ncollector: {interval: 500ms}\n",
                        "t.yaml");
  REQUIRE(r.has_value());
  CHECK(r->netconf.connect_timeout == std::chrono::minutes(90));
  CHECK(r->netconf.rpc_timeout == std::chrono::seconds(90));
  CHECK(r->collector.interval == std::chrono::milliseconds(500));

  auto big = parse_config("sites: {x: {asn: 4294967295, routers: [r1]}}\n", "t.yaml");
  REQUIRE(big.has_value());
  CHECK(big->sites[0].asn == 4294967295u);
  auto quoted = parse_config("sites: {x: {asn: \"1\", routers: [r1]}}\n", "t.yaml");
  REQUIRE(quoted.has_value());
  CHECK(quoted->sites[0].asn == 1u);
}

TEST_CASE("config: collector trust keys")
{
  auto r = parse_config(k_sites
                          + "collector:\n  tls: {cert: /etc/bgpwatch/c.crt, key: /etc/bgpwatch/c.key}\n"
                            "  token_file: /etc/bgpwatch/token\n"
                            "collector_client: {ca: /etc/bgpwatch/ca.crt, token_file: /etc/bgpwatch/client.token}\n",
                        "t.yaml");
  REQUIRE(r.has_value());
  REQUIRE(r->collector.tls.has_value());
  CHECK(r->collector.tls->cert == "/etc/bgpwatch/c.crt");
  CHECK(r->collector.tls->key == "/etc/bgpwatch/c.key");
  CHECK(r->collector.token_file == std::optional<std::string>("/etc/bgpwatch/token"));
  CHECK(r->collector_client.ca == std::optional<std::string>("/etc/bgpwatch/ca.crt"));
  CHECK(r->collector_client.token_file == std::optional<std::string>("/etc/bgpwatch/client.token"));
  auto plain = parse_config(k_sites, "t.yaml");
  REQUIRE(plain.has_value());
  CHECK_FALSE(plain->collector.tls.has_value());
  CHECK_FALSE(plain->collector_client.token_file.has_value());
}

TEST_CASE("config: inventory order is the order of the keys in the file")
{
  auto r = parse_config(k_sites
                          + "inventory:\n"
                            "  dns: {domains: {eqiad.wmnet: eqiad}}\n"
                            "  kubernetes: {in_cluster: true, site_label: example.org/site}\n"
                            "  static: {}\n",
                        "t.yaml");
  INFO((r ? std::string() : r.error().to_string()));
  REQUIRE(r.has_value());
  CHECK(r->inventory.order
        == std::vector<InventoryKind>{InventoryKind::dns, InventoryKind::kubernetes, InventoryKind::static_nodes});
  REQUIRE(r->inventory.kubernetes.has_value());
  CHECK(r->inventory.kubernetes->in_cluster);
  CHECK_FALSE(r->inventory.kubernetes->kubeconfig.has_value());
  CHECK(r->inventory.kubernetes->site_label == "example.org/site");
  CHECK(r->inventory.kubernetes->calico_node_selector == "k8s-app=calico-node"); // the default
}

TEST_CASE("config: inventory.kubernetes.calico_node_selector")
{
  for (const char* sel : {"k8s-app=calico-node", "k8s-app==calico-node", "app.kubernetes.io/name=calico-node,tier!=x"}) {
    CAPTURE(sel);
    auto r = parse_config(k_sites + "inventory:\n  kubernetes: {in_cluster: true, calico_node_selector: \"" + sel
                            + "\"}\n",
                          "t.yaml");
    INFO((r ? std::string() : r.error().to_string()));
    REQUIRE(r.has_value());
    CHECK(r->inventory.kubernetes->calico_node_selector == sel);
  }
}

TEST_CASE("config: a router shared by two sites with the same host is one router")
{
  auto r = parse_config("sites:\n"
                        "  eqiad: {asn: 64601, routers: [cr1-eqiad.wikimedia.org]}\n"
                        "  eqiad2: {asn: 64603, routers: [cr1-eqiad.wikimedia.org]}\n",
                        "t.yaml");
  REQUIRE(r.has_value());
  REQUIRE(r->all_routers().size() == 1);
  CHECK(r->site_of_router("cr1-eqiad")->name == "eqiad");
}

TEST_CASE("config: every refusal names file, line, key and reason")
{
  struct Case
  {
    std::string yaml;
    std::string error;
  };
  const Case cases[] = {
    // Unknown keys, at every level.
    {k_sites + "bogus: 1\n",
     "t.yaml:5: bogus: unknown key (expected one of: sites, netconf, inventory, collector, collector_client)"},
    {"sites:\n  eqiad:\n    asn: 64601\n    router: [cr1]\n",
     "t.yaml:4: sites.eqiad.router: unknown key (expected one of: asn, routers, subnets)"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers:\n      - {host: cr1, prot: 22}\n",
     "t.yaml:5: sites.eqiad.routers[0].prot: unknown key (expected one of: name, host, port, bgp_addresses)"},
    {k_sites + "netconf:\n  user: x\n",
     "t.yaml:6: netconf.user: unknown key (expected one of: username, private_key, known_hosts, connect_timeout, "
     "rpc_timeout, max_reply_bytes)"},
    {k_sites + "inventory:\n  consul: {}\n",
     "t.yaml:6: inventory.consul: unknown key (expected one of: static, kubernetes, dns)"},
    {k_sites + "inventory:\n  static:\n    k1.eqiad.wmnet: {site: eqiad, address: [10.0.0.1]}\n",
     "t.yaml:7: inventory.static[k1.eqiad.wmnet].address: unknown key (expected one of: site, addresses)"},
    {k_sites + "inventory:\n  kubernetes: {in_cluster: true, label: x}\n",
     "t.yaml:6: inventory.kubernetes.label: unknown key (expected one of: kubeconfig, in_cluster, site_label, "
     "calico_node_selector)"},
    // --since auto's pod selector (issue 13).
    {k_sites + "inventory:\n  kubernetes: {in_cluster: true, calico_node_selector: \"\"}\n",
     "t.yaml:6: inventory.kubernetes.calico_node_selector: must not be empty"},
    {k_sites + "inventory:\n  kubernetes: {in_cluster: true, calico_node_selector: k8s-app}\n",
     "t.yaml:6: inventory.kubernetes.calico_node_selector: bad label selector 'k8s-app': term 'k8s-app' is not "
     "KEY=VALUE or KEY!=VALUE (e.g. k8s-app=calico-node)"},
    {k_sites + "inventory:\n  kubernetes: {in_cluster: true, calico_node_selector: \"a!=b\"}\n",
     "t.yaml:6: inventory.kubernetes.calico_node_selector: bad label selector 'a!=b': needs at least one KEY=VALUE "
     "term (e.g. k8s-app=calico-node)"},
    {k_sites + "inventory:\n  kubernetes: {in_cluster: true, calico_node_selector: \"k8s-app=calico node\"}\n",
     "t.yaml:6: inventory.kubernetes.calico_node_selector: bad label selector 'k8s-app=calico node': bad label value "
     "'calico node' (e.g. k8s-app=calico-node)"},
    {k_sites + "inventory:\n  kubernetes: {in_cluster: true, calico_node_selector: \"a=b,,c=d\"}\n",
     "t.yaml:6: inventory.kubernetes.calico_node_selector: bad label selector 'a=b,,c=d': term '' is not KEY=VALUE "
     "or KEY!=VALUE (e.g. k8s-app=calico-node)"},
    {k_sites + "inventory:\n  dns: {domain: {eqiad.wmnet: eqiad}}\n",
     "t.yaml:6: inventory.dns.domain: unknown key (expected one of: domains)"},
    {k_sites + "collector: {listen: \"127.0.0.1:9179\", intervall: 5s}\n",
     "t.yaml:5: collector.intervall: unknown key (expected one of: listen, interval, tls, token_file)"},
    // Collector trust (issue 13): TLS needs both files; paths are absolute.
    {k_sites + "collector:\n  tls: {cert: /etc/c.crt}\n", "t.yaml:6: collector.tls: needs both cert and key (missing key)"},
    {k_sites + "collector:\n  tls: {cert: /etc/c.crt, key: /k, ca: /x}\n",
     "t.yaml:6: collector.tls.ca: unknown key (expected one of: cert, key)"},
    {k_sites + "collector:\n  token_file: token\n", "t.yaml:6: collector.token_file: 'token' is not an absolute path"},
    {k_sites + "collector_client:\n  ca: [x]\n", "t.yaml:6: collector_client.ca: expected a string, got a list"},
    {k_sites + "collector_client:\n  token: s3cret\n",
     "t.yaml:6: collector_client.token: unknown key (expected one of: ca, token_file)"},
    {k_sites + "routers: [cr1]\n",
     "t.yaml:5: routers: routers belong to a site: write them under sites.SITE.routers (a router in no site serves "
     "no node)"},
    {k_sites + "netconf: {username: a, username: b}\n", "t.yaml:5: netconf.username: duplicate key"},
    // Bad durations.
    {k_sites + "netconf:\n  rpc_timeout: 30x\n",
     "t.yaml:6: netconf.rpc_timeout: bad duration '30x': unknown unit (use ms, s, m, h, d or w) (examples: 90s, 5m, "
     "1h30m, 30)"},
    {k_sites + "netconf:\n  connect_timeout: -5s\n",
     "t.yaml:6: netconf.connect_timeout: bad duration '-5s': negative (examples: 90s, 5m, 1h30m, 30)"},
    {k_sites + "collector: {interval: 0s}\n", "t.yaml:5: collector.interval: duration must be greater than 0"},
    {k_sites + "collector: {interval: [5s]}\n", "t.yaml:5: collector.interval: expected a string, got a list"},
    // Bad addresses.
    {k_sites + "inventory:\n  static:\n    k1.eqiad.wmnet:\n      site: eqiad\n      addresses: [10.64.32.300]\n",
     "t.yaml:9: inventory.static[k1.eqiad.wmnet].addresses[0]: bad IP address '10.64.32.300'"},
    {k_sites + "inventory:\n  static:\n    k1.eqiad.wmnet: {site: eqiad, addresses: [10.0.0.1, \"::1\", 10.0.0.1]}\n",
     "t.yaml:7: inventory.static[k1.eqiad.wmnet].addresses[2]: address 10.0.0.1 is listed twice"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers:\n      - 10.64.0.256\n",
     "t.yaml:5: sites.eqiad.routers[0]: bad IP address '10.64.0.256'"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers:\n      - {host: cr1, bgp_addresses: [2001:db8::zz]}\n",
     "t.yaml:5: sites.eqiad.routers[0].bgp_addresses[0]: bad IP address '2001:db8::zz'"},
    {k_sites + "collector: {listen: \"localhost:9179\"}\n",
     "t.yaml:5: collector.listen: bad IP address 'localhost' in listen address 'localhost:9179'"},
    {k_sites + "collector: {listen: \"::1:9179\"}\n",
     "t.yaml:5: collector.listen: bad listen address '::1:9179' (ADDRESS:PORT, [IPV6]:PORT)"},
    {"sites:\n  eqiad:\n    asn: 64601\n    subnets:\n      10.64.130.1/24: [lsw1]\n",
     "t.yaml:5: sites.eqiad.subnets[10.64.130.1/24]: bad subnet: prefix '10.64.130.1/24': host bits set"},
    {"sites:\n  eqiad:\n    asn: 64601\n    subnets:\n      \"2620:0:861:130::/64\": [lsw1]\n",
     "t.yaml:5: sites.eqiad.subnets[2620:0:861:130::/64]: subnets are IPv4 prefixes (nodes are matched by their "
     "IPv4 address)"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers: [\"cr1_eqiad\"]\n",
     "t.yaml:4: sites.eqiad.routers[0]: bad host name 'cr1_eqiad'"},
    // Bad ports.
    {"sites:\n  eqiad:\n    asn: 64601\n    routers: [\"cr1:0\"]\n",
     "t.yaml:4: sites.eqiad.routers[0]: bad port '0' (1..65535)"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers: [\"cr1:65536\"]\n",
     "t.yaml:4: sites.eqiad.routers[0]: bad port '65536' (1..65535)"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers: [\"cr1:ssh\"]\n",
     "t.yaml:4: sites.eqiad.routers[0]: bad port 'ssh' (1..65535)"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers: [\"[2001:db8::2]:99999\"]\n",
     "t.yaml:4: sites.eqiad.routers[0]: bad port '99999' (1..65535)"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers:\n      - name: cr2\n        host: cr2.example.org\n        port: -1\n",
     "t.yaml:7: sites.eqiad.routers[0].port: bad port '-1' (1..65535)"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers: [\"2001:db8::zz:830\"]\n",
     "t.yaml:4: sites.eqiad.routers[0]: bad router '2001:db8::zz:830': an IPv6 address with a port is written "
     "[2001:db8::2]:830"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers: [\"[10.0.0.1]:830\"]\n",
     "t.yaml:4: sites.eqiad.routers[0]: bad router '[10.0.0.1]:830': only IPv6 addresses are written in [brackets]"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers: [{host: \"[2001:db8::2]\"}]\n",
     "t.yaml:4: sites.eqiad.routers[0].host: write the address without [brackets] in the map form"},
    {k_sites + "collector: {listen: \"[::1]:0\"}\n", "t.yaml:5: collector.listen: bad port '0' (1..65535)"},
    // Bad AS numbers.
    {"sites:\n  eqiad:\n    asn: 0\n    routers: [cr1]\n", "t.yaml:3: sites.eqiad.asn: AS 0 is reserved (RFC 7607)"},
    {"sites:\n  eqiad:\n    asn: 4294967296\n    routers: [cr1]\n",
     "t.yaml:3: sites.eqiad.asn: AS number 4294967296 out of range (1..4294967295)"},
    {"sites:\n  eqiad:\n    asn: 99999999999999999999999\n    routers: [cr1]\n",
     "t.yaml:3: sites.eqiad.asn: AS number 99999999999999999999999 out of range (1..4294967295)"},
    {"sites:\n  eqiad:\n    asn: AS64601\n    routers: [cr1]\n",
     "t.yaml:3: sites.eqiad.asn: bad AS number 'AS64601' (1..4294967295)"},
    {"sites:\n  eqiad:\n    asn: -1\n    routers: [cr1]\n", "t.yaml:3: sites.eqiad.asn: bad AS number '-1' (1..4294967295)"},
    {"sites:\n  eqiad:\n    asn: 1.10\n    routers: [cr1]\n",
     "t.yaml:3: sites.eqiad.asn: bad AS number '1.10' (1..4294967295)"},
    {"sites:\n  eqiad:\n    routers: [cr1]\n",
     "t.yaml:3: sites.eqiad.asn: missing (the AS the site's nodes use toward the routers)"},
    // References to sites that do not exist.
    {k_sites + "inventory:\n  static:\n    k1.codfw.wmnet: {site: codfw, addresses: [10.0.0.1]}\n",
     "t.yaml:7: inventory.static[k1.codfw.wmnet].site: unknown site 'codfw' (sites: eqiad)"},
    // ...even when the inventory comes before the sites.
    {"inventory:\n  dns:\n    domains:\n      codfw.wmnet: codfw\n" + k_sites,
     "t.yaml:4: inventory.dns.domains[codfw.wmnet]: unknown site 'codfw' (sites: eqiad)"},
    {k_sites + "inventory:\n  static:\n    k1.eqiad.wmnet: {addresses: [10.0.0.1]}\n",
     "t.yaml:7: inventory.static[k1.eqiad.wmnet].site: missing (every node belongs to a site)"},
    {k_sites + "inventory:\n  static:\n    k1.eqiad.wmnet: {site: eqiad}\n",
     "t.yaml:7: inventory.static[k1.eqiad.wmnet].addresses: missing (a node needs at least one address)"},
    {k_sites + "inventory:\n  static:\n    k1.eqiad.wmnet: {site: eqiad, addresses: []}\n",
     "t.yaml:7: inventory.static[k1.eqiad.wmnet].addresses: node has no addresses"},
    {k_sites + "inventory:\n  static:\n    k1_bad: {site: eqiad, addresses: [10.0.0.1]}\n",
     "t.yaml:7: inventory.static.k1_bad: bad node name 'k1_bad' (a DNS name, e.g. kubernetes1003.eqiad.wmnet)"},
    // Duplicate router names with different hosts.
    {"sites:\n"
     "  eqiad: {asn: 64601, routers: [cr1-eqiad.wikimedia.org]}\n"
     "  codfw:\n"
     "    asn: 64602\n"
     "    routers:\n"
     "      - cr2-codfw.wikimedia.org\n"
     "      - {name: cr1-eqiad, host: cr1-codfw.wikimedia.org}\n",
     "t.yaml:7: sites.codfw.routers[1]: router name 'cr1-eqiad' is already used for cr1-eqiad.wikimedia.org:830 "
     "(sites.eqiad.routers[0])"},
    {"sites:\n  eqiad: {asn: 64601, routers: [cr1.a.org, \"cr1.a.org:831\"]}\n",
     "t.yaml:2: sites.eqiad.routers[1]: router name 'cr1' is already used for cr1.a.org:830 (sites.eqiad.routers[0])"},
    {"sites:\n  eqiad: {asn: 64601, routers: [cr1.a.org, cr1.a.org]}\n",
     "t.yaml:2: sites.eqiad.routers[1]: router 'cr1' is listed twice"},
    // Empty sites.
    {"", "t.yaml:1: sites: no sites configured (the file is empty)"},
    {"# only a comment\n", "t.yaml:1: sites: no sites configured (the file is empty)"},
    {"sites: {}\n", "t.yaml:1: sites: no sites configured"},
    {"sites:\n", "t.yaml:1: sites: no sites configured"},
    {"netconf: {username: x}\n", "t.yaml:1: sites: no sites configured"},
    {"sites:\n  eqiad: {asn: 64601}\n", "t.yaml:2: sites.eqiad.routers: site 'eqiad' has no routers"},
    {"sites:\n  eqiad: {asn: 64601, routers: []}\n", "t.yaml:2: sites.eqiad.routers: empty list of routers"},
    // YAML syntax errors.
    {"sites:\n  eqiad: {asn: 64601, routers: [cr1\n", "t.yaml:3: YAML syntax error: end of sequence flow not found"},
    {"sites:\n  eqiad:\n    asn: 64601\n   routers: [cr1]\n",
     "t.yaml:4: YAML syntax error: end of map not found"},
    {"sites: a: b\n", "t.yaml:1: YAML syntax error: illegal map value"},
    // Wrong types.
    {"- sites\n", "t.yaml:1: expected a map of sections (sites, netconf, inventory, collector), got a list"},
    {"sites: [eqiad]\n", "t.yaml:1: sites: expected a map, got a list"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers: {cr1: 830}\n",
     "t.yaml:4: sites.eqiad.routers: expected a list, got a map"},
    {"sites:\n  eqiad:\n    asn: [64601]\n    routers: [cr1]\n", "t.yaml:3: sites.eqiad.asn: expected a string, got a list"},
    {"sites:\n  eqiad:\n    asn: 64601\n    routers: [[cr1]]\n",
     "t.yaml:4: sites.eqiad.routers[0]: expected HOST[:PORT] or {name, host, port}, got a list"},
    {k_sites + "inventory:\n  static: [k1.eqiad.wmnet]\n", "t.yaml:6: inventory.static: expected a map, got a list"},
    {k_sites + "inventory: [static]\n", "t.yaml:5: inventory: expected a map, got a list"},
    {k_sites + "netconf: bgpwatch\n", "t.yaml:5: netconf: expected a map, got a scalar"},
    {k_sites + "netconf:\n  username:\n", "t.yaml:6: netconf.username: expected a string, got nothing (null)"},
    {k_sites + "netconf:\n  username: \"\"\n", "t.yaml:6: netconf.username: must not be empty"},
    {k_sites + "netconf:\n  max_reply_bytes: 10\n",
     "t.yaml:6: netconf.max_reply_bytes: byte count 10 out of range (1024..1073741824)"},
    {"? [a, b]\n: c\n", "t.yaml:1: map keys must be plain strings, got a list"},
    // Kubernetes source shape.
    {k_sites + "inventory:\n  kubernetes: {site_label: x}\n",
     "t.yaml:6: inventory.kubernetes: needs kubeconfig: PATH or in_cluster: true"},
    {k_sites + "inventory:\n  kubernetes: {kubeconfig: /k, in_cluster: true}\n",
     "t.yaml:6: inventory.kubernetes: set either kubeconfig or in_cluster: true, not both"},
    {k_sites + "inventory:\n  kubernetes: {in_cluster: yes}\n",
     "t.yaml:6: inventory.kubernetes.in_cluster: expected true or false, got 'yes'"},
    {k_sites + "inventory:\n  dns: {domains: {}}\n", "t.yaml:6: inventory.dns.domains: no domains"},
    {k_sites + "inventory:\n  dns: {}\n", "t.yaml:6: inventory.dns.domains: missing (FQDN suffix -> site)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.yaml);
    CHECK(error_of(c.yaml) == c.error);
  }
}

TEST_CASE("config: pathological input is refused before the YAML parser")
{
  CHECK(error_of(std::string(20000, '[')) == "t.yaml: nested deeper than 32 levels: not a bgpwatch configuration");
  std::string compact;
  for (int i = 0; i < 40; ++i) {
    compact += "- ";
  }
  CHECK(error_of(compact + "x\n") == "t.yaml: nested deeper than 32 levels: not a bgpwatch configuration");
  CHECK(error_of(std::string("sites: {}\0", 10)) == "t.yaml: file contains a NUL byte: not a YAML text file");
  CHECK(error_of(k_sites + "#" + std::string(1u << 20, 'x') + "\n")
        == "t.yaml: file is larger than 1 MiB: refusing to parse it");
}

TEST_CASE("config: load_config_file errors name the path")
{
  auto missing = load_config_file("/nonexistent/bgpwatch.yaml");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().to_string() == "/nonexistent/bgpwatch.yaml: cannot read configuration: No such file or directory");
  CHECK(missing.error().line == 0);

  auto dir = load_config_file("/");
  REQUIRE_FALSE(dir.has_value());
  CHECK(dir.error().to_string() == "/: cannot read configuration: Is a directory");

  const auto tmp = std::filesystem::temp_directory_path() / ("bgpwatch-config-" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  {
    std::ofstream big(tmp / "big.yaml");
    big << k_sites << "#" << std::string((1u << 20) + 1, 'x') << "\n";
  }
  auto too_big = load_config_file((tmp / "big.yaml").string());
  REQUIRE_FALSE(too_big.has_value());
  CHECK(too_big.error().to_string() == (tmp / "big.yaml").string() + ": file is larger than 1 MiB: refusing to parse it");

  {
    std::ofstream bad(tmp / "bad.yaml");
    bad << k_sites << "collector: {interval: soon}\n";
  }
  auto bad = load_config_file((tmp / "bad.yaml").string());
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().to_string()
        == (tmp / "bad.yaml").string()
             + ":5: collector.interval: bad duration 'soon': expected a number (examples: 90s, 5m, 1h30m, 30)");
  CHECK(bad.error().file == (tmp / "bad.yaml").string());
  CHECK(bad.error().line == 5);
  CHECK(bad.error().key == "collector.interval");

  if (::geteuid() != 0) {
    std::filesystem::permissions(tmp / "bad.yaml", std::filesystem::perms::none);
    auto unreadable = load_config_file((tmp / "bad.yaml").string());
    REQUIRE_FALSE(unreadable.has_value());
    CHECK(unreadable.error().to_string() == (tmp / "bad.yaml").string() + ": cannot read configuration: Permission denied");
  }
  std::filesystem::remove_all(tmp);
}

TEST_CASE("config: resolve_config_path: --config, then $BGPWATCH_CONFIG, then /etc")
{
  const char* saved = std::getenv("BGPWATCH_CONFIG");
  const std::string saved_value = saved ? saved : "";

  ::unsetenv("BGPWATCH_CONFIG");
  CHECK(resolve_config_path(std::nullopt) == "/etc/bgpwatch/config.yaml");
  ::setenv("BGPWATCH_CONFIG", "/tmp/from-env.yaml", 1);
  CHECK(resolve_config_path(std::nullopt) == "/tmp/from-env.yaml");
  CHECK(resolve_config_path(std::string("/tmp/from-cli.yaml")) == "/tmp/from-cli.yaml");
  ::setenv("BGPWATCH_CONFIG", "", 1);
  CHECK(resolve_config_path(std::nullopt) == "/etc/bgpwatch/config.yaml");

  if (saved) {
    ::setenv("BGPWATCH_CONFIG", saved_value.c_str(), 1);
  } else {
    ::unsetenv("BGPWATCH_CONFIG");
  }
}
