// netconf/sim/scenario.cpp: scenario file (JSON) -> Scenario, and the
// state of each peer at an instant.
#include "netconf/sim/scenario.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

namespace bgpwatch::netconf::sim {

namespace {

using nlohmann::json;

struct Bad
{
  std::string message;
};

[[noreturn]] void fail(const std::string& path, const std::string& what)
{
  throw Bad{path + ": " + what};
}

void check_keys(const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed)
{
  if (!obj.is_object()) {
    fail(path, "must be an object");
  }
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail(path + "." + key, "unknown key");
    }
  }
}

double get_number(const json& v, const std::string& path)
{
  if (!v.is_number()) {
    fail(path, "must be a number");
  }
  return v.get<double>();
}

std::uint64_t get_count(const json& v, const std::string& path)
{
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    fail(path, "must be a non-negative integer");
  }
  return v.get<std::uint64_t>();
}

std::string get_string(const json& v, const std::string& path)
{
  if (!v.is_string()) {
    fail(path, "must be a string");
  }
  return v.get<std::string>();
}

std::uint32_t get_asn(const json& v, const std::string& path)
{
  const std::uint64_t n = get_count(v, path);
  if (n == 0 || n > 4294967295u) {
    fail(path, "bad AS number");
  }
  return static_cast<std::uint32_t>(n);
}

std::int64_t parse_start(const json& v, const std::string& path)
{
  if (v.is_number_integer()) {
    return v.get<std::int64_t>();
  }
  const std::string s = get_string(v, path);
  std::tm tm{};
  char z = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &z)
        != 7
      || z != 'Z') {
    fail(path, "must be UNIX seconds or RFC 3339 UTC (\"2026-11-29T00:00:00Z\")");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm));
}

bgp::Address get_address(const json& v, const std::string& path)
{
  const auto a = bgp::Address::parse(get_string(v, path));
  if (!a) {
    fail(path, "not an IP address");
  }
  return *a;
}

std::vector<TimelineEvent> parse_timeline(const json& v, const std::string& path)
{
  if (!v.is_array() || v.empty()) {
    fail(path, "must be a non-empty list of {at, state}");
  }
  std::vector<TimelineEvent> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    check_keys(v[i], p, {"at", "state", "received", "accepted", "active", "end_of_rib_after", "teardown", "last_error"});
    TimelineEvent e;
    if (!v[i].contains("at") || !v[i].contains("state")) {
      fail(p, "needs 'at' and 'state'");
    }
    e.at = get_number(v[i]["at"], p + ".at");
    auto st = bgp::parse_state_name(get_string(v[i]["state"], p + ".state"));
    if (!st) {
      fail(p + ".state", st.error());
    }
    e.state = *st;
    if (v[i].contains("received")) {
      e.received = get_count(v[i]["received"], p + ".received");
    }
    if (v[i].contains("accepted")) {
      e.accepted = get_count(v[i]["accepted"], p + ".accepted");
    }
    if (v[i].contains("active")) {
      e.active = get_count(v[i]["active"], p + ".active");
    }
    if (v[i].contains("end_of_rib_after")) {
      e.end_of_rib_after = get_number(v[i]["end_of_rib_after"], p + ".end_of_rib_after");
    }
    if (v[i].contains("teardown")) {
      e.teardown = get_string(v[i]["teardown"], p + ".teardown");
      if (*e.teardown != "prefix_limit" && *e.teardown != "admin_shutdown") {
        fail(p + ".teardown", "must be \"prefix_limit\" or \"admin_shutdown\"");
      }
      if (e.state == bgp::SessionState::established) {
        fail(p + ".teardown", "a teardown leaves the session down: state must not be Established");
      }
    }
    if (v[i].contains("last_error")) {
      e.last_error = get_string(v[i]["last_error"], p + ".last_error");
    }
    if (!out.empty() && e.at < out.back().at) {
      fail(p + ".at", "timeline must be in time order");
    }
    out.push_back(e);
  }
  return out;
}

