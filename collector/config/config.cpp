// collector/config/config.cpp: loads and validates the YAML configuration (SPEC
// "Configuration") with yaml-cpp. Strict by design: every unknown key, bad
// value, duplicate key and dangling reference is an error that names the
// file, the 1-based line and the dotted key path, so a typo can never turn
// into a silently ignored setting (and a gate that checks less than the
// operator thinks).
#include "collector/config/config.hpp"

#include "bgp/duration.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sys/stat.h>

namespace bgpwatch::collector {

namespace {

// A configuration is a few kilobytes; a megabyte is a mistake (or an attack
// on the YAML parser), refused before parsing.
constexpr std::size_t k_max_config_bytes = 1u << 20;

// yaml-cpp 0.7 recurses once per nesting level without a limit; a
// pathological document ("[[[[…" or "- - - - …") overflows the stack. Our
// schema is at most ~6 levels deep, so anything deeper than this is refused
// before yaml-cpp sees it.
constexpr int k_max_nesting = 32;

constexpr std::string_view k_default_site_label = "topology.kubernetes.io/region";

using Result = Expected<void, ConfigError>;

// A Kubernetes equality-based label selector ("k8s-app=calico-node",
// "a=b,c!=d"): terms KEY=VALUE, KEY==VALUE or KEY!=VALUE, at least one of
// them an equality (a selector of only exclusions would pick up any pod).
// Keys: an optional DNS-name prefix and '/', then [A-Za-z0-9._-]; values
// [A-Za-z0-9._-], at most 63 characters. Empty when valid, else why not.
std::optional<std::string> label_selector_error(std::string_view selector)
{
  if (selector.empty()) {
    return "empty";
  }
  auto name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
           || c == '-';
  };
  bool any_equality = false;
  std::size_t start = 0;
  while (start <= selector.size()) {
    const auto comma = selector.find(',', start);
    const std::string_view term =
      selector.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const auto op = term.find_first_of("=!");
    if (op == std::string_view::npos || op == 0) {
      return "term '" + std::string(term) + "' is not KEY=VALUE or KEY!=VALUE";
    }
    const std::string_view key = term.substr(0, op);
    std::string_view value;
    if (term.substr(op, 2) == "==" || term.substr(op, 2) == "!=") {
      value = term.substr(op + 2);
      any_equality = any_equality || term[op] == '=';
    } else if (term[op] == '=') {
      value = term.substr(op + 1);
      any_equality = true;
    } else {
      return "term '" + std::string(term) + "' is not KEY=VALUE or KEY!=VALUE";
    }
    const auto slash = key.find('/');
    const std::string_view key_name = slash == std::string_view::npos ? key : key.substr(slash + 1);
    if (key_name.empty() || key_name.size() > 63
        || !std::all_of(key_name.begin(), key_name.end(), name_char)
        || (slash != std::string_view::npos
            && (slash == 0 || !std::all_of(key.begin(), key.begin() + static_cast<std::ptrdiff_t>(slash), name_char)))) {
      return "bad label key '" + std::string(key) + "'";
    }
    if (value.size() > 63 || !std::all_of(value.begin(), value.end(), name_char)) {
      return "bad label value '" + std::string(value) + "'";
    }
    if (comma == std::string_view::npos) {
      break;
    }
    start = comma + 1;
  }
  if (!any_equality) {
    return "needs at least one KEY=VALUE term";
  }
  return std::nullopt;
}

std::size_t line_of(const YAML::Node& node)
{
  const auto mark = node.Mark();
  return mark.line < 0 ? 0 : static_cast<std::size_t>(mark.line) + 1;
}

std::string_view kind_name(const YAML::Node& node)
{
  switch (node.Type()) {
  case YAML::NodeType::Map:
    return "a map";
  case YAML::NodeType::Sequence:
    return "a list";
  case YAML::NodeType::Scalar:
    return "a scalar";
  case YAML::NodeType::Null:
    return "nothing (null)";
  case YAML::NodeType::Undefined:
    break;
  }
  return "nothing";
}

// "sites" + "eqiad" -> "sites.eqiad"; keys that contain dots or slashes
// (FQDNs, prefixes) are bracketed so the path stays readable:
// "inventory.static[kubernetes1003.eqiad.wmnet].site".
std::string join(std::string_view parent, std::string_view key)
{
  const bool plain = !key.empty() && key.find_first_of(".[]/: ") == std::string_view::npos;
  std::string out(parent);
  if (plain) {
    if (!out.empty()) {
      out += '.';
    }
    out += key;
  } else {
    out += '[';
    out += key;
    out += ']';
  }
  return out;
}

std::string index_path(std::string_view parent, std::size_t i)
{
  return std::string(parent) + "[" + std::to_string(i) + "]";
}

bool is_digits(std::string_view s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 1123 host names: labels of letters, digits and hyphens, 1..63
// characters, not starting or ending with a hyphen; at most 253 in all.
bool valid_dns_name(std::string_view name)
{
  if (name.empty() || name.size() > 253) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    const auto dot = name.find('.', start);
    const auto label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) {
        return false;
      }
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

// Router names appear on the command line (--router R, --replay R=FILE),
// in metric labels and in reports: no '=', ',', spaces or quotes.
bool valid_router_name(std::string_view name)
{
  if (name.empty() || name.size() > 253) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
           || c == '_' || c == ':';
  });
}

