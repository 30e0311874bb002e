// collector/cli/cmd_summary.cpp: `bgpwatch summary [--site S] [--router R]`
// (SPEC "Commands"): ask every selected router at once over NETCONF, annotate
// each session with its node and site from the inventory, print a table or
// {"routers":[...],"sessions":[...]}. Exit 0 when every router was read, 3
// when any was not (the others are still printed), 2 on usage/config errors.
#include "bgp/instant.hpp"
#include "bgp/timeparse.hpp"
#include "collector/cli/commands.hpp"
#include "collector/config/config.hpp"
#include "collector/sources/local_checks.hpp"
#include "collector/base/exit_code.hpp"
#include "collector/base/huge_heap.hpp"
#include "collector/inventory/inventory.hpp"
#include "collector/base/logging.hpp"
#include "collector/sources/poller.hpp"
#include "collector/render/session_json.hpp"
#include "collector/render/json_text.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <malloc.h>
#include <cstdio>
#include <iostream>
#include <set>

namespace bgpwatch::collector {

namespace {

const std::string k_usage = std::string(R"(usage: bgpwatch summary [--site S] [--router R]

Every router's BGP sessions (asked over NETCONF, all routers at once), each
with the node it belongs to (from the inventory) or none.

options:
  --site S    only the routers of site S (its routers and subnet devices)
  --router R  only router R

)") + k_global_options_help + R"(exit codes: 0 every router read, 2 usage or configuration error, 3 some router
could not be read (its error is shown; the others' sessions are printed)
)";

// "18m59s", "2d3h4m5s": the one uptime spelling of every text output (issue
// 16; the verdict tables, the live view and NRPE say it the same way).
std::string uptime_text(const std::optional<std::int64_t>& seconds)
{
  if (!seconds) {
    return "-";
  }
  return bgp::format_uptime(std::max<std::int64_t>(0, *seconds));
}

std::string opt_number(const std::optional<std::uint64_t>& v)
{
  return v ? std::to_string(*v) : "-";
}

std::string prefixes_text(const bgp::Session& s)
{
  if (s.ribs.empty()) {
    return "-";
  }
  std::uint64_t a = 0, r = 0, acc = 0;
  for (const auto& rib : s.ribs) {
    a += rib.active.value_or(0);
    r += rib.received.value_or(0);
    acc += rib.accepted.value_or(0);
  }
  return std::to_string(a) + "/" + std::to_string(r) + "/" + std::to_string(acc);
}

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows)
{
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line.append(width[i] - row[i].size() + 2, ' ');
      }
    }
    out << line << "\n";
  }
}

// Nodes for annotation: every enumerable inventory source; if one fails
// (Kubernetes unreachable), the static nodes still annotate what they can.
std::vector<Node> annotation_nodes(const Config& config, const std::optional<std::string>& site,
                                   SteadyClock::time_point deadline)
{
  Inventory inventory(config);
  auto nodes = inventory.nodes(site, deadline);
  if (nodes) {
    return std::move(*nodes);
  }
  spdlog::warn("inventory: {} (annotating from the static inventory only)", nodes.error().message);
  std::vector<Node> out;
  for (const auto& n : config.inventory.static_nodes) {
    out.push_back(Node{n.name, n.site, n.addresses, std::nullopt, "static"});
  }
  return out;
}

} // namespace