// Fields of a peer entry (explicit or node_peers defaults) applied onto spec.
void apply_peer_fields(const json& v, const std::string& path, PeerSpec& spec)
{
  if (v.contains("as")) {
    spec.peer_as = get_asn(v["as"], path + ".as");
  }
  if (v.contains("description")) {
    spec.description = get_string(v["description"], path + ".description");
  }
  if (v.contains("flaps")) {
    spec.flaps = get_count(v["flaps"], path + ".flaps");
  }
  if (v.contains("input_messages")) {
    spec.input_messages = get_count(v["input_messages"], path + ".input_messages");
  }
  if (v.contains("output_messages")) {
    spec.output_messages = get_count(v["output_messages"], path + ".output_messages");
  }
  if (v.contains("timeline")) {
    spec.timeline = parse_timeline(v["timeline"], path + ".timeline");
  }
  if (v.contains("graceful_restart")) {
    const json& g = v["graceful_restart"];
    const std::string gp = path + ".graceful_restart";
    if (g.is_boolean()) {
      spec.graceful_restart = g.get<bool>() ? std::optional<GracefulRestartSpec>(GracefulRestartSpec{}) : std::nullopt;
    } else {
      check_keys(g, gp, {"restart_time", "stale_route_time", "end_of_rib_after"});
      GracefulRestartSpec gr;
      if (g.contains("restart_time")) {
        const auto t = get_count(g["restart_time"], gp + ".restart_time");
        if (t > 4095) {
          fail(gp + ".restart_time", "RFC 4724 restart time is 12 bits: 0-4095");
        }
        gr.restart_time = static_cast<std::uint32_t>(t);
      }
      if (g.contains("stale_route_time")) {
        const auto t = get_count(g["stale_route_time"], gp + ".stale_route_time");
        if (t > 65535) {
          fail(gp + ".stale_route_time", "must be 0-65535");
        }
        gr.stale_route_time = static_cast<std::uint32_t>(t);
      }
      if (g.contains("end_of_rib_after")) {
        gr.end_of_rib_after = get_number(g["end_of_rib_after"], gp + ".end_of_rib_after");
      }
      spec.graceful_restart = gr;
    }
  }
  if (v.contains("unconfigured")) {
    if (!v["unconfigured"].is_boolean()) {
      fail(path + ".unconfigured", "must be true or false");
    }
    spec.unconfigured = v["unconfigured"].get<bool>();
  }
}

Fault parse_fault(const json& v, const std::string& path)
{
  check_keys(v, path, {"kind", "from", "until", "seconds", "message", "bytes", "rpc"});
  Fault f;
  if (!v.contains("kind")) {
    fail(path, "needs 'kind'");
  }
  auto kind = parse_fault_kind(get_string(v["kind"], path + ".kind"));
  if (!kind) {
    fail(path + ".kind", kind.error());
  }
  f.kind = *kind;
  if (v.contains("from")) {
    f.from = get_number(v["from"], path + ".from");
  }
  if (v.contains("until")) {
    f.until = get_number(v["until"], path + ".until");
  }
  if (v.contains("seconds")) {
    f.seconds = get_number(v["seconds"], path + ".seconds");
  }
  if (v.contains("message")) {
    f.message = get_string(v["message"], path + ".message");
  }
  if (v.contains("bytes")) {
    f.bytes = get_count(v["bytes"], path + ".bytes");
  }
  if (v.contains("rpc")) {
    f.rpc = get_string(v["rpc"], path + ".rpc");
  }
  return f;
}

struct NodeSpec
{
  std::string name;
  std::string site;
  std::vector<bgp::Address> addresses;
};

struct SiteSpec
{
  std::uint32_t asn = 0;
  std::vector<std::string> routers;
  std::vector<std::pair<bgp::Prefix, std::vector<std::string>>> subnets;
};

// SPEC "expected sessions": the first subnet containing the node's IPv4
// address names its routers; otherwise the site's routers.
std::vector<std::string> routers_serving(const NodeSpec& node, const SiteSpec& site)
{
  for (const auto& [prefix, routers] : site.subnets) {
    for (const auto& a : node.addresses) {
      if (a.family() == bgp::Family::ipv4 && prefix.contains(a)) {
        return routers;
      }
    }
  }
  return site.routers;
}

