// collector/nrpe/run.cpp: see nrpe_run.hpp.
#include "collector/nrpe/run.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace bgpwatch::collector {

namespace {

void add_routers(std::vector<RouterConfig>& out, std::set<std::string>& seen, const std::vector<RouterConfig>& more)
{
  for (const auto& r : more) {
    if (seen.insert(r.name).second) {
      out.push_back(r);
    }
  }
}

std::string router_names(const std::vector<RouterConfig>& routers)
{
  std::string out;
  for (const auto& r : routers) {
    out += (out.empty() ? "" : ", ") + r.name;
  }
  return out;
}

std::vector<RouterStatus> statuses(const std::vector<bgp::RouterObservation>& observations)
{
  std::vector<RouterStatus> out;
  for (const auto& o : observations) {
    out.push_back({o.router, o.readable, o.error});
  }
  return out;
}

} // namespace

std::vector<std::optional<std::int64_t>> stale_budgets(const bgp::Verdict& verdict,
                                                       const std::vector<bgp::RouterObservation>& observations,
                                                       bgp::WallClock::time_point now)
{
  std::vector<std::optional<std::int64_t>> out;
  for (const auto& v : verdict.sessions) {
    std::optional<std::int64_t> left;
    const auto* s = v.primary();
    const auto o = std::find_if(observations.begin(), observations.end(),
                                [&](const bgp::RouterObservation& r) { return r.router == v.expected.router; });
    if (s != nullptr && o != observations.end() && o->readable && v.reason == bgp::Reason::not_established) {
      if (const auto expire = bgp::stale_routes_expire_at(*s, o->request_sent_at.value_or(o->polled_at))) {
        if (const auto n = bgp::stale_seconds_left(*expire, now); n > 0) {
          left = n;
        }
      }
    }
    out.push_back(left);
  }
  return out;
}

Thresholds thresholds_from(const NrpeOptions& options)
{
  Thresholds t;
  t.warning = options.warning;
  t.critical = options.critical;
  t.warn_uptime = options.warn_uptime;
  t.min_uptime = options.min_uptime;
  t.critical_budget = options.critical_budget;
  return t;
}

std::vector<UnknownPeer> find_unknown_peers(const Config& config, const SiteConfig& site,
                                            const std::vector<Node>& known_nodes,
                                            const std::vector<bgp::RouterObservation>& observations)
{
  std::vector<UnknownPeer> out;
  for (const auto& o : observations) {
    if (!o.readable) {
      continue; // unreadable routers are reported as such, not as peers
    }
    auto sessions = o.sessions;
    for (auto& s : sessions) {
      s.node.reset();
    }
    annotate_sessions(sessions, known_nodes, config);
    for (const auto& s : sessions) {
      if (s.peer_as && *s.peer_as == site.asn && !s.node) {
        out.push_back({o.router, s.address, s.state});
      }
    }
  }
  return out;
}

CheckResult run_nrpe_check(const NrpeOptions& options, NrpeContext& ctx)
{
  const Thresholds thresholds = thresholds_from(options);
  auto family = parse_family_filter(options.family);
  if (!family) {
    return unknown_result("--family: " + family.error());
  }

  CheckInput input;
  std::vector<Node> nodes;     // to check
  std::vector<Node> all_nodes; // site mode: incl. cordoned (they are known)
  const SiteConfig* site = nullptr;
  if (options.node) {
    input.mode = CheckMode::node;
    ctx.waiting_for("the inventory to resolve node " + *options.node);
    auto node = ctx.inventory.resolve(*options.node, ctx.deadline);
    if (!node) {
      return unknown_result("node " + *options.node + ": " + node.error().message);
    }
    input.target = node->name;
    nodes.push_back(*node);
  } else {
    input.mode = CheckMode::site;
    input.target = *options.site;
    site = ctx.config.find_site(*options.site);
    if (site == nullptr) {
      std::string known;
      for (const auto& s : ctx.config.sites) {
        known += (known.empty() ? "" : ", ") + s.name;
      }
      return unknown_result("site " + *options.site + " is not configured (configured: " + known + ")");
    }
    ctx.waiting_for("the inventory to list the nodes of site " + *options.site);
    auto listed = ctx.inventory.nodes(*options.site, ctx.deadline);
    if (!listed) {
      return unknown_result("site " + *options.site + ": " + listed.error().message);
    }
    all_nodes = *listed;
    for (const auto& n : all_nodes) {
      // SPEC: nodes cordoned in Kubernetes are expected to be down in
      // maintenance: skipped and listed.
      if (n.cordoned.value_or(false)) {
        input.cordoned.push_back(n.name);
      } else {
        nodes.push_back(n);
      }
    }
  }

  // Which routers to ask: those serving the nodes; in site mode also every
  // router of the site, so unknown peers show on all of them.
  std::vector<RouterConfig> routers;
  std::set<std::string> seen;
  std::vector<std::vector<bgp::ExpectedSession>> expected;
  for (const auto& n : nodes) {
    expected.push_back(expected_sessions(ctx.config, n, *family));
    add_routers(routers, seen, routers_serving(ctx.config, n));
  }
  if (site != nullptr) {
    add_routers(routers, seen, site->routers);
  }

  // The stale-route budget needs the routers' neighbor detail (issue 14):
  // a node's expected peers one by one, like the gate; a site's as one
  // whole-table RPC per router (sources that cannot, ignore it).
  if (site != nullptr) {
    ctx.source.want_all_neighbor_detail();
  } else {
    std::map<std::string, std::vector<bgp::Address>> peers;
    for (const auto& list : expected) {
      for (const auto& e : list) {
        peers[e.router].push_back(e.address);
      }
    }
    ctx.source.want_neighbor_detail(std::move(peers));
  }
  std::vector<bgp::RouterObservation> observations;
  if (!routers.empty()) {
    ctx.waiting_for(ctx.source.describe() + " (" + router_names(routers) + ")");
    observations = ctx.source.poll(routers, ctx.deadline);
  }
  input.routers = statuses(observations);

  // Judged after the poll, not at its start (NrpeContext::clock).
  const bgp::WallClock::time_point now = ctx.clock ? std::max(ctx.now, ctx.clock()) : ctx.now;
  bgp::GateOptions gate;
  gate.min_uptime = options.min_uptime;
  if (options.collector) {
    gate.max_age = std::chrono::duration_cast<std::chrono::seconds>(3 * ctx.config.collector.interval);
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    NodeVerdict nv;
    nv.node = nodes[i].name;
    nv.verdict = bgp::evaluate(expected[i], observations, now, gate);
    nv.stale_seconds_left = stale_budgets(nv.verdict, observations, now);
    input.nodes.push_back(std::move(nv));
  }
  if (site != nullptr) {
    input.unknown_peers = find_unknown_peers(ctx.config, *site, all_nodes, observations);
  }
  return classify(input, thresholds);
}

} // namespace bgpwatch::collector