// Nesting depth of the raw text, counted conservatively: flow brackets
// ('[', '{' anywhere, even inside quotes: over-counting only refuses odd
// files) plus block indentation plus compact "- " / "? " indicators on a
// line. Used only as a safety bound for the recursive YAML parser.
int nesting_estimate(std::string_view text)
{
  int flow = 0;
  int worst = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    // Start of a line: indentation and block indicators.
    int indent = 0;
    while (i < text.size() && text[i] == ' ') {
      ++indent;
      ++i;
    }
    int indicators = 0;
    while (i + 1 < text.size() && (text[i] == '-' || text[i] == '?' || text[i] == ':') && text[i + 1] == ' ') {
      ++indicators;
      i += 2;
      while (i < text.size() && text[i] == ' ') {
        ++i;
      }
    }
    // Indentation of one column per level is the worst case.
    worst = std::max(worst, indent / 2 + indicators + flow);
    for (; i < text.size() && text[i] != '\n'; ++i) {
      const char c = text[i];
      if (c == '[' || c == '{') {
        ++flow;
        worst = std::max(worst, indent / 2 + indicators + flow);
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      }
    }
    ++i; // the newline
  }
  return worst;
}

class Parser
{
public:
  explicit Parser(std::string_view path) : m_path(path)
  {
  }

  Unexpected<ConfigError> fail(const YAML::Node& at, std::string key, std::string message) const
  {
    // yaml-cpp marks an empty (null) value where the next token starts,
    // often the following line; the key that holds it is where the
    // operator looks.
    const std::size_t line = at.IsNull() && m_key_line > 0 ? m_key_line : line_of(at);
    return Unexpected(ConfigError{m_path, line, std::move(key), std::move(message)});
  }

  Result top(const YAML::Node& root, Config& config)
  {
    if (root.IsNull() || !root.IsDefined()) {
      return Unexpected(ConfigError{m_path, 1, "sites", "no sites configured (the file is empty)"});
    }
    if (!root.IsMap()) {
      return fail(root, "", std::string("expected a map of sections (sites, netconf, inventory, collector), got ")
                                + std::string(kind_name(root)));
    }
    bool have_sites = false;
    BGPWATCH_TRY(each_field(root, "", [&](const Field& f) -> Result {
      if (f.key == "sites") {
        have_sites = true;
        return sites(f.value, config);
      }
      if (f.key == "netconf") {
        return netconf(f.value, config.netconf);
      }
      if (f.key == "inventory") {
        return inventory(f.value, config);
      }
      if (f.key == "collector") {
        return collector(f.value, config.collector);
      }
      if (f.key == "collector_client") {
        return collector_client(f.value, config.collector_client);
      }
      if (f.key == "routers") {
        return fail(f.at, f.key,
                    "routers belong to a site: write them under sites.SITE.routers (a router in no site "
                    "serves no node)");
      }
      return unknown_key(f.at, "", f.key, "sites, netconf, inventory, collector, collector_client");
    }));
    if (!have_sites) {
      return fail(root, "sites", "no sites configured");
    }
    return {};
  }

private:
  Unexpected<ConfigError> unknown_key(const YAML::Node& at, std::string_view parent, std::string_view key,
                                      std::string_view allowed) const
  {
    return fail(at, join(parent, key), "unknown key (expected one of: " + std::string(allowed) + ")");
  }

  // Reads a map key as a string, refusing non-scalar keys and duplicates
  // (yaml-cpp keeps both copies of a duplicate key; the YAML spec forbids them).
  Result key_of(const YAML::Node& key_node, std::string_view parent, std::set<std::string>& seen, std::string& out)
  {
    if (!key_node.IsScalar()) {
      return fail(key_node, std::string(parent), "map keys must be plain strings, got " + std::string(kind_name(key_node)));
    }
    out = key_node.Scalar();
    m_key_line = line_of(key_node);
    if (!seen.insert(out).second) {
      return fail(key_node, join(parent, out), "duplicate key");
    }
    return {};
  }