Scenario parse_json(const json& root)
{
  check_keys(root, "scenario", {"description", "start", "sites", "nodes", "routers", "control"});
  Scenario sc;
  if (root.contains("start") && !root["start"].is_null()) {
    sc.start_unix = parse_start(root["start"], "start");
  }
  if (root.contains("control")) {
    sc.control_path = get_string(root["control"], "control"); // netconf/sim/control.hpp
  }
  std::map<std::string, SiteSpec> sites;
  if (root.contains("sites")) {
    for (const auto& [name, v] : root["sites"].items()) {
      const std::string p = "sites." + name;
      check_keys(v, p, {"asn", "routers", "subnets"});
      SiteSpec s;
      if (!v.contains("asn")) {
        fail(p, "needs 'asn'");
      }
      s.asn = get_asn(v["asn"], p + ".asn");
      if (v.contains("routers")) {
        for (std::size_t i = 0; i < v["routers"].size(); ++i) {
          s.routers.push_back(get_string(v["routers"][i], p + ".routers[" + std::to_string(i) + "]"));
        }
      }
      if (v.contains("subnets")) {
        for (const auto& [prefix_text, routers] : v["subnets"].items()) {
          auto prefix = bgp::Prefix::parse(prefix_text);
          if (!prefix) {
            fail(p + ".subnets." + prefix_text, prefix.error());
          }
          std::vector<std::string> names;
          for (std::size_t i = 0; i < routers.size(); ++i) {
            names.push_back(get_string(routers[i], p + ".subnets." + prefix_text));
          }
          s.subnets.emplace_back(*prefix, names);
        }
      }
      sites[name] = s;
    }
  }
  std::vector<NodeSpec> nodes;
  std::map<std::string, json> node_json;
  if (root.contains("nodes")) {
    for (const auto& [name, v] : root["nodes"].items()) {
      const std::string p = "nodes." + name;
      check_keys(v, p, {"site", "addresses", "sessions"});
      NodeSpec n;
      n.name = name;
      n.site = get_string(v.value("site", json()), p + ".site");
      if (!sites.count(n.site)) {
        fail(p + ".site", "no site '" + n.site + "' in sites");
      }
      if (!v.contains("addresses") || !v["addresses"].is_array()) {
        fail(p + ".addresses", "must be a list of addresses");
      }
      for (std::size_t i = 0; i < v["addresses"].size(); ++i) {
        n.addresses.push_back(get_address(v["addresses"][i], p + ".addresses[" + std::to_string(i) + "]"));
      }
      nodes.push_back(n);
      node_json[name] = v;
    }
  }
  if (!root.contains("routers")) {
    fail("scenario", "needs 'routers'");
  }
  for (const auto& [name, v] : root["routers"].items()) {
    const std::string p = "routers." + name;
    check_keys(v, p, {"framing", "release", "groups", "node_peers", "peers", "faults"});
    RouterSpec r;
    r.name = name;
    if (v.contains("framing")) {
      const std::string f = get_string(v["framing"], p + ".framing");
      if (f == "eom") {
        r.framing = Framing::eom;
      } else if (f == "chunked") {
        r.framing = Framing::chunked;
      } else {
        fail(p + ".framing", "must be \"eom\" or \"chunked\"");
      }
    }
    if (v.contains("release")) {
      r.release = get_string(v["release"], p + ".release");
    }
    if (v.contains("groups")) {
      r.groups = get_count(v["groups"], p + ".groups");
    }
    // node_peers: one peer per address of every node this router serves,
    // with these defaults; nodes.<n>.sessions.<router> and explicit peers
    // (same address) override.
    if (v.contains("node_peers") && !v["node_peers"].is_null() && v["node_peers"] != false) {
      const json defaults = v["node_peers"].is_object() ? v["node_peers"] : json::object();
      check_keys(defaults, p + ".node_peers",
                 {"as", "description", "flaps", "input_messages", "output_messages", "timeline", "graceful_restart",
                  "unconfigured"});
      for (const auto& node : nodes) {
        const SiteSpec& site = sites[node.site];
        const auto serving = routers_serving(node, site);
        if (std::find(serving.begin(), serving.end(), name) == serving.end()) {
          continue;
        }
        for (const auto& a : node.addresses) {
          PeerSpec spec;
          spec.address = a.to_string();
          spec.peer_as = site.asn;
          spec.description = std::nullopt;
          spec.timeline = {TimelineEvent{-1'000'000, bgp::SessionState::established, {}, {}, {}}};
          spec.node = node.name;
          apply_peer_fields(defaults, p + ".node_peers", spec);
          const json& nj = node_json[node.name];
          if (nj.contains("sessions") && nj["sessions"].contains(name)) {
            // nodes.<n>.sessions.<router>: {ipv4|ipv6|<address>: peer fields}
            const json& per = nj["sessions"][name];
            const std::string np = "nodes." + node.name + ".sessions." + name;
            for (const auto& [key, fields] : per.items()) {
              bool match = key == to_string(a.family());
              if (!match) {
                const auto k = bgp::Address::parse(key);
                if (!k && key != "ipv4" && key != "ipv6") {
                  fail(np + "." + key, "key must be ipv4, ipv6 or one of the node's addresses");
                }
                match = k && *k == a;
              }
              if (match) {
                check_keys(fields, np + "." + key,
                           {"as", "description", "flaps", "input_messages", "output_messages", "timeline",
                            "graceful_restart", "unconfigured"});
                apply_peer_fields(fields, np + "." + key, spec);
              }
            }
          }
          r.peers.push_back(spec);
        }
      }
    }
    if (v.contains("peers")) {
      for (std::size_t i = 0; i < v["peers"].size(); ++i) {
        const std::string pp = p + ".peers[" + std::to_string(i) + "]";
        const json& pv = v["peers"][i];
        check_keys(pv, pp, {"address", "as", "description", "flaps", "input_messages", "output_messages", "timeline",
                            "count", "graceful_restart", "unconfigured"});
        const bgp::Address first = get_address(pv.value("address", json()), pp + ".address");
        // count: N consecutive addresses from `address` (benchmarks: 2,000 peers).
        const std::uint64_t count = pv.contains("count") ? get_count(pv["count"], pp + ".count") : 1;
        bgp::Address a = first;
        for (std::uint64_t k = 0; k < count; ++k) {
          const std::string text = a.to_string();
          auto existing = std::find_if(r.peers.begin(), r.peers.end(),
                                       [&](const PeerSpec& s) { return s.address == text; });
          PeerSpec spec;
          if (existing != r.peers.end()) {
            spec = *existing;
          } else {
            spec.address = text;
            spec.timeline = {TimelineEvent{-1'000'000, bgp::SessionState::established, {}, {}, {}}};
          }
          apply_peer_fields(pv, pp, spec);
          if (spec.peer_as == 0) {
            fail(pp, "needs 'as' (no node_peers default for this address)");
          }
          if (existing != r.peers.end()) {
            *existing = spec;
          } else {
            r.peers.push_back(spec);
          }
          // next address: increment the binary form
          std::array<std::uint8_t, 16> bytes{};
          std::copy(a.data(), a.data() + a.size(), bytes.begin());
          for (std::size_t j = a.size(); j-- > 0;) {
            if (++bytes[j] != 0) {
              break;
            }
          }
          a = a.family() == bgp::Family::ipv4 ? bgp::Address::v4({bytes[0], bytes[1], bytes[2], bytes[3]})
                                              : bgp::Address::v6(bytes);
        }
      }
    }
    if (v.contains("faults")) {
      for (std::size_t i = 0; i < v["faults"].size(); ++i) {
        r.faults.push_back(parse_fault(v["faults"][i], p + ".faults[" + std::to_string(i) + "]"));
      }
    }
    sc.routers[name] = std::move(r);
  }
  return sc;
}

} // namespace

