// collector/roll/options.cpp: `bgpwatch roll` command line (see options.hpp).
#include "collector/roll/options.hpp"

#include "bgp/duration.hpp"
#include "collector/roll/plan.hpp"

#include <algorithm>
#include <charconv>

namespace bgpwatch::collector {

namespace {

Expected<std::chrono::milliseconds, std::string> duration_of(const std::string& name, const std::string& v,
                                                             bool allow_zero)
{
  auto d = bgp::parse_duration(v);
  if (!d) {
    return Unexpected(name + ": " + d.error());
  }
  if (d->count() < 0 || (!allow_zero && d->count() == 0)) {
    return Unexpected(name + ": must be more than 0 (got '" + v + "')");
  }
  return *d;
}

} // namespace

std::optional<std::string> roll_selector_error(std::string_view selector)
{
  auto name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
           || c == '-';
  };
  const auto eq = selector.find('=');
  if (eq == std::string_view::npos || eq == 0 || selector.find_first_of(",!", 0) != std::string_view::npos
      || selector.find('=', eq + 1) != std::string_view::npos) {
    return "not LABEL=VALUE";
  }
  const std::string_view key = selector.substr(0, eq);
  const std::string_view value = selector.substr(eq + 1);
  const auto slash = key.find('/');
  const std::string_view prefix = slash == std::string_view::npos ? std::string_view() : key.substr(0, slash);
  const std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  if (name.empty() || name.size() > 63 || !std::all_of(name.begin(), name.end(), name_char)
      || (slash != std::string_view::npos
          && (prefix.empty() || prefix.size() > 253 || !std::all_of(prefix.begin(), prefix.end(), name_char)))) {
    return "bad label '" + std::string(key) + "'";
  }
  if (value.size() > 63 || !std::all_of(value.begin(), value.end(), name_char)) {
    return "bad label value '" + std::string(value) + "'";
  }
  return std::nullopt;
}

std::string roll_usage()
{
  return "usage: bgpwatch roll --site S [--nodes N1,N2,...|--selector LABEL=VALUE] [--max-unavailable K]\n"
         "                     [--settle D] [--drain [--drain-timeout D]] [--dry-run] [--state FILE]\n"
         "                     [gate options] -- CMD...\n"
         "Restarts a site one node (or K nodes) at a time: before each, every other node of the site\n"
         "must be ready; then CMD runs ({node} = short name, {fqdn} = full name), the node must be\n"
         "ready again (sessions up after CMD started) and stay ready for --settle. Stops at the first\n"
         "failure. One roll per site: a Kubernetes Lease bgpwatch-roll-SITE, else a lock file.\n"
         "  --site S               the site (required)\n"
         "  --nodes N1,N2          these nodes, in this order (default: every node of the site, by name)\n"
         "  --selector LABEL=VALUE the site's nodes with this Kubernetes node label, by name\n"
         "                         (needs the Kubernetes inventory)\n"
         "  --max-unavailable K    K nodes at a time (default 1)\n"
         "  --settle D             a node must stay ready for D before the next starts (default 0)\n"
         "  --dry-run              print the plan and the pre-flight result; change nothing\n"
         "  --state FILE           JSON Lines audit of every step; run again to resume\n"
         "  --drain                cordon and evict (like kubectl drain --ignore-daemonsets\n"
         "                         --delete-emptydir-data) before CMD, uncordon after\n"
         "  --drain-timeout D      bound on the drain (default 5m)\n"
         "  --preflight-timeout D  how long to wait for the rest of the site (default 10m)\n"
         "  --lock-ttl D           the lock's TTL, renewed every D/3 (default 60s)\n"
         "  --lock-dir DIR         where the lock file lives without Kubernetes (default /run/lock)\n"
         "  --lease-namespace NS   the Lease's namespace (default kube-system)\n"
         "  gate options           --timeout (per node), --interval, --min-uptime, --require-prefixes, --family\n"
         "Exit: 0 all done, 1 a node failed or pre-flight did not clear, 2 usage or lock held,\n"
         "130/143 interrupted by SIGINT/SIGTERM.\n";
}

