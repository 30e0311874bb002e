// collector/inventory/kubernetes_config.cpp: kubeconfig and in-cluster credentials.
// Only what is needed to GET nodes over verified HTTPS; anything that would
// weaken verification is refused, not ignored.
#include "collector/inventory/kubernetes_config.hpp"

#include "bgp/session.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace bgpwatch::collector {

namespace {

// Kubeconfigs, CA bundles and tokens are small; anything bigger is wrong.
constexpr std::size_t k_max_file_bytes = 4u << 20;

Expected<std::string, std::string> read_file(const std::string& path, std::string_view what)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Unexpected("cannot read " + std::string(what) + " " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buf[16384];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max_file_bytes) {
      return Unexpected(std::string(what) + " " + path + " is larger than 4 MiB");
    }
  }
  return text;
}

std::string trim(std::string s)
{
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return "";
  }
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::string resolve_relative(const std::string& file, const std::string& kubeconfig_path)
{
  if (file.empty() || file.front() == '/') {
    return file;
  }
  return (std::filesystem::path(kubeconfig_path).parent_path() / file).string();
}

// Looks up `name` in a kubeconfig list of {name, <field>: {...}}.
Expected<YAML::Node, std::string> named_entry(const YAML::Node& root, const char* list, const char* field,
                                              const std::string& name)
{
  const YAML::Node entries = root[list];
  if (!entries || !entries.IsSequence()) {
    return Unexpected(std::string("no '") + list + "' list");
  }
  for (const auto& e : entries) {
    if (e.IsMap() && e["name"] && e["name"].IsScalar() && e["name"].Scalar() == name) {
      const YAML::Node body = e[field];
      if (!body || !body.IsMap()) {
        return Unexpected(std::string(list) + " entry '" + name + "' has no '" + field + "' map");
      }
      return body;
    }
  }
  return Unexpected(std::string("no ") + field + " named '" + name + "' in '" + list + "'");
}

std::optional<std::string> scalar(const YAML::Node& map, const char* key)
{
  const YAML::Node v = map[key];
  if (v && v.IsScalar() && !v.Scalar().empty()) {
    return v.Scalar();
  }
  return std::nullopt;
}

// A PEM from "<key>-data" (base64) or "<key>" (a file path).
Expected<std::optional<std::string>, std::string> pem_field(const YAML::Node& map, const std::string& key,
                                                            const std::string& kubeconfig_path)
{
  if (auto data = scalar(map, (key + "-data").c_str())) {
    auto decoded = decode_base64(*data);
    if (!decoded) {
      return Unexpected(key + "-data: " + decoded.error());
    }
    return std::optional<std::string>(*decoded);
  }
  if (auto file = scalar(map, key.c_str())) {
    auto text = read_file(resolve_relative(*file, kubeconfig_path), key);
    if (!text) {
      return Unexpected(text.error());
    }
    return std::optional<std::string>(*text);
  }
  return std::optional<std::string>();
}

// "https://HOST[:PORT][/PATH]" with HOST a name, an IPv4 literal or a
// bracketed IPv6 literal.
Expected<void, std::string> parse_server(const std::string& server, KubernetesEndpoint& out)
{
  constexpr std::string_view k_https = "https://";
  if (server.rfind("http://", 0) == 0) {
    return Unexpected("server " + server + " is plain http: refused (bgpwatch only talks HTTPS to the API)");
  }
  if (server.rfind(k_https, 0) != 0) {
    return Unexpected("server '" + server + "' is not an https:// URL");
  }
  std::string_view rest = std::string_view(server).substr(k_https.size());
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  out.base_path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!out.base_path.empty() && out.base_path.back() == '/') {
    out.base_path.pop_back();
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return Unexpected("server '" + server + "': missing ']'");
    }
    out.target.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return Unexpected("server '" + server + "': expected ':PORT' after ']'");
      }
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    out.target.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
    }
  }
  if (out.target.host.empty()) {
    return Unexpected("server '" + server + "' has no host");
  }
  out.target.port = 443;
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      return Unexpected("server '" + server + "': bad port '" + std::string(port_text) + "'");
    }
    out.target.port = static_cast<std::uint16_t>(value);
  }
  return {};
}

