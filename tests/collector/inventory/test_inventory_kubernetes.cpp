// tests/collector/test_inventory_kubernetes.cpp: the Kubernetes inventory
// source against a real HTTPS server with real TLS verification:
// tests/e2e/k8s_api_server.py (started here as a subprocess) generates a
// per-run test CA, a server certificate for IP 127.0.0.1, a client
// certificate, an unrelated second CA and a token, and serves the v1 Node
// objects of fixtures/kubernetes/nodes.json. Also: kubeconfig parsing and
// Node object parsing.
#include "collector/inventory/kubernetes_config.hpp"
#include "collector/inventory/inventory.hpp"
#include "collector/inventory/kubernetes_source.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace bgpwatch;
using namespace bgpwatch::collector;
namespace fs = std::filesystem;

namespace {

fs::path source_dir()
{
  if (const char* env = std::getenv("BGPWATCH_SOURCE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  const auto beside = fs::path(__FILE__).parent_path().parent_path().parent_path();
  return fs::exists(beside / "fixtures") ? beside : fs::current_path();
}

std::string slurp(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string base64(const std::string& in)
{
  static constexpr char k_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8)
                       | static_cast<unsigned char>(in[i + 2]);
    out += {k_chars[v >> 18], k_chars[(v >> 12) & 63], k_chars[(v >> 6) & 63], k_chars[v & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {k_chars[v >> 18], k_chars[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {k_chars[v >> 18], k_chars[(v >> 12) & 63], k_chars[(v >> 6) & 63], '='};
  }
  return out;
}

// The API server subprocess for one test case: started in the constructor,
// stopped (stdin closed, then SIGTERM if needed) in the destructor.
class ApiServer
{
public:
  ApiServer()
  {
    m_dir = fs::temp_directory_path() / ("bgpwatch-k8s-" + std::to_string(::getpid()) + "-" + std::to_string(++s_count));
    fs::create_directories(m_dir);
    int in_pipe[2];
    int out_pipe[2];
    REQUIRE(::pipe(in_pipe) == 0);
    REQUIRE(::pipe(out_pipe) == 0);
    const std::string script = (source_dir() / "tests/e2e/k8s_api_server.py").string();
    const std::string nodes = (source_dir() / "fixtures/kubernetes/nodes.json").string();
    m_pid = ::fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) {
      ::dup2(in_pipe[0], 0);
      ::dup2(out_pipe[1], 1);
      ::close(in_pipe[1]);
      ::close(out_pipe[0]);
      ::execl("/usr/bin/python3", "python3", script.c_str(), m_dir.c_str(), nodes.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    m_stdin = in_pipe[1];
    // Blocks until the server prints its ports (or exits: EOF).
    FILE* out = ::fdopen(out_pipe[0], "r");
    char line[128] = {};
    const bool got = std::fgets(line, sizeof(line), out) != nullptr;
    std::fclose(out);
    REQUIRE(got);
    unsigned https = 0;
    unsigned silent = 0;
    REQUIRE(std::sscanf(line, "READY %u %u", &https, &silent) == 2);
    m_port = static_cast<std::uint16_t>(https);
    m_silent_port = static_cast<std::uint16_t>(silent);
  }

  ~ApiServer()
  {
    ::close(m_stdin);
    int status = 0;
    for (int i = 0; i < 100 && ::waitpid(m_pid, &status, WNOHANG) == 0; ++i) {
      ::usleep(50'000); // polling the child's exit, bounded at 5 s
      if (i == 60) {
        ::kill(m_pid, SIGTERM);
      }
    }
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
  }

  const fs::path& dir() const
  {
    return m_dir;
  }
  std::uint16_t port() const
  {
    return m_port;
  }
  std::uint16_t silent_port() const
  {
    return m_silent_port;
  }
  std::string url() const
  {
    return "https://127.0.0.1:" + std::to_string(m_port);
  }
  std::string where() const
  {
    return "127.0.0.1:" + std::to_string(m_port);
  }
  std::string token() const
  {
    std::string t = slurp(m_dir / "token");
    while (!t.empty() && t.back() == '\n') {
      t.pop_back();
    }
    return t;
  }
  std::string requests() const
  {
    return slurp(m_dir / "requests.log");
  }

  // Writes a kubeconfig into the server's directory and returns its path.
  std::string kubeconfig(const std::string& name, const std::string& cluster_fields, const std::string& user_fields)
  {
    const fs::path p = m_dir / name;
    std::ofstream out(p);
    out << "apiVersion: v1\n"
           "kind: Config\n"
           "preferences: {}\n"
           "current-context: bgpwatch@test\n"
           "contexts:\n"
           "- name: other\n"
           "  context: {cluster: nowhere, user: nobody}\n"
           "- name: bgpwatch@test\n"
           "  context:\n"
           "    cluster: test\n"
           "    user: bgpwatch\n"
           "    namespace: default\n"
           "clusters:\n"
           "- name: nowhere\n"
           "  cluster: {server: \"https://192.0.2.1:6443\"}\n"
           "- name: test\n"
           "  cluster:\n"
        << cluster_fields
        << "users:\n"
           "- name: bgpwatch\n"
           "  user:\n"
        << user_fields;
    return p.string();
  }

  std::string cert_kubeconfig()
  {
    return kubeconfig("cert.kubeconfig",
                      "    server: " + url() + "\n    certificate-authority-data: " + base64(slurp(m_dir / "ca.crt"))
                        + "\n",
                      "    client-certificate-data: " + base64(slurp(m_dir / "client.crt"))
                        + "\n    client-key-data: " + base64(slurp(m_dir / "client.key")) + "\n");
  }

  std::string token_kubeconfig()
  {
    // A relative certificate-authority path is relative to the kubeconfig.
    return kubeconfig("token.kubeconfig", "    server: " + url() + "/k8s/\n    certificate-authority: ca.crt\n",
                      "    token: " + token() + "\n");
  }

private:
  static inline int s_count = 0;
  fs::path m_dir;
  pid_t m_pid = -1;
  int m_stdin = -1;
  std::uint16_t m_port = 0;
  std::uint16_t m_silent_port = 0;
};

bgp::Address addr(const char* text)
{
  return *bgp::Address::parse(text);
}

SteadyClock::time_point soon()
{
  return SteadyClock::now() + std::chrono::seconds(10);
}

const char* const k_sites = "sites:\n"
                            "  eqiad: {asn: 64601, routers: [cr1-eqiad.wikimedia.org]}\n"
                            "  codfw: {asn: 64602, routers: [cr1-codfw.wikimedia.org]}\n";

Config config_with_kubeconfig(const std::string& kubeconfig)
{
  auto c = parse_config(std::string(k_sites) + "inventory:\n  kubernetes: {kubeconfig: " + kubeconfig + "}\n", "t.yaml");
  INFO((c ? std::string() : c.error().to_string()));
  REQUIRE(c.has_value());
  return *c;
}

} // namespace

TEST_CASE("kubernetes: resolve an FQDN with a client certificate from a kubeconfig")
{
  ApiServer api;
  Inventory inv(config_with_kubeconfig(api.cert_kubeconfig()));
  auto node = inv.resolve("kubernetes1003.eqiad.wmnet", soon());
  INFO((node ? std::string() : node.error().message));
  REQUIRE(node.has_value());
  CHECK(node->name == "kubernetes1003.eqiad.wmnet");
  CHECK(node->site == "eqiad");
  CHECK(node->addresses == std::vector<bgp::Address>{addr("10.64.32.23"), addr("2620:0:861:103:10:64:32:23")});
  CHECK(node->cordoned == std::optional<bool>(false));
  CHECK(node->source == "kubernetes");

  auto cordoned = inv.resolve("kubernetes1004.eqiad.wmnet", soon());
  REQUIRE(cordoned.has_value());
  CHECK(cordoned->cordoned == std::optional<bool>(true));

  // ExternalIP and Hostname entries are not session addresses.
  auto v4only = inv.resolve("kubernetes2003.codfw.wmnet", soon());
  REQUIRE(v4only.has_value());
  CHECK(v4only->addresses == std::vector<bgp::Address>{addr("10.192.0.23")});
  CHECK(v4only->site == "codfw");

  CHECK(api.requests()
        == "cert /api/v1/nodes/kubernetes1003.eqiad.wmnet\n"
           "cert /api/v1/nodes/kubernetes1004.eqiad.wmnet\n"
           "cert /api/v1/nodes/kubernetes2003.codfw.wmnet\n");
}

TEST_CASE("kubernetes: a site's nodes with a label (roll --selector), filtered by the API server")
{
  ApiServer api;
  auto endpoint = load_kubeconfig(api.cert_kubeconfig());
  REQUIRE(endpoint.has_value());
  const std::string site_label = "topology.kubernetes.io/region";
  auto names = [](const std::vector<Node>& nodes) {
    std::vector<std::string> out;
    for (const auto& n : nodes) {
      out.push_back(n.name);
    }
    std::sort(out.begin(), out.end());
    return out;
  };

  auto zone = list_kubernetes_nodes_labelled(*endpoint, site_label, "eqiad", "topology.kubernetes.io/zone=eqiad-row-a",
                                             soon());
  REQUIRE(zone.has_value());
  // kubernetes1005.eqiad.wmnet has no region label: not of the site.
  CHECK(names(*zone) == std::vector<std::string>{"kubernetes1003.eqiad.wmnet", "kubernetes1004.eqiad.wmnet",
                                                  "kubernetes2005.eqiad.wmnet"});
  auto codfw = list_kubernetes_nodes_labelled(*endpoint, site_label, "codfw", "node.kubernetes.io/disk-type=ssd",
                                              soon());
  REQUIRE(codfw.has_value());
  CHECK(names(*codfw) == std::vector<std::string>{"kubernetes2003.codfw.wmnet", "kubernetes2005.codfw.wmnet"});
  // A label of another site's zone selects nothing in this one.
  auto none = list_kubernetes_nodes_labelled(*endpoint, site_label, "eqiad", "topology.kubernetes.io/zone=codfw-row-a",
                                             soon());
  REQUIRE(none.has_value());
  CHECK(none->empty());
  // One request each, the site and the label both in the selector.
  CHECK(api.requests()
        == "cert /api/v1/nodes?labelSelector=topology.kubernetes.io%2Fregion%3Deqiad%2Ctopology.kubernetes.io%2Fzone%3Deqiad-row-a\n"
           "cert /api/v1/nodes?labelSelector=topology.kubernetes.io%2Fregion%3Dcodfw%2Cnode.kubernetes.io%2Fdisk-type%3Dssd\n"
           "cert /api/v1/nodes?labelSelector=topology.kubernetes.io%2Fregion%3Deqiad%2Ctopology.kubernetes.io%2Fzone%3Dcodfw-row-a\n");

  // An API error is an error, not an empty selection.
  const auto kc = api.kubeconfig("anonymous.kubeconfig",
                                 "    server: " + api.url() + "\n    certificate-authority-data: "
                                   + base64(slurp(fs::path(api.cert_kubeconfig()).parent_path() / "ca.crt")) + "\n",
                                 "    {}\n");
  auto refused = list_kubernetes_nodes_labelled(*load_kubeconfig(kc), site_label, "eqiad", "a=b", soon());
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().find("HTTP 401 Unauthorized") != std::string::npos);
}

TEST_CASE("kubernetes: short names, ambiguity, unknown nodes, missing labels (token auth)")
{
  ApiServer api;
  const std::string kubeconfig = api.token_kubeconfig();
  Inventory inv(config_with_kubeconfig(kubeconfig));
  const std::string origin = api.url() + "/k8s/ (kubeconfig " + kubeconfig + ", context bgpwatch@test)";

  auto node = inv.resolve("kubernetes1003", soon());
  INFO((node ? std::string() : node.error().message));
  REQUIRE(node.has_value());
  CHECK(node->name == "kubernetes1003.eqiad.wmnet");

  auto ambiguous = inv.resolve("kubernetes2005", soon());
  REQUIRE_FALSE(ambiguous.has_value());
  CHECK(ambiguous.error().message
        == "node name 'kubernetes2005' is ambiguous in kubernetes: kubernetes2005.codfw.wmnet, "
           "kubernetes2005.eqiad.wmnet (use the full name)");

  auto unknown = inv.resolve("kubernetes1099.eqiad.wmnet", soon());
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message == "unknown node 'kubernetes1099.eqiad.wmnet' (tried kubernetes: not found)");
  auto unknown_short = inv.resolve("kubernetes1099", soon());
  REQUIRE_FALSE(unknown_short.has_value());
  CHECK(unknown_short.error().message == "unknown node 'kubernetes1099' (tried kubernetes: not found)");

  auto unlabelled = inv.resolve("kubernetes1005.eqiad.wmnet", soon());
  REQUIRE_FALSE(unlabelled.has_value());
  CHECK(unlabelled.error().message
        == "unknown node 'kubernetes1005.eqiad.wmnet' (tried kubernetes: " + origin
             + ": node kubernetes1005.eqiad.wmnet has no label topology.kubernetes.io/region (the site))");
  auto unlabelled_short = inv.resolve("kubernetes1005", soon());
  REQUIRE_FALSE(unlabelled_short.has_value());
  CHECK(unlabelled_short.error().message
        == "unknown node 'kubernetes1005' (tried kubernetes: " + origin
             + ": node kubernetes1005.eqiad.wmnet has no label topology.kubernetes.io/region (the site))");

  // --site: a label selector, and cordoned state kept for NRPE site mode.
  auto eqiad = inv.nodes(std::string("eqiad"), soon());
  REQUIRE(eqiad.has_value());
  std::vector<std::string> names;
  for (const auto& n : *eqiad) {
    names.push_back(n.name + (n.cordoned.value_or(false) ? " (cordoned)" : ""));
  }
  CHECK(names
        == std::vector<std::string>{"kubernetes1003.eqiad.wmnet", "kubernetes1004.eqiad.wmnet (cordoned)",
                                    "kubernetes2005.eqiad.wmnet"});
  const std::string log = api.requests();
  CHECK(log.find("token /k8s/api/v1/nodes?labelSelector=topology.kubernetes.io%2Fregion%3Deqiad\n")
        != std::string::npos);
  CHECK(log.find("token /k8s/api/v1/nodes/kubernetes1099.eqiad.wmnet\n") != std::string::npos);
}

TEST_CASE("kubernetes: TLS verification fails closed")
{
  ApiServer api;
  const std::string ca = base64(slurp(api.dir() / "ca.crt"));
  const std::string user = "    token: " + api.token() + "\n";

  SECTION("a kubeconfig trusting another CA is refused")
  {
    const auto kc = api.kubeconfig("wrong-ca.kubeconfig",
                                   "    server: " + api.url() + "\n    certificate-authority: "
                                     + (api.dir() / "other-ca.crt").string() + "\n",
                                   user);
    Inventory inv(config_with_kubeconfig(kc));
    auto r = inv.resolve("kubernetes1003.eqiad.wmnet", soon());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message
          == "unknown node 'kubernetes1003.eqiad.wmnet' (tried kubernetes: TLS handshake with " + api.where()
               + " failed: certificate verify failed: self-signed certificate in certificate chain)");
    CHECK(api.requests().empty());
  }
  SECTION("a certificate for 127.0.0.1 does not authenticate the name localhost")
  {
    const auto kc = api.kubeconfig("name.kubeconfig",
                                   "    server: https://localhost:" + std::to_string(api.port())
                                     + "\n    certificate-authority-data: " + ca + "\n",
                                   user);
    auto source = make_kubernetes_source(*load_kubeconfig(kc), "topology.kubernetes.io/region");
    auto r = source->find("kubernetes1003.eqiad.wmnet", soon());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error()
          == "TLS handshake with localhost:" + std::to_string(api.port())
               + " failed: certificate verify failed: hostname mismatch");
  }
  SECTION("tls-server-name must match the certificate too")
  {
    const auto kc = api.kubeconfig("sni.kubeconfig",
                                   "    server: " + api.url() + "\n    tls-server-name: kubernetes.default\n"
                                     + "    certificate-authority-data: " + ca + "\n",
                                   user);
    auto source = make_kubernetes_source(*load_kubeconfig(kc), "topology.kubernetes.io/region");
    auto r = source->find("kubernetes1003.eqiad.wmnet", soon());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error()
          == "TLS handshake with " + api.where() + " failed: certificate verify failed: hostname mismatch");
  }
  SECTION("insecure-skip-tls-verify is refused before connecting")
  {
    const auto kc = api.kubeconfig("insecure.kubeconfig",
                                   "    server: " + api.url() + "\n    insecure-skip-tls-verify: true\n", user);
    auto e = load_kubeconfig(kc);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error()
          == "kubeconfig " + kc
               + ": cluster 'test' sets insecure-skip-tls-verify: refused (bgpwatch always verifies the API server's "
                 "certificate; set certificate-authority or certificate-authority-data)");
    Inventory inv(config_with_kubeconfig(kc));
    auto r = inv.resolve("kubernetes1003.eqiad.wmnet", soon());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message == "unknown node 'kubernetes1003.eqiad.wmnet' (tried kubernetes: " + e.error() + ")");
    CHECK(api.requests().empty());
  }
  SECTION("without credentials the API answers 401, reported with its Status message")
  {
    const auto kc = api.kubeconfig("anonymous.kubeconfig",
                                   "    server: " + api.url() + "\n    certificate-authority-data: " + ca + "\n",
                                   "    {}\n");
    auto source = make_kubernetes_source(*load_kubeconfig(kc), "topology.kubernetes.io/region");
    auto r = source->find("kubernetes1003.eqiad.wmnet", soon());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == api.url() + " (kubeconfig " + kc + ", context bgpwatch@test): HTTP 401 Unauthorized: Unauthorized");
  }
}