  // One entry of a map being read: its key, the key's node (where an
  // unknown or duplicate key is reported), its value and its dotted path.
  struct Field
  {
    std::string key;
    const YAML::Node& at;
    const YAML::Node& value;
    std::string path;
  };

  // Walks a map: anything else is refused, and so are non-scalar and
  // duplicate keys; then on_field(const Field&) -> Result reads each entry
  // in order, and its first error is the answer. Every section and every
  // keyed list (sites, nodes, subnets, domains) is read through here.
  template <typename OnField>
  Result each_field(const YAML::Node& node, const std::string& path, OnField&& on_field)
  {
    BGPWATCH_TRY(expect_map(node, path));
    std::set<std::string> seen;
    for (const auto& kv : node) {
      std::string key;
      BGPWATCH_TRY(key_of(kv.first, path, seen, key));
      std::string sub = join(path, key);
      BGPWATCH_TRY(on_field(Field{std::move(key), kv.first, kv.second, std::move(sub)}));
    }
    return {};
  }

  Result expect_map(const YAML::Node& node, const std::string& path) const
  {
    if (!node.IsMap()) {
      return fail(node, path, "expected a map, got " + std::string(kind_name(node)));
    }
    return {};
  }

  Result expect_list(const YAML::Node& node, const std::string& path) const
  {
    if (!node.IsSequence()) {
      return fail(node, path, "expected a list, got " + std::string(kind_name(node)));
    }
    return {};
  }

  Result string(const YAML::Node& node, const std::string& path, std::string& out) const
  {
    if (!node.IsScalar()) {
      return fail(node, path, "expected a string, got " + std::string(kind_name(node)));
    }
    out = node.Scalar();
    if (out.empty()) {
      return fail(node, path, "must not be empty");
    }
    return {};
  }

  Result duration(const YAML::Node& node, const std::string& path, std::chrono::milliseconds& out) const
  {
    std::string text;
    BGPWATCH_TRY(string(node, path, text));
    auto d = bgp::parse_duration(text);
    if (!d) {
      return fail(node, path, d.error());
    }
    if (d->count() == 0) {
      return fail(node, path, "duration must be greater than 0");
    }
    out = *d;
    return {};
  }

  Result boolean(const YAML::Node& node, const std::string& path, bool& out) const
  {
    std::string text;
    BGPWATCH_TRY(string(node, path, text));
    if (text == "true") {
      out = true;
    } else if (text == "false") {
      out = false;
    } else {
      return fail(node, path, "expected true or false, got '" + text + "'");
    }
    return {};
  }

  Result unsigned_number(const YAML::Node& node, const std::string& path, std::uint64_t min, std::uint64_t max,
                         std::string_view what, std::uint64_t& out) const
  {
    std::string text;
    BGPWATCH_TRY(string(node, path, text));
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    const std::string range = " (" + std::to_string(min) + ".." + std::to_string(max) + ")";
    if (!is_digits(text) || ptr != text.data() + text.size()) {
      return fail(node, path, "bad " + std::string(what) + " '" + text + "'" + range);
    }
    if (ec == std::errc::result_out_of_range || value > max || value < min) {
      return fail(node, path, std::string(what) + " " + text + " out of range" + range);
    }
    out = value;
    return {};
  }