Expected<FaultKind, std::string> parse_fault_kind(std::string_view name)
{
  static const std::pair<std::string_view, FaultKind> k_names[] = {
    {"delay", FaultKind::delay},
    {"drop", FaultKind::drop},
    {"truncate", FaultKind::truncate},
    {"bad_chunk_header", FaultKind::bad_chunk_header},
    {"garbage", FaultKind::garbage},
    {"rpc_error", FaultKind::rpc_error},
    {"warning", FaultKind::warning},
    {"never_answer", FaultKind::never_answer},
    {"wrong_message_id", FaultKind::wrong_message_id},
    {"oversize", FaultKind::oversize},
  };
  for (const auto& [n, k] : k_names) {
    if (n == name) {
      return k;
    }
  }
  return Unexpected(std::string("unknown fault kind '") + std::string(name)
                    + "' (delay, drop, truncate, bad_chunk_header, garbage, rpc_error, warning, never_answer, "
                      "wrong_message_id, oversize)");
}

Expected<Scenario, std::string> parse_scenario(std::string_view json_text)
{
  json root;
  try {
    root = json::parse(json_text.begin(), json_text.end());
  } catch (const json::parse_error& e) {
    return Unexpected(std::string("not valid JSON: ") + e.what());
  }
  try {
    return parse_json(root);
  } catch (const Bad& b) {
    return Unexpected(b.message);
  } catch (const json::exception& e) {
    return Unexpected(std::string("bad scenario: ") + e.what());
  }
}