TEST_CASE("kubernetes: a slow server hits the deadline")
{
  ApiServer api;
  auto source = make_kubernetes_source(*load_kubeconfig(api.cert_kubeconfig()), "topology.kubernetes.io/region");

  // The server answers this node after 60 s; we give it half a second.
  const auto start = SteadyClock::now();
  auto r = source->find("slow.eqiad.wmnet", start + std::chrono::milliseconds(500));
  const auto waited = SteadyClock::now() - start;
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == "reading the response from " + api.where() + ": deadline reached (timed out)");
  CHECK(waited < std::chrono::seconds(20)); // did not wait for the server's answer

  // A server that accepts TCP but never speaks TLS.
  auto kc = load_kubeconfig(api.cert_kubeconfig());
  REQUIRE(kc.has_value());
  kc->target.port = api.silent_port();
  auto silent = make_kubernetes_source(*kc, "topology.kubernetes.io/region");
  auto s = silent->find("kubernetes1003.eqiad.wmnet", SteadyClock::now() + std::chrono::milliseconds(300));
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error() == "TLS handshake with 127.0.0.1:" + std::to_string(api.silent_port())
                       + ": deadline reached (timed out)");

  // A deadline already past: nothing is attempted.
  auto late = source->find("kubernetes1003.eqiad.wmnet", SteadyClock::now() - std::chrono::seconds(1));
  REQUIRE_FALSE(late.has_value());
  CHECK(late.error() == "connecting to " + api.where() + ": deadline reached (timed out)");
}