  Result port(const YAML::Node& node, const std::string& path, std::string_view text, std::uint16_t& out) const
  {
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!is_digits(text) || ptr != text.data() + text.size() || ec != std::errc() || value == 0 || value > 65535) {
      return fail(node, path, "bad port '" + std::string(text) + "' (1..65535)");
    }
    out = static_cast<std::uint16_t>(value);
    return {};
  }

  Result address(const YAML::Node& node, const std::string& path, bgp::Address& out) const
  {
    std::string text;
    BGPWATCH_TRY(string(node, path, text));
    auto a = bgp::Address::parse(text);
    if (!a) {
      return fail(node, path, "bad IP address '" + text + "'");
    }
    out = *a;
    return {};
  }

  Result address_list(const YAML::Node& node, const std::string& path, std::vector<bgp::Address>& out) const
  {
    BGPWATCH_TRY(expect_list(node, path));
    for (std::size_t i = 0; i < node.size(); ++i) {
      bgp::Address a;
      BGPWATCH_TRY(address(node[i], index_path(path, i), a));
      if (std::find(out.begin(), out.end(), a) != out.end()) {
        return fail(node[i], index_path(path, i), "address " + a.to_string() + " is listed twice");
      }
      out.push_back(a);
    }
    return {};
  }

  // A host: an IPv4/IPv6 literal or an RFC 1123 name. Dotted digits that do
  // not parse as IPv4 ("10.64.0.300") are a bad address, not a host name.
  Result host(const YAML::Node& node, const std::string& path, const std::string& text) const
  {
    if (bgp::Address::parse(text)) {
      return {};
    }
    if (text.find(':') != std::string::npos
        || std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
      return fail(node, path, "bad IP address '" + text + "'");
    }
    if (!valid_dns_name(text)) {
      return fail(node, path, "bad host name '" + text + "'");
    }
    return {};
  }

  static std::string name_from_host(const std::string& host)
  {
    if (bgp::Address::parse(host)) {
      return host; // an address literal names itself
    }
    return host.substr(0, host.find('.'));
  }

  // "HOST", "HOST:PORT", "[IPV6]", "[IPV6]:PORT" or a bare IPv6 literal
  // (which then has the default port: "2001:db8::2:830" cannot be split).
  Result router_string(const YAML::Node& node, const std::string& path, RouterConfig& out) const
  {
    std::string text;
    BGPWATCH_TRY(string(node, path, text));
    std::string host_text;
    std::string_view port_text;
    if (text.front() == '[') {
      const auto close = text.find(']');
      if (close == std::string::npos) {
        return fail(node, path, "bad router '" + text + "': missing ']'");
      }
      host_text = text.substr(1, close - 1);
      auto a = bgp::Address::parse(host_text);
      if (!a || a->family() != bgp::Family::ipv6) {
        return fail(node, path, "bad router '" + text + "': only IPv6 addresses are written in [brackets]");
      }
      const std::string_view rest = std::string_view(text).substr(close + 1);
      if (!rest.empty()) {
        if (rest.front() != ':') {
          return fail(node, path, "bad router '" + text + "': expected ':PORT' after ']'");
        }
        port_text = rest.substr(1);
        BGPWATCH_TRY(port(node, path, port_text, out.port));
      }
    } else {
      const auto colons = std::count(text.begin(), text.end(), ':');
      if (colons >= 2) {
        auto a = bgp::Address::parse(text);
        if (!a) {
          return fail(node, path, "bad router '" + text
                                      + "': an IPv6 address with a port is written [2001:db8::2]:830");
        }
        host_text = text;
      } else if (colons == 1) {
        const auto colon = text.find(':');
        host_text = text.substr(0, colon);
        BGPWATCH_TRY(port(node, path, std::string_view(text).substr(colon + 1), out.port));
      } else {
        host_text = text;
      }
      if (host_text.empty()) {
        return fail(node, path, "bad router '" + text + "': no host");
      }
      BGPWATCH_TRY(host(node, path, host_text));
    }
    out.host = host_text;
    out.name = name_from_host(host_text);
    return {};
  }

  Result router_map(const YAML::Node& node, const std::string& path, RouterConfig& out)
  {
    bool have_host = false;
    BGPWATCH_TRY(each_field(node, path, [&](const Field& f) -> Result {
      if (f.key == "name") {
        BGPWATCH_TRY(string(f.value, f.path, out.name));
        if (!valid_router_name(out.name)) {
          return fail(f.value, f.path, "bad router name '" + out.name + "' (letters, digits and - . _ : only)");
        }
      } else if (f.key == "host") {
        BGPWATCH_TRY(string(f.value, f.path, out.host));
        if (out.host.front() == '[') {
          return fail(f.value, f.path, "write the address without [brackets] in the map form");
        }
        BGPWATCH_TRY(host(f.value, f.path, out.host));
        have_host = true;
      } else if (f.key == "port") {
        std::string text;
        BGPWATCH_TRY(string(f.value, f.path, text));
        BGPWATCH_TRY(port(f.value, f.path, text, out.port));
      } else if (f.key == "bgp_addresses") {
        BGPWATCH_TRY(address_list(f.value, f.path, out.bgp_addresses));
      } else {
        return unknown_key(f.at, path, f.key, "name, host, port, bgp_addresses");
      }
      return {};
    }));
    if (!have_host) {
      return fail(node, join(path, "host"), "missing (every router needs a host)");
    }
    if (out.name.empty()) {
      out.name = name_from_host(out.host);
    }
    return {};
  }

  Result router(const YAML::Node& node, const std::string& path, RouterConfig& out)
  {
    if (node.IsMap()) {
      BGPWATCH_TRY(router_map(node, path, out));
    } else if (node.IsScalar()) {
      BGPWATCH_TRY(router_string(node, path, out));
    } else {
      return fail(node, path, "expected HOST[:PORT] or {name, host, port}, got " + std::string(kind_name(node)));
    }
    if (!valid_router_name(out.name)) {
      return fail(node, path, "bad router name '" + out.name + "'");
    }
    // One name, one device: the name is the router's identity in sessions,
    // --router, --replay and metrics.
    auto [it, inserted] = m_routers.emplace(out.name, RouterSeen{out.host, out.port, path});
    if (!inserted && (it->second.host != out.host || it->second.port != out.port)) {
      return fail(node, path,
                  "router name '" + out.name + "' is already used for " + it->second.host + ":"
                      + std::to_string(it->second.port) + " (" + it->second.path + ")");
    }
    return {};
  }

  Result router_list(const YAML::Node& node, const std::string& path, std::vector<RouterConfig>& out)
  {
    BGPWATCH_TRY(expect_list(node, path));
    if (node.size() == 0) {
      return fail(node, path, "empty list of routers");
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
      RouterConfig r;
      BGPWATCH_TRY(router(node[i], index_path(path, i), r));
      for (const auto& other : out) {
        if (other.name == r.name) {
          return fail(node[i], index_path(path, i), "router '" + r.name + "' is listed twice");
        }
      }
      out.push_back(std::move(r));
    }
    return {};
  }

  Result asn(const YAML::Node& node, const std::string& path, std::uint32_t& out) const
  {
    std::string text;
    BGPWATCH_TRY(string(node, path, text));
    if (!is_digits(text)) {
      return fail(node, path, "bad AS number '" + text + "' (1..4294967295)");
    }
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value > 4294967295ull) {
      return fail(node, path, "AS number " + text + " out of range (1..4294967295)");
    }
    if (value == 0) {
      // RFC 7607: AS 0 must not be used in an OPEN.
      return fail(node, path, "AS 0 is reserved (RFC 7607)");
    }
    out = static_cast<std::uint32_t>(value);
    return {};
  }

  Result site(const YAML::Node& node, const std::string& path, SiteConfig& out)
  {
    bool have_asn = false;
    BGPWATCH_TRY(each_field(node, path, [&](const Field& f) -> Result {
      if (f.key == "asn") {
        have_asn = true;
        return asn(f.value, f.path, out.asn);
      }
      if (f.key == "routers") {
        return router_list(f.value, f.path, out.routers);
      }
      if (f.key == "subnets") {
        return each_field(f.value, f.path, [&](const Field& subnet) -> Result {
          auto prefix = bgp::Prefix::parse(subnet.key);
          if (!prefix) {
            return fail(subnet.at, subnet.path, "bad subnet: " + prefix.error());
          }
          if (prefix->network.family() != bgp::Family::ipv4) {
            return fail(subnet.at, subnet.path, "subnets are IPv4 prefixes (nodes are matched by their IPv4 address)");
          }
          SubnetPeering peering{*prefix, {}};
          BGPWATCH_TRY(router_list(subnet.value, subnet.path, peering.routers));
          out.subnets.push_back(std::move(peering));
          return {};
        });
      }
      return unknown_key(f.at, path, f.key, "asn, routers, subnets");
    }));
    if (!have_asn) {
      return fail(node, join(path, "asn"), "missing (the AS the site's nodes use toward the routers)");
    }
    if (out.routers.empty() && out.subnets.empty()) {
      return fail(node, join(path, "routers"), "site '" + out.name + "' has no routers");
    }
    return {};
  }

  Result sites(const YAML::Node& node, Config& config)
  {
    if (node.IsNull() || (node.IsMap() && node.size() == 0)) {
      return fail(node, "sites", "no sites configured");
    }
    return each_field(node, "sites", [&](const Field& f) -> Result {
      if (!valid_router_name(f.key)) {
        return fail(f.at, f.path, "bad site name '" + f.key + "'");
      }
      SiteConfig s;
      s.name = f.key;
      BGPWATCH_TRY(site(f.value, f.path, s));
      config.sites.push_back(std::move(s));
      return {};
    });
  }

  Result netconf(const YAML::Node& node, NetconfConfig& out)
  {
    const std::string path = "netconf";
    return each_field(node, path, [&](const Field& f) -> Result {
      if (f.key == "username") {
        return string(f.value, f.path, out.username);
      }
      if (f.key == "private_key") {
        std::string value;
        BGPWATCH_TRY(string(f.value, f.path, value));
        out.private_key = value;
        return {};
      }
      if (f.key == "known_hosts") {
        return string(f.value, f.path, out.known_hosts);
      }
      if (f.key == "connect_timeout") {
        return duration(f.value, f.path, out.connect_timeout);
      }
      if (f.key == "rpc_timeout") {
        return duration(f.value, f.path, out.rpc_timeout);
      }
      if (f.key == "max_reply_bytes") {
        // 1 KiB .. 1 GiB: below that no real summary fits, above it we
        // would rather fail than hold it in memory.
        return unsigned_number(f.value, f.path, 1024, 1ull << 30, "byte count", out.max_reply_bytes);
      }
      return unknown_key(f.at, path, f.key,
                         "username, private_key, known_hosts, connect_timeout, rpc_timeout, max_reply_bytes");
    });
  }

  Result static_nodes(const YAML::Node& node, const std::string& path, std::vector<StaticNode>& out)
  {
    return each_field(node, path, [&](const Field& nf) -> Result {
      StaticNode n;
      n.name = nf.key;
      if (!valid_dns_name(n.name)) {
        return fail(nf.at, nf.path, "bad node name '" + n.name + "' (a DNS name, e.g. kubernetes1003.eqiad.wmnet)");
      }
      bool have_site = false;
      BGPWATCH_TRY(each_field(nf.value, nf.path, [&](const Field& f) -> Result {
        if (f.key == "site") {
          BGPWATCH_TRY(string(f.value, f.path, n.site));
          have_site = true;
          m_site_refs.push_back({f.value, f.path, n.site});
        } else if (f.key == "addresses") {
          BGPWATCH_TRY(address_list(f.value, f.path, n.addresses));
          if (n.addresses.empty()) {
            return fail(f.value, f.path, "node has no addresses");
          }
        } else {
          return unknown_key(f.at, nf.path, f.key, "site, addresses");
        }
        return {};
      }));
      if (!have_site) {
        return fail(nf.value, join(nf.path, "site"), "missing (every node belongs to a site)");
      }
      if (n.addresses.empty()) {
        return fail(nf.value, join(nf.path, "addresses"), "missing (a node needs at least one address)");
      }
      out.push_back(std::move(n));
      return {};
    });
  }

  Result kubernetes(const YAML::Node& node, const std::string& path, KubernetesSource& out)
  {
    BGPWATCH_TRY(each_field(node, path, [&](const Field& f) -> Result {
      if (f.key == "kubeconfig") {
        std::string value;
        BGPWATCH_TRY(string(f.value, f.path, value));
        out.kubeconfig = value;
      } else if (f.key == "in_cluster") {
        BGPWATCH_TRY(boolean(f.value, f.path, out.in_cluster));
      } else if (f.key == "site_label") {
        BGPWATCH_TRY(string(f.value, f.path, out.site_label));
      } else if (f.key == "calico_node_selector") {
        BGPWATCH_TRY(string(f.value, f.path, out.calico_node_selector));
        if (auto why = label_selector_error(out.calico_node_selector)) {
          return fail(f.value, f.path, "bad label selector '" + out.calico_node_selector + "': " + *why
                                         + " (e.g. k8s-app=calico-node)");
        }
      } else {
        return unknown_key(f.at, path, f.key, "kubeconfig, in_cluster, site_label, calico_node_selector");
      }
      return {};
    }));
    if (out.kubeconfig && out.in_cluster) {
      return fail(node, path, "set either kubeconfig or in_cluster: true, not both");
    }
    if (!out.kubeconfig && !out.in_cluster) {
      return fail(node, path, "needs kubeconfig: PATH or in_cluster: true");
    }
    return {};
  }

  Result dns(const YAML::Node& node, const std::string& path, DnsSource& out)
  {
    bool have_domains = false;
    BGPWATCH_TRY(each_field(node, path, [&](const Field& f) -> Result {
      if (f.key == "domains") {
        have_domains = true;
        BGPWATCH_TRY(expect_map(f.value, f.path));
        if (f.value.size() == 0) {
          return fail(f.value, f.path, "no domains");
        }
        return each_field(f.value, f.path, [&](const Field& d) -> Result {
          if (!valid_dns_name(d.key)) {
            return fail(d.at, d.path, "bad domain '" + d.key + "'");
          }
          std::string site_name;
          BGPWATCH_TRY(string(d.value, d.path, site_name));
          m_site_refs.push_back({d.value, d.path, site_name});
          out.domains.emplace_back(d.key, site_name);
          return {};
        });
      }
      return unknown_key(f.at, path, f.key, "domains");
    }));
    if (!have_domains) {
      return fail(node, join(path, "domains"), "missing (FQDN suffix -> site)");
    }
    return {};
  }

  Result inventory(const YAML::Node& node, Config& config)
  {
    const std::string path = "inventory";
    auto& inv = config.inventory;
    return each_field(node, path, [&](const Field& f) -> Result {
      if (f.key == "static") {
        BGPWATCH_TRY(static_nodes(f.value, f.path, inv.static_nodes));
        inv.order.push_back(InventoryKind::static_nodes);
      } else if (f.key == "kubernetes") {
        KubernetesSource k;
        k.site_label = std::string(k_default_site_label);
        BGPWATCH_TRY(kubernetes(f.value, f.path, k));
        inv.kubernetes = std::move(k);
        inv.order.push_back(InventoryKind::kubernetes);
      } else if (f.key == "dns") {
        DnsSource d;
        BGPWATCH_TRY(dns(f.value, f.path, d));
        inv.dns = std::move(d);
        inv.order.push_back(InventoryKind::dns);
      } else {
        return unknown_key(f.at, path, f.key, "static, kubernetes, dns");
      }
      return {};
    });
  }

  Result collector(const YAML::Node& node, CollectorConfig& out)
  {
    const std::string path = "collector";
    return each_field(node, path, [&](const Field& f) -> Result {
      if (f.key == "listen") {
        std::string text;
        BGPWATCH_TRY(string(f.value, f.path, text));
        BGPWATCH_TRY(listen_address(f.value, f.path, text));
        out.listen = text;
      } else if (f.key == "interval") {
        BGPWATCH_TRY(duration(f.value, f.path, out.interval));
      } else if (f.key == "tls") {
        CollectorTls tls;
        BGPWATCH_TRY(each_field(f.value, f.path, [&](const Field& t) -> Result {
          if (t.key == "cert") {
            return file_path(t.value, t.path, tls.cert);
          }
          if (t.key == "key") {
            return file_path(t.value, t.path, tls.key);
          }
          return unknown_key(t.at, f.path, t.key, "cert, key");
        }));
        if (tls.cert.empty() || tls.key.empty()) {
          return fail(f.at, f.path,
                      std::string("needs both cert and key (missing ") + (tls.cert.empty() ? "cert" : "key") + ")");
        }
        out.tls = std::move(tls);
      } else if (f.key == "token_file") {
        std::string value;
        BGPWATCH_TRY(file_path(f.value, f.path, value));
        out.token_file = value;
      } else {
        return unknown_key(f.at, path, f.key, "listen, interval, tls, token_file");
      }
      return {};
    });
  }

  Result collector_client(const YAML::Node& node, CollectorClientConfig& out)
  {
    const std::string path = "collector_client";
    return each_field(node, path, [&](const Field& f) -> Result {
      std::string value;
      if (f.key == "ca") {
        BGPWATCH_TRY(file_path(f.value, f.path, value));
        out.ca = value;
      } else if (f.key == "token_file") {
        BGPWATCH_TRY(file_path(f.value, f.path, value));
        out.token_file = value;
      } else {
        return unknown_key(f.at, path, f.key, "ca, token_file");
      }
      return {};
    });
  }

  // A file the daemon or a client reads later: an absolute path (a
  // relative one would depend on the working directory of a service).
  Result file_path(const YAML::Node& node, const std::string& path, std::string& out) const
  {
    BGPWATCH_TRY(string(node, path, out));
    if (out.front() != '/') {
      return fail(node, path, "'" + out + "' is not an absolute path");
    }
    return {};
  }

  // "127.0.0.1:9179" or "[::1]:9179": an address literal and a port.
  Result listen_address(const YAML::Node& node, const std::string& path, const std::string& text) const
  {
    std::string addr;
    std::string_view port_text;
    if (!text.empty() && text.front() == '[') {
      const auto close = text.find("]:");
      if (close == std::string::npos) {
        return fail(node, path, "bad listen address '" + text + "' (ADDRESS:PORT, [IPV6]:PORT)");
      }
      addr = text.substr(1, close - 1);
      port_text = std::string_view(text).substr(close + 2);
    } else {
      const auto colon = text.rfind(':');
      if (colon == std::string::npos || text.find(':') != colon) {
        return fail(node, path, "bad listen address '" + text + "' (ADDRESS:PORT, [IPV6]:PORT)");
      }
      addr = text.substr(0, colon);
      port_text = std::string_view(text).substr(colon + 1);
    }
    if (!bgp::Address::parse(addr)) {
      return fail(node, path, "bad IP address '" + addr + "' in listen address '" + text + "'");
    }
    std::uint16_t p = 0;
    return port(node, path, port_text, p);
  }