Expected<RollOptions, std::string> parse_roll_command_line(const CommandArgs& args)
{
  RollOptions o;
  bool have_command = false;
  for (std::size_t i = 0; i < args.size();) {
    const std::string& a = args[i];
    if (a == "--") {
      o.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      have_command = true;
      break;
    }
    if (a == "--help" || a == "-h") {
      o.help = true;
      return o;
    }
    const auto eq = a.find('=');
    const std::string name = a.substr(0, eq);
    auto value = [&]() -> Expected<std::string, std::string> {
      if (eq != std::string::npos) {
        return a.substr(eq + 1);
      }
      if (i + 1 >= args.size()) {
        return Unexpected(name + " needs a value");
      }
      return args[++i];
    };
    auto flag = [&]() -> Expected<bool, std::string> {
      if (eq != std::string::npos) {
        return Unexpected(name + " takes no value");
      }
      return true;
    };
    Expected<bool, std::string> ok = true;
    if (name == "--site") {
      auto v = value();
      if (!v) {
        return Unexpected(v.error());
      }
      o.site = *v;
    } else if (name == "--nodes") {
      auto v = value();
      if (!v) {
        return Unexpected(v.error());
      }
      o.nodes = split_list(*v);
      if (o.nodes.empty()) {
        return Unexpected("--nodes: no node names in '" + *v + "'");
      }
    } else if (name == "--selector") {
      auto v = value();
      if (!v) {
        return Unexpected(v.error());
      }
      if (auto why = roll_selector_error(*v)) {
        return Unexpected("--selector: " + *why + " in '" + *v + "' (e.g. --selector topology.kubernetes.io/zone=eqiad-row-a)");
      }
      o.selector = *v;
    } else if (name == "--max-unavailable") {
      auto v = value();
      if (!v) {
        return Unexpected(v.error());
      }
      std::size_t k = 0;
      const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), k);
      if (ec != std::errc() || end != v->data() + v->size() || k == 0) {
        return Unexpected("--max-unavailable: a whole number of nodes, at least 1 (got '" + *v + "')");
      }
      o.max_unavailable = k;
    } else if (name == "--settle" || name == "--drain-timeout" || name == "--preflight-timeout"
               || name == "--lock-ttl") {
      auto v = value();
      if (!v) {
        return Unexpected(v.error());
      }
      auto d = duration_of(name, *v, name == "--settle");
      if (!d) {
        return Unexpected(d.error());
      }
      (name == "--settle"              ? o.settle
       : name == "--drain-timeout"     ? o.drain_timeout
       : name == "--preflight-timeout" ? o.preflight_timeout
                                       : o.lock_ttl)
        = *d;
    } else if (name == "--dry-run") {
      ok = flag();
      o.dry_run = true;
    } else if (name == "--drain") {
      ok = flag();
      o.drain = true;
    } else if (name == "--state" || name == "--lock-dir" || name == "--lease-namespace") {
      auto v = value();
      if (!v) {
        return Unexpected(v.error());
      }
      if (v->empty()) {
        return Unexpected(name + " needs a value");
      }
      if (name == "--state") {
        o.state_path = *v;
      } else if (name == "--lock-dir") {
        o.lock_dir = *v;
      } else {
        o.lease_namespace = *v;
      }
    } else if (name == "--node") {
      return Unexpected("--node: roll takes --site (and --nodes N1,N2,...)");
    } else {
      std::size_t j = i;
      auto parsed = parse_gate_option(args, j, o.gate);
      if (!parsed) {
        return Unexpected(parsed.error());
      }
      if (!*parsed) {
        return Unexpected(a.starts_with("-") ? "unknown option '" + a + "'" : "unexpected argument '" + a + "'");
      }
      i = j;
      continue;
    }
    if (!ok) {
      return Unexpected(ok.error());
    }
    ++i;
  }
  if (o.site.empty()) {
    return Unexpected("--site is required");
  }
  if (o.selector && !o.nodes.empty()) {
    return Unexpected("--nodes and --selector: give one of them");
  }
  if (!have_command || o.command.empty()) {
    return Unexpected("no command: give it after '--' (e.g. -- ssh {fqdn} sudo systemctl restart calico-node)");
  }
  const auto& g = o.gate;
  if (g.since) {
    return Unexpected("--since: roll sets it per node (the instant CMD starts)");
  }
  if (!g.replays.empty() || g.now) {
    return Unexpected("--replay/--now: a roll needs live state");
  }
  if (g.collector_url) {
    return Unexpected("--collector: a roll polls the routers itself (NETCONF), for the whole site");
  }
  if (g.source != SourceKind::router) {
    return Unexpected("--source: roll reads the routers' view (--source router)");
  }
  return o;
}

} // namespace bgpwatch::collector