TEST_CASE("kubernetes: in-cluster service account")
{
  ApiServer api;
  const fs::path sa = api.dir() / "serviceaccount";
  fs::create_directories(sa);
  fs::copy_file(api.dir() / "ca.crt", sa / "ca.crt");
  {
    std::ofstream(sa / "token") << api.token() << "\n";
  }
  ::setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", std::to_string(api.port()).c_str(), 1);
  auto e = in_cluster_endpoint(sa.string());
  REQUIRE(e.has_value());
  CHECK(e->origin == api.url() + " (in-cluster service account)");
  auto source = make_kubernetes_source(*e, "topology.kubernetes.io/region");
  auto r = source->find("kubernetes1003.eqiad.wmnet", soon());
  REQUIRE(r.has_value());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].addresses.size() == 2);
  CHECK(api.requests() == "token /api/v1/nodes/kubernetes1003.eqiad.wmnet\n");

  ::unsetenv("KUBERNETES_SERVICE_PORT");
  auto missing = in_cluster_endpoint(sa.string());
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error()
        == "in_cluster: KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set (not running in a pod?)");
  ::unsetenv("KUBERNETES_SERVICE_HOST");
}

TEST_CASE("kubernetes: kubeconfig parsing")
{
  const std::string base = "current-context: c\n"
                           "contexts: [{name: c, context: {cluster: k, user: u}}]\n";
  auto parse = [&](const std::string& clusters, const std::string& users) {
    return parse_kubeconfig(base + "clusters: [{name: k, cluster: " + clusters + "}]\nusers: [{name: u, user: " + users
                              + "}]\n",
                            "/etc/bgpwatch/kubeconfig");
  };
  auto ok = parse("{server: \"https://[2001:db8::1]:6443/prefix/\", certificate-authority-data: "
                  + base64("CA PEM") + "}",
                  "{token: abc}");
  REQUIRE(ok.has_value());
  CHECK(ok->target.host == "2001:db8::1");
  CHECK(ok->target.port == 6443);
  CHECK(ok->base_path == "/prefix");
  CHECK(ok->target.ca_pem == std::optional<std::string>("CA PEM"));
  CHECK(ok->token == std::optional<std::string>("abc"));
  CHECK_FALSE(ok->target.client_cert_pem.has_value());

  auto default_port = parse("{server: \"https://api.example.org\"}", "{}");
  REQUIRE(default_port.has_value());
  CHECK(default_port->target.host == "api.example.org");
  CHECK(default_port->target.port == 443);
  CHECK_FALSE(default_port->target.ca_pem.has_value()); // system CA store

  struct Case
  {
    std::string clusters;
    std::string users;
    std::string error;
  };
  const Case cases[] = {
    {"{server: \"http://10.0.0.1:8080\"}", "{}",
     "kubeconfig /etc/bgpwatch/kubeconfig: server http://10.0.0.1:8080 is plain http: refused (bgpwatch only talks "
     "HTTPS to the API)"},
    {"{server: \"https://10.0.0.1:0\"}", "{}",
     "kubeconfig /etc/bgpwatch/kubeconfig: server 'https://10.0.0.1:0': bad port '0'"},
    {"{certificate-authority-data: eA==}", "{}", "kubeconfig /etc/bgpwatch/kubeconfig: cluster 'k' has no server"},
    {"{server: \"https://10.0.0.1\", certificate-authority-data: \"%%%\"}", "{}",
     "kubeconfig /etc/bgpwatch/kubeconfig: certificate-authority-data: bad base64"},
    {"{server: \"https://10.0.0.1\", certificate-authority: /nonexistent/ca.crt}", "{}",
     "kubeconfig /etc/bgpwatch/kubeconfig: cannot read certificate-authority /nonexistent/ca.crt: No such file or "
     "directory"},
    {"{server: \"https://10.0.0.1\"}", "{exec: {command: aws}}",
     "kubeconfig /etc/bgpwatch/kubeconfig: user 'u' uses 'exec', which bgpwatch does not support (use a client "
     "certificate or a token)"},
    {"{server: \"https://10.0.0.1\"}", "{client-certificate-data: " + base64("x") + "}",
     "kubeconfig /etc/bgpwatch/kubeconfig: user 'u' has a client certificate without a key, or a key without one"},
    {"{server: \"https://10.0.0.1\", proxy-url: \"http://proxy:3128\"}", "{}",
     "kubeconfig /etc/bgpwatch/kubeconfig: cluster 'k' sets proxy-url, which bgpwatch does not support"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.clusters, c.users);
    auto r = parse(c.clusters, c.users);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == c.error);
  }
  CHECK(parse_kubeconfig("contexts: []\n", "k").error() == "kubeconfig k: no current-context");
  CHECK(parse_kubeconfig("current-context: x\ncontexts: []\n", "k").error()
        == "kubeconfig k: no context named 'x' in 'contexts'");
  CHECK(load_kubeconfig("/nonexistent/kubeconfig").error()
        == "cannot read kubeconfig /nonexistent/kubeconfig: No such file or directory");
  CHECK(*decode_base64("aGVsbG8=\n") == "hello");
  CHECK(*decode_base64("aGVsbG8gd29ybGQ") == "hello world");
  CHECK(decode_base64("aGVsb=G8").error() == "bad base64");
}