Expected<Scenario, std::string> load_scenario(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Unexpected("cannot read scenario file " + path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  auto sc = parse_scenario(ss.str());
  if (!sc) {
    return Unexpected(path + ": " + sc.error());
  }
  return sc;
}

std::vector<PeerView> peers_at(const RouterSpec& router, double t)
{
  std::vector<PeerView> out;
  out.reserve(router.peers.size());
  for (const auto& spec : router.peers) {
    // The current event: the last one at or before t.
    const TimelineEvent* current = nullptr;
    std::uint64_t flaps = spec.flaps;
    const TimelineEvent* previous = nullptr;
    for (const auto& e : spec.timeline) {
      if (e.at > t) {
        break;
      }
      // Junos flap-count: times the session left Established.
      if (previous && previous->state == bgp::SessionState::established
          && e.state != bgp::SessionState::established) {
        ++flaps;
      }
      previous = &e;
      current = &e;
    }
    if (!current) {
      continue; // not configured on the router yet
    }
    PeerView v;
    v.address = spec.address;
    v.peer_as = spec.peer_as;
    v.description = spec.description;
    v.state = current->state;
    v.elapsed_seconds = static_cast<std::int64_t>(std::floor(t - current->at));
    v.flaps = flaps;
    // Keepalives every 30 s while up: counters move like a real router's.
    // The file gives the counters at the start; they grow from there.
    const double grow_from = std::max(current->at, 0.0);
    const std::uint64_t up = v.state == bgp::SessionState::established && t > grow_from
                               ? static_cast<std::uint64_t>((t - grow_from) / 30)
                               : 0;
    v.input_messages = spec.input_messages + up;
    v.output_messages = spec.output_messages + up;
    if (v.state == bgp::SessionState::established) {
      const bool v6 = spec.address.find(':') != std::string::npos;
      RibView rib;
      rib.name = v6 ? "inet6.0" : "inet.0";
      rib.received = current->received.value_or(1);
      rib.accepted = current->accepted.value_or(rib.received);
      rib.active = current->active.value_or(rib.accepted);
      v.ribs.push_back(rib);
    }
    out.push_back(std::move(v));
  }
  return out;
}

const Fault* active_fault(const RouterSpec& router, std::string_view rpc, double t)
{
  for (const auto& f : router.faults) {
    if (f.rpc != "*" && f.rpc != rpc) {
      continue;
    }
    if ((f.from && t < *f.from) || (f.until && t >= *f.until)) {
      continue;
    }
    return &f;
  }
  return nullptr;
}

std::string junos_elapsed_text(std::int64_t s)
{
  if (s < 0) {
    s = 0;
  }
  char buf[64];
  const std::int64_t w = s / 604800, d = (s / 86400) % 7, h = (s / 3600) % 24, m = (s / 60) % 60, sec = s % 60;
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(m), static_cast<long long>(sec));
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(h), static_cast<long long>(m),
                  static_cast<long long>(sec));
  } else if (w == 0) {
    std::snprintf(buf, sizeof buf, "%lldd %lld:%02lld:%02lld", static_cast<long long>(d), static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(sec));
  } else {
    std::snprintf(buf, sizeof buf, "%lldw%lldd %lld:%02lld:%02lld", static_cast<long long>(w),
                  static_cast<long long>(d), static_cast<long long>(h), static_cast<long long>(m),
                  static_cast<long long>(sec));
  }
  return buf;
}

} // namespace bgpwatch::netconf::sim