public:
  // References to sites are checked after the whole file is read, so the
  // inventory may come before the sites section.
  Result check_references(const Config& config) const
  {
    for (const auto& ref : m_site_refs) {
      if (config.find_site(ref.site) == nullptr) {
        std::string known;
        for (const auto& s : config.sites) {
          known += (known.empty() ? "" : ", ") + s.name;
        }
        return fail(ref.node, ref.path, "unknown site '" + ref.site + "' (sites: " + known + ")");
      }
    }
    return {};
  }

private:
  struct RouterSeen
  {
    std::string host;
    std::uint16_t port;
    std::string path;
  };
  struct SiteRef
  {
    YAML::Node node;
    std::string path;
    std::string site;
  };

  std::string m_path;
  std::size_t m_key_line = 0; // line of the map key read last
  std::map<std::string, RouterSeen> m_routers;
  std::vector<SiteRef> m_site_refs;
};

} // namespace

std::string ConfigError::to_string() const
{
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
  }
  out += ": ";
  if (!key.empty()) {
    out += key + ": ";
  }
  out += message;
  return out;
}

const SiteConfig* Config::find_site(std::string_view name) const
{
  for (const auto& s : sites) {
    if (s.name == name) {
      return &s;
    }
  }
  return nullptr;
}

std::vector<RouterConfig> Config::all_routers() const
{
  std::vector<RouterConfig> out;
  std::set<std::string> seen;
  auto add = [&](const RouterConfig& r) {
    if (seen.insert(r.name).second) {
      out.push_back(r);
    }
  };
  for (const auto& s : sites) {
    for (const auto& r : s.routers) {
      add(r);
    }
    for (const auto& sub : s.subnets) {
      for (const auto& r : sub.routers) {
        add(r);
      }
    }
  }
  return out;
}