TEST_CASE("kubernetes: Node objects")
{
  auto ok = parse_kubernetes_node(R"({"kind":"Node","metadata":{"name":"n1.eqiad.wmnet",
    "labels":{"site":"eqiad"}},"spec":{"unschedulable":true},"status":{"addresses":[
    {"type":"Hostname","address":"n1"},{"type":"InternalIP","address":"2620:0000:861::0001"},
    {"type":"InternalIP","address":"10.0.0.1"},{"type":"InternalIP","address":"2620:0:861::1"}]}})",
                                  "site");
  REQUIRE(ok.has_value());
  CHECK(*ok == Node{"n1.eqiad.wmnet", "eqiad", {addr("2620:0:861::1"), addr("10.0.0.1")}, true, "kubernetes"});

  CHECK(parse_kubernetes_node(R"({"metadata":{"name":"n2","labels":{"site":"x"}},"status":{"addresses":[]}})", "site")
          .error()
        == "node n2 has no InternalIP address in status.addresses");
  CHECK(parse_kubernetes_node(R"({"metadata":{"name":"n3","labels":{"site":"x"}},"status":{"addresses":[
    {"type":"InternalIP","address":"10.0.0.999"}]}})",
                              "site")
          .error()
        == "node n3: bad InternalIP address '10.0.0.999'");
  CHECK(parse_kubernetes_node(R"({"metadata":{"name":"n4","labels":{"site":"x"}},"spec":{"unschedulable":"yes"}})",
                              "site")
          .error()
        == "node n4: spec.unschedulable is not a boolean");
  CHECK(parse_kubernetes_node(R"({"kind":"Status"})", "site").error() == "not a Node object (no metadata)");
  CHECK(parse_kubernetes_node("{", "site").error().rfind("bad JSON in Node: ", 0) == 0);
}