int cmd_summary(const GlobalOptions& global, const CommandArgs& args)
{
  std::optional<std::string> site_filter;
  std::optional<std::string> router_filter;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << k_usage;
      return to_int(ExitCode::ok);
    }
    auto value = [&](std::optional<std::string>& out) {
      if (a.find('=') != std::string::npos) {
        out = a.substr(a.find('=') + 1);
        return true;
      }
      if (i + 1 >= args.size()) {
        return false;
      }
      out = args[++i];
      return true;
    };
    if (a == "--site" || a.starts_with("--site=")) {
      if (!value(site_filter)) {
        std::cerr << "bgpwatch summary: --site needs a site name\n";
        return to_int(ExitCode::usage);
      }
    } else if (a == "--router" || a.starts_with("--router=")) {
      if (!value(router_filter)) {
        std::cerr << "bgpwatch summary: --router needs a router name\n";
        return to_int(ExitCode::usage);
      }
    } else {
      std::cerr << "bgpwatch summary: unknown argument '" << a << "'\n" << k_usage;
      return to_int(ExitCode::usage);
    }
  }

  const std::string path = resolve_config_path(global.config_path);
  auto config = load_config_file(path);
  if (!config) {
    std::cerr << "bgpwatch: " << config.error().to_string() << "\n";
    return to_int(ExitCode::usage);
  }

  std::vector<RouterConfig> routers;
  if (site_filter) {
    const SiteConfig* site = config->find_site(*site_filter);
    if (!site) {
      std::string known;
      for (const auto& s : config->sites) {
        known += (known.empty() ? "" : ", ") + s.name;
      }
      std::cerr << "bgpwatch summary: no site '" << *site_filter << "' in " << path << " (sites: " << known << ")\n";
      return to_int(ExitCode::usage);
    }
    std::set<std::string> seen;
    auto add = [&](const RouterConfig& r) {
      if (seen.insert(r.name).second) {
        routers.push_back(r);
      }
    };
    for (const auto& r : site->routers) {
      add(r);
    }
    for (const auto& sub : site->subnets) {
      for (const auto& r : sub.routers) {
        add(r);
      }
    }
  } else {
    routers = config->all_routers();
  }
  if (router_filter) {
    std::vector<RouterConfig> one;
    for (const auto& r : routers) {
      if (r.name == *router_filter) {
        one.push_back(r);
      }
    }
    if (one.empty()) {
      std::string known;
      for (const auto& r : routers) {
        known += (known.empty() ? "" : ", ") + r.name;
      }
      std::cerr << "bgpwatch summary: no router '" << *router_filter << "'"
                << (site_filter ? " in site " + *site_filter : std::string()) << " (routers: " << known << ")\n";
      return to_int(ExitCode::usage);
    }
    routers = std::move(one);
  }

  // Local mistakes are usage errors, found before any connection.
  if (auto local = check_netconf_local(config->netconf); !local) {
    std::cerr << "bgpwatch summary: " << local.error() << "\n";
    return to_int(ExitCode::usage);
  }
  // Worst case per router: TCP connect, SSH set-up + hello, one RPC.
  const auto& nc = config->netconf;
  const auto deadline = SteadyClock::now() + nc.connect_timeout + 2 * nc.rpc_timeout + std::chrono::seconds(1);
  std::vector<PollResult> results;
  {
    // One short-lived process and one poll: every worker in the main
    // malloc arena, and that heap in huge pages (~8 MB per router: the
    // reply, pugixml's DOM, the sessions), not ~6,000 4 KiB faults for
    // 2 routers x 2,000 peers (issue 17).
    ::mallopt(M_ARENA_MAX, 1);
    reserve_huge_heap(routers.size() * (8u << 20));
    Poller poller(nc, std::clamp<std::size_t>(routers.size(), 1, 32));
    results = poller.poll_detailed(routers, deadline);
  }
  const auto nodes = annotation_nodes(*config, site_filter, deadline);

  bool all_ok = true;
  std::vector<bgp::Session> sessions;
  for (auto& r : results) {
    all_ok = all_ok && r.observation.readable;
    for (auto& s : r.observation.sessions) {
      sessions.push_back(std::move(s));
    }
  }
  annotate_sessions(sessions, nodes, *config);
  auto site_name = [&](const std::string& router) -> std::optional<std::string> {
    const SiteConfig* s = config->site_of_router(router);
    return s ? std::optional<std::string>(s->name) : std::nullopt;
  };

  if (global.format == OutputFormat::json) {
    nlohmann::json out;
    // A result: when it was made and where from (docs/json.md).
    out["now"] = bgp::format_rfc3339(bgp::WallClock::now());
    out["source"] = std::string(bgp::to_string(bgp::Source::netconf));
    out["routers"] = nlohmann::json::array();
    for (const auto& r : results) {
      const auto& o = r.observation;
      const auto site = site_name(o.router);
      out["routers"].push_back({{"name", o.router},
                                {"site", site ? nlohmann::json(*site) : nlohmann::json()},
                                {"ok", o.readable},
                                {"error", o.readable ? nlohmann::json() : nlohmann::json(o.error)},
                                {"polled_at", o.readable ? nlohmann::json(bgp::format_rfc3339(o.polled_at)) : nlohmann::json()},
                                {"duration_ms", r.duration.count()}});
    }
    // {"routers":[...],"sessions":[...]}: the routers through nlohmann, the
    // sessions written straight from the observations, as `parse` does (a
    // tree of every session was the biggest cost of a summary: issue 17).
    std::string text = json_text(out, 2);
    text.resize(text.size() - 2); // "\n}"
    text += ",\n  \"sessions\": ";
    if (sessions.empty()) {
      text += "[]";
    } else {
      text.reserve(text.size() + sessions.size() * 640);
      text += '[';
      bool first = true;
      for (const auto& s : sessions) {
        text += first ? "\n    " : ",\n    ";
        first = false;
        append_session_json(text, s, 2, 4);
      }
      text += "\n  ]";
    }
    text += "\n}\n";
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
  } else {
    std::vector<std::vector<std::string>> rrows{{"ROUTER", "SITE", "STATUS", "POLLED AT", "DURATION", "SESSIONS"}};
    std::vector<std::string> errors;
    for (const auto& r : results) {
      const auto& o = r.observation;
      rrows.push_back({o.router, site_name(o.router).value_or("-"), o.readable ? "ok" : "ERROR",
                       o.readable ? bgp::format_rfc3339(o.polled_at) : "-", std::to_string(r.duration.count()) + "ms",
                       o.readable ? std::to_string(o.sessions.size()) : "-"});
      if (!o.readable) {
        errors.push_back(o.error);
      }
    }
    print_table(std::cout, rrows);
    for (const auto& e : errors) {
      std::cout << "error: " << e << "\n";
    }
    std::cout << "\n";
    std::vector<std::vector<std::string>> srows{
      {"ROUTER", "PEER", "AS", "STATE", "UP/DOWN", "FLAPS", "PREFIXES A/R/ACC", "NODE"}};
    for (const auto& s : sessions) {
      srows.push_back({s.router.value_or("-"), s.address.to_string(),
                       s.peer_as ? std::to_string(*s.peer_as) : "-", std::string(bgp::to_string(s.state)),
                       uptime_text(s.uptime_seconds), opt_number(s.flaps), prefixes_text(s), s.node.value_or("-")});
    }
    print_table(std::cout, srows);
  }
  return to_int(all_ok ? ExitCode::ok : ExitCode::unknown);
}

} // namespace bgpwatch::collector