Expected<KubernetesEndpoint, std::string> parse_kubeconfig_node(const YAML::Node& root, const std::string& path)
{
  if (!root.IsMap()) {
    return Unexpected(std::string("not a kubeconfig (expected a map)"));
  }
  auto current = scalar(root, "current-context");
  if (!current) {
    return Unexpected(std::string("no current-context"));
  }
  auto context = named_entry(root, "contexts", "context", *current);
  if (!context) {
    return Unexpected(context.error());
  }
  auto cluster_name = scalar(*context, "cluster");
  auto user_name = scalar(*context, "user");
  if (!cluster_name) {
    return Unexpected("context '" + *current + "' names no cluster");
  }
  auto cluster = named_entry(root, "clusters", "cluster", *cluster_name);
  if (!cluster) {
    return Unexpected(cluster.error());
  }

  KubernetesEndpoint out;
  // Fail closed: never talk to an API server we cannot authenticate.
  if (const YAML::Node skip = (*cluster)["insecure-skip-tls-verify"]; skip && skip.IsScalar() && skip.Scalar() == "true") {
    return Unexpected("cluster '" + *cluster_name
                      + "' sets insecure-skip-tls-verify: refused (bgpwatch always verifies the API server's "
                        "certificate; set certificate-authority or certificate-authority-data)");
  }
  if (scalar(*cluster, "proxy-url")) {
    return Unexpected("cluster '" + *cluster_name + "' sets proxy-url, which bgpwatch does not support");
  }
  auto server = scalar(*cluster, "server");
  if (!server) {
    return Unexpected("cluster '" + *cluster_name + "' has no server");
  }
  BGPWATCH_TRY(parse_server(*server, out));
  if (auto name = scalar(*cluster, "tls-server-name")) {
    out.target.verify_name = *name;
  }
  auto ca = pem_field(*cluster, "certificate-authority", path);
  if (!ca) {
    return Unexpected(ca.error());
  }
  out.target.ca_pem = *ca;

  if (user_name) {
    auto user = named_entry(root, "users", "user", *user_name);
    if (!user) {
      return Unexpected(user.error());
    }
    for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
      if ((*user)[unsupported]) {
        return Unexpected("user '" + *user_name + "' uses '" + unsupported
                          + "', which bgpwatch does not support (use a client certificate or a token)");
      }
    }
    auto cert = pem_field(*user, "client-certificate", path);
    if (!cert) {
      return Unexpected(cert.error());
    }
    auto key = pem_field(*user, "client-key", path);
    if (!key) {
      return Unexpected(key.error());
    }
    if (cert->has_value() != key->has_value()) {
      return Unexpected("user '" + *user_name + "' has a client certificate without a key, or a key without one");
    }
    out.target.client_cert_pem = *cert;
    out.target.client_key_pem = *key;
    if (auto token = scalar(*user, "token")) {
      out.token = *token;
    } else if (auto token_file = scalar(*user, "tokenFile")) {
      auto text = read_file(resolve_relative(*token_file, path), "tokenFile");
      if (!text) {
        return Unexpected(text.error());
      }
      out.token = trim(*text);
    }
  }
  out.origin = *server + " (kubeconfig " + path + ", context " + *current + ")";
  return out;
}

} // namespace

Expected<std::string, std::string> decode_base64(std::string_view text)
{
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '+') {
      return 62;
    }
    if (c == '/') {
      return 63;
    }
    return -1;
  };
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      continue;
    }
    if (c == '=') {
      padding = true;
      continue;
    }
    const int v = value(c);
    if (v < 0 || padding) {
      return Unexpected(std::string("bad base64"));
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (bits >= 6) {
    return Unexpected(std::string("bad base64 (truncated)"));
  }
  return out;
}

Expected<KubernetesEndpoint, std::string> parse_kubeconfig(std::string_view yaml_text, const std::string& path)
{
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    auto r = parse_kubeconfig_node(root, path);
    if (!r) {
      return Unexpected("kubeconfig " + path + ": " + r.error());
    }
    return r;
  } catch (const YAML::Exception& e) {
    return Unexpected("kubeconfig " + path + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
}

Expected<KubernetesEndpoint, std::string> load_kubeconfig(const std::string& path)
{
  auto text = read_file(path, "kubeconfig");
  if (!text) {
    return Unexpected(text.error());
  }
  return parse_kubeconfig(*text, path);
}

Expected<void, std::string> check_kubernetes_local(const KubernetesSource& source)
{
  auto e = source.in_cluster ? in_cluster_endpoint() : load_kubeconfig(source.kubeconfig.value_or(""));
  if (!e) {
    return Unexpected("inventory.kubernetes: " + e.error());
  }
  return {};
}

Expected<KubernetesEndpoint, std::string> in_cluster_endpoint(const std::string& service_account_dir)
{
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || *host == '\0' || port == nullptr || *port == '\0') {
    return Unexpected(std::string("in_cluster: KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set (not "
                                  "running in a pod?)"));
  }
  KubernetesEndpoint out;
  const std::string host_text = host;
  const std::string server = "https://" + (host_text.find(':') != std::string::npos ? "[" + host_text + "]" : host_text)
                             + ":" + port;
  auto ok = parse_server(server, out);
  if (!ok) {
    return Unexpected("in_cluster: " + ok.error());
  }
  auto token = read_file(service_account_dir + "/token", "service account token");
  if (!token) {
    return Unexpected("in_cluster: " + token.error());
  }
  out.token = trim(*token);
  auto ca = read_file(service_account_dir + "/ca.crt", "service account CA");
  if (!ca) {
    return Unexpected("in_cluster: " + ca.error());
  }
  out.target.ca_pem = *ca;
  out.origin = server + " (in-cluster service account)";
  return out;
}

std::string kubernetes_http_error(const HttpsResponse& r)
{
  std::string text = "HTTP " + std::to_string(r.status) + (r.reason.empty() ? "" : " " + r.reason);
  const auto j = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    text += ": " + j["message"].get<std::string>(); // a v1 Status; anything else: the status line says enough
  }
  return text;
}

} // namespace bgpwatch::collector