const SiteConfig* Config::site_of_router(std::string_view router_name) const
{
  for (const auto& s : sites) {
    for (const auto& r : s.routers) {
      if (r.name == router_name) {
        return &s;
      }
    }
    for (const auto& sub : s.subnets) {
      for (const auto& r : sub.routers) {
        if (r.name == router_name) {
          return &s;
        }
      }
    }
  }
  return nullptr;
}

Expected<Config, ConfigError> parse_config(std::string_view yaml_text, std::string_view path)
{
  const std::string file(path);
  if (yaml_text.size() > k_max_config_bytes) {
    return Unexpected(ConfigError{file, 0, "", "file is larger than 1 MiB: refusing to parse it"});
  }
  if (yaml_text.find('\0') != std::string_view::npos) {
    return Unexpected(ConfigError{file, 0, "", "file contains a NUL byte: not a YAML text file"});
  }
  if (nesting_estimate(yaml_text) > k_max_nesting) {
    return Unexpected(ConfigError{file, 0, "", "nested deeper than " + std::to_string(k_max_nesting)
                                                   + " levels: not a bgpwatch configuration"});
  }
  Config config;
  config.path = file;
  Parser parser(file);
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    BGPWATCH_TRY(parser.top(root, config));
    BGPWATCH_TRY(parser.check_references(config));
  } catch (const YAML::Exception& e) {
    const std::size_t line = e.mark.line < 0 ? 0 : static_cast<std::size_t>(e.mark.line) + 1;
    return Unexpected(ConfigError{file, line, "", "YAML syntax error: " + e.msg});
  } catch (const std::exception& e) {
    return Unexpected(ConfigError{file, 0, "", std::string("cannot parse: ") + e.what()});
  }
  return config;
}

Expected<Config, ConfigError> load_config_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return Unexpected(ConfigError{path, 0, "", std::string("cannot read configuration: ") + std::strerror(err)});
  }
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Unexpected(ConfigError{path, 0, "", "cannot read configuration: Is a directory"});
  }
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max_config_bytes) {
      return Unexpected(ConfigError{path, 0, "", "file is larger than 1 MiB: refusing to parse it"});
    }
  }
  if (in.bad()) {
    const int err = errno;
    return Unexpected(ConfigError{path, 0, "", std::string("cannot read configuration: ") + std::strerror(err)});
  }
  return parse_config(text, path);
}

std::string resolve_config_path(const std::optional<std::string>& cli_value)
{
  if (cli_value && !cli_value->empty()) {
    return *cli_value;
  }
  if (const char* env = std::getenv("BGPWATCH_CONFIG"); env != nullptr && *env != '\0') {
    return env;
  }
  return "/etc/bgpwatch/config.yaml";
}

} // namespace bgpwatch::collector
