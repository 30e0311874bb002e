// collector/gate/run.cpp: the shared gate chain (see gate_run.hpp).
#include "collector/gate/run.hpp"

#include "collector/sources/local_checks.hpp"

#include "collector/sources/bird_source.hpp"
#include "collector/sources/collector_source.hpp"
#include "collector/gate/node_view.hpp"
#include "collector/inventory/calico_start.hpp"
#include "collector/inventory/inventory.hpp"
#include "collector/inventory/kubernetes_config.hpp"
#include "collector/gate/netconf_source.hpp"
#include "collector/sources/wire_source.hpp"
#include "collector/sources/replay_source.hpp"

#include "bgp/bird_time.hpp"
#include "bgp/instant.hpp"
#include "bgp/timeparse.hpp"

#include <algorithm>

namespace bgpwatch::collector {

namespace {

Unexpected<GateFailure> failure(ExitCode code, std::string message)
{
  return Unexpected(GateFailure{code, std::move(message)});
}

// An unknown node whose every source said "not found" is the operator's
// mistake (exit 2); one that a source could not answer for (API down,
// timeout) is unknown (exit 3): retrying later may work.
ExitCode inventory_exit_code(const std::string& message)
{
  if (!message.starts_with("unknown node ")) {
    return ExitCode::usage;
  }
  const auto open = message.find("(tried ");
  if (open == std::string::npos) {
    return ExitCode::usage;
  }
  std::string_view tried(message);
  tried = tried.substr(open + 7);
  std::size_t entries = 1, not_found = 0;
  for (std::size_t p = 0; (p = tried.find("; ", p)) != std::string_view::npos; p += 2) {
    ++entries;
  }
  for (std::size_t p = 0; (p = tried.find(": not found", p)) != std::string_view::npos; p += 11) {
    ++not_found;
  }
  return not_found == entries ? ExitCode::usage : ExitCode::unknown;
}

Expected<GateContext, GateFailure> prepare_node_side(GateContext c, GateCommandLine line)
{
  const auto& o = line.options;
  c.expected = node_side_expected(c.routers, o.family, c.node_name, c.site);
  c.expected_from_seen = c.expected.empty();
  std::unique_ptr<NodeStateSource> inner;
  if (o.source == SourceKind::bird) {
    inner = std::make_unique<BirdSource>(o.bird_sockets,
                                         o.bird_sockets.empty() ? BirdSocketSet::calico_pair : BirdSocketSet::given);
  } else {
    inner = std::make_unique<WireSource>(*o.interface, "tcp port 179");
  }
  auto view = std::make_unique<NodeViewSource>(std::move(inner), c.expected_from_seen);
  c.node_view = view.get();
  c.source = std::move(view);
  if (c.expected_from_seen) {
    c.routers.clear();
    c.warnings.push_back("no router bgp_addresses configured: every BGP session this node has must be ready");
  }
  c.line = std::move(line);
  return c;
}

int severity(bgp::Readiness r)
{
  return r == bgp::Readiness::not_ready ? 2 : r == bgp::Readiness::unknown ? 1 : 0;
}

std::optional<std::vector<std::string>> sorted_words(const std::optional<std::vector<std::string>>& words)
{
  if (!words) {
    return std::nullopt;
  }
  auto out = *words;
  std::sort(out.begin(), out.end());
  return out;
}

std::string words_text(const std::vector<std::string>& words)
{
  std::string out;
  for (const auto& w : words) {
    out += (out.empty() ? "" : " ") + w;
  }
  return "<" + out + ">";
}

// Issue 16, one voice: a router's error is said once, under the router
// (text output, routers[].error in JSON); its sessions point there instead
// of repeating it. `label` names the view when there are two.
void point_to_router(bgp::Verdict& verdict, const std::string& label)
{
  static constexpr std::string_view k_unreadable = " Unknown: router unreadable";
  for (auto& v : verdict.sessions) {
    if (v.reason != bgp::Reason::router_unreadable) {
      continue;
    }
    const auto at = v.text.find(k_unreadable);
    if (at == std::string::npos) {
      continue;
    }
    v.text = v.text.substr(0, at + k_unreadable.size()) + " (see " + v.expected.router + label + " above)";
  }
}

} // namespace

std::vector<std::string> gr_disagreements(const bgp::Session& router, const bgp::Session& bird)
{
  std::vector<std::string> out;
  const auto compare_words = [&out](const char* what, const std::optional<std::vector<std::string>>& a,
                                    const std::optional<std::vector<std::string>>& b) {
    const auto sa = sorted_words(a);
    const auto sb = sorted_words(b);
    if (sa && sb && *sa != *sb) {
      out.push_back(std::string(what) + ": router " + words_text(*sa) + ", BIRD " + words_text(*sb));
    }
  };
  compare_words("graceful restart negotiated for", router.restart_negotiated, bird.restart_negotiated);
  compare_words("End-of-RIB received for", router.end_of_rib_received, bird.end_of_rib_received);
  if (router.restart_time_received && bird.restart_time_received
      && *router.restart_time_received != *bird.restart_time_received) {
    out.push_back("restart time: router received " + std::to_string(*router.restart_time_received)
                  + "s, BIRD announced " + std::to_string(*bird.restart_time_received) + "s");
  }
  return out;
}

// router,bird: both views, per router and family, must agree: on readiness,
// and on the graceful-restart facts both state.
void merge_node_view(GateReport& r, const bgp::Verdict& second)
{
  for (const auto& b : second.sessions) {
    for (const auto& a : r.verdict.sessions) {
      if (a.expected.router != b.expected.router || a.expected.family() != b.expected.family()) {
        continue;
      }
      const std::string where = a.expected.router + " " + std::string(bgp::to_string(a.expected.family()));
      if ((a.readiness == bgp::Readiness::ready) != (b.readiness == bgp::Readiness::ready)) {
        r.notes.push_back(where + ": the views disagree: router says " + std::string(bgp::to_string(a.readiness))
                          + " (" + a.text + "), BIRD says " + std::string(bgp::to_string(b.readiness)) + " ("
                          + b.text + ")");
      }
      if (a.primary() != nullptr && b.primary() != nullptr) {
        for (const auto& d : gr_disagreements(*a.primary(), *b.primary())) {
          r.notes.push_back(where + ": the views disagree on graceful restart: " + d);
        }
      }
    }
  }
  r.first_view_sessions = r.verdict.sessions.size();
  for (const auto& b : second.sessions) {
    r.verdict.sessions.push_back(b);
  }
  if (severity(second.overall) > severity(r.verdict.overall)) {
    r.verdict.overall = second.overall;
  }
  if (!r.notes.empty() && r.verdict.overall == bgp::Readiness::ready) {
    // A disagreement on readiness means one view is already not ready; one
    // on the graceful-restart facts means one view is wrong: fail closed.
    r.verdict.overall = bgp::Readiness::not_ready;
  }
}

namespace {

struct AutoSince
{
  bgp::WallClock::time_point since;
  std::string from;
};

// --since auto from BIRD's `show status` "Last reboot" (the node view):
// judged against BIRD's own clock ("Current server time"), so the node's
// time zone and clock offset do not matter; the latest start over the
// sockets (bird and bird6 restart together with calico-node).
Expected<AutoSince, std::string> since_from_bird(const GateCliOptions& o, SteadyClock::time_point deadline)
{
  BirdSource bird(o.bird_sockets, o.bird_sockets.empty() ? BirdSocketSet::calico_pair : BirdSocketSet::given);
  bird.set_log_transitions(false);
  const auto sent = bgp::WallClock::now();
  auto read = bird.read(deadline);
  if (!read) {
    return Unexpected("BIRD: " + read.error());
  }
  std::optional<AutoSince> latest;
  std::string why_not;
  for (const auto& r : bird.last_reports()) {
    if (!r.ok || !r.status) {
      continue;
    }
    if (!r.status->last_reboot || !r.status->server_time) {
      why_not = "BIRD at " + r.socket + " shows no 'Last reboot' / 'Current server time' in show status";
      continue;
    }
    const auto up = bgp::bird_uptime_seconds(*r.status->last_reboot, *r.status->server_time);
    // BIRD's uptime is a lower bound (whole seconds, or dates only when
    // old): the start it gives is never earlier than the real one.
    const auto start = up ? bgp::checked_sub(sent, std::chrono::seconds(*up)) : std::nullopt;
    if (!start) {
      why_not = "BIRD at " + r.socket + ": 'Last reboot' cannot be placed on this clock";
      continue;
    }
    if (!latest || *start > latest->since) {
      latest = AutoSince{*start, "BIRD " + r.status->version + " at " + r.socket + " last started "
                                   + bgp::format_rfc3339(*start) + " (show status: Last reboot)"};
    }
  }
  if (!latest) {
    return Unexpected(why_not.empty() ? std::string("BIRD answered without show status") : why_not);
  }
  return *latest;
}

// --since auto (SPEC "Additions"): when calico-node last started on the
// node: (a) Kubernetes, when its inventory is configured; (b) BIRD, when a
// node view is in use. Neither: an error naming both ways out.
Expected<AutoSince, std::string> resolve_auto_since(const GateContext& c, SteadyClock::time_point deadline)
{
  const auto& o = c.line.options;
  const auto now = o.now.value_or(bgp::WallClock::now());
  std::vector<std::string> tried;
  if (c.config.inventory.kubernetes && c.node_name) {
    auto k = calico_node_start(*c.config.inventory.kubernetes, *c.node_name, deadline);
    if (k && k->started_at) {
      return AutoSince{*k->started_at, "Kubernetes: " + k->detail};
    }
    if (k) {
      // Not running: it has yet to start; every session must come up after now.
      return AutoSince{now, "Kubernetes: " + k->detail + "; sessions must come up after now"};
    }
    tried.push_back("Kubernetes: " + k.error());
  } else {
    tried.push_back(c.config.inventory.kubernetes ? "Kubernetes: no node name"
                                                  : "Kubernetes: no inventory.kubernetes in the configuration");
  }
  if (o.source == SourceKind::bird || o.source == SourceKind::router_bird) {
    auto b = since_from_bird(o, deadline);
    if (b) {
      return b;
    }
    tried.push_back(b.error());
  } else {
    tried.push_back("BIRD: not read (no --source bird or router,bird)");
  }
  std::string why;
  for (const auto& t : tried) {
    why += (why.empty() ? "" : "; ") + t;
  }
  return Unexpected("--since auto: cannot tell when calico-node last started on "
                    + c.node_name.value_or(std::string("this node")) + " (" + why
                    + "). Say it: --since -2m (sessions must have come up in the last 2 minutes) or --since none "
                      "(no restart check)");
}

} // namespace

std::chrono::milliseconds poll_budget(const GateContext& context)
{
  return context.config.netconf.connect_timeout + context.config.netconf.rpc_timeout;
}

namespace {

Expected<GateContext, GateFailure> prepare_sources(GateCommand command, const GlobalOptions& global,
                                                   GateCommandLine line, bgp::WallClock::time_point started,
                                                   SteadyClock::time_point deadline);

} // namespace

Expected<GateContext, GateFailure> prepare_gate(GateCommand command, const GlobalOptions& global,
                                                GateCommandLine line, bgp::WallClock::time_point started,
                                                SteadyClock::time_point deadline)
{
  auto c = prepare_sources(command, global, std::move(line), started, deadline);
  if (!c) {
    return c;
  }
  const auto& since = c->line.options.since;
  if (!since) {
    return c;
  }
  if (*since == k_since_none) {
    c->since_from = "none (--since none: no restart check)";
  } else if (*since == k_since_auto) {
    auto a = resolve_auto_since(*c, deadline);
    if (!a) {
      return failure(ExitCode::usage, a.error());
    }
    c->options.since = a->since;
    c->since_from = "auto: " + a->from;
  } else {
    c->since_from = "--since " + *since;
  }
  return c;
}

namespace {

Expected<GateContext, GateFailure> prepare_sources(GateCommand command, const GlobalOptions& global,
                                                   GateCommandLine line, bgp::WallClock::time_point started,
                                                   SteadyClock::time_point deadline)
{
  GateContext c;
  c.command = command;
  c.started = started;
  c.fixed_now = line.options.now;
  const auto& o = line.options;

  auto options = resolve_gate_options(o, o.now.value_or(started));
  if (!options) {
    return failure(ExitCode::usage, options.error());
  }
  c.options = *options;

  const bool node_side = o.source == SourceKind::bird || o.source == SourceKind::wire;
  const std::string config_path = resolve_config_path(global.config_path);
  auto config = load_config_file(config_path);
  if (!config) {
    // On the node itself (bird/wire, no --node) a configuration is optional:
    // without one, every BGP session the node has must be ready.
    if (!(node_side && !line.node && !global.config_path)) {
      return failure(ExitCode::usage, "configuration: " + config.error().to_string());
    }
  } else {
    c.config = std::move(*config);
  }

  auto family = parse_family_filter(o.family);
  if (!family) {
    return failure(ExitCode::usage, "--family: " + family.error());
  }
  // Local mistakes fail fast (exit 2), before any network I/O: a collector
  // URL we would not trust, an unreadable CA or token file.
  CollectorClientOptions collector_client;
  if (o.collector_url && o.replays.empty()) {
    auto url = parse_collector_url(*o.collector_url);
    if (!url) {
      return failure(ExitCode::usage, "--collector: " + url.error());
    }
    auto client = load_collector_client(c.config.collector_client);
    if (!client) {
      return failure(ExitCode::usage, client.error());
    }
    collector_client = std::move(*client);
  }
  // ...a missing or unprotected SSH key, an encrypted key with no agent, a
  // missing known_hosts file: exit 2 now, not retries until --timeout.
  if (!node_side && o.replays.empty() && !o.collector_url) {
    auto local = check_netconf_local(c.config.netconf);
    if (!local) {
      return failure(ExitCode::usage, local.error());
    }
  }
  if (c.config.inventory.kubernetes) {
    auto local = check_kubernetes_local(*c.config.inventory.kubernetes);
    if (!local) {
      return failure(ExitCode::usage, local.error());
    }
  }
  if (node_side && !line.node) {
    c.routers = c.config.all_routers();
    return prepare_node_side(std::move(c), std::move(line));
  }
  Inventory inventory(c.config);
  auto node = inventory.resolve(*line.node, deadline);
  if (!node) {
    return failure(inventory_exit_code(node.error().message), node.error().message);
  }
  c.node_name = node->name;
  c.site = node->site;
  c.expected = expected_sessions(c.config, *node, *family);
  c.routers = routers_serving(c.config, *node);
  if (node_side) {
    return prepare_node_side(std::move(c), std::move(line));
  }
  if (o.source == SourceKind::router_bird) {
    c.second_expected = node_side_expected(c.routers, o.family, c.node_name, c.site);
    if (c.second_expected.empty()) {
      return failure(ExitCode::usage, "--source router,bird needs the routers' bgp_addresses in the configuration "
                                      "(to match BIRD's sessions to routers); none of "
                                        + node->name + "'s routers has any");
    }
    c.second_source = std::make_unique<NodeViewSource>(
      std::make_unique<BirdSource>(o.bird_sockets,
                                   o.bird_sockets.empty() ? BirdSocketSet::calico_pair : BirdSocketSet::given),
      false);
  }

  if (!o.replays.empty()) {
    for (const auto& r : o.replays) {
      const bool serves = std::any_of(c.routers.begin(), c.routers.end(),
                                      [&](const RouterConfig& rc) { return rc.name == r.router; });
      if (!serves) {
        std::string names;
        for (const auto& rc : c.routers) {
          names += (names.empty() ? "" : ", ") + rc.name;
        }
        c.warnings.push_back("--replay " + r.router + "=" + r.file + ": " + r.router + " does not serve "
                             + node->name + " (its routers: " + names + "); file ignored");
      }
    }
    c.source = std::make_unique<ReplaySource>(o.replays, o.now.value_or(started));
  } else if (o.collector_url) {
    c.source = make_collector_source(*o.collector_url, *c.options.max_age, std::move(collector_client));
  } else {
    // One persistent NETCONF session per router for the whole command,
    // each closable on its own (gate_netconf_source.hpp).
    auto netconf = std::make_unique<GateNetconfSource>(c.config.netconf);
    GateNetconfSource* raw = netconf.get();
    c.sessions_opened = [raw] { return raw->sessions_opened(); };
    c.netconf = raw;
    c.source = std::move(netconf);
  }
  if (c.options.require == bgp::Require::routes && c.source) {
    // The router view asks the neighbor detail of the node's expected
    // peers after each summary (never the whole table on a gate poll).
    std::map<std::string, std::vector<bgp::Address>> peers;
    for (const auto& e : c.expected) {
      peers[e.router].push_back(e.address);
    }
    c.source->want_neighbor_detail(std::move(peers));
  }
  c.line = std::move(line);
  return c;
}

} // namespace

GateReport poll_and_judge(GateContext& c, SteadyClock::time_point deadline)
{
  auto observations = c.source->poll(c.routers, deadline);
  const bgp::WallClock::time_point now = c.fixed_now.value_or(bgp::WallClock::now());
  GateReport r;
  r.command = std::string(to_string(c.command));
  r.node = c.node_name;
  r.site = c.site;
  r.source = c.source->describe();
  r.sources.push_back(c.source->info());
  r.now = now;

  r.since = c.options.since;
  if (!c.since_from.empty()) {
    r.since_from = c.since_from;
  }
  if (c.expected_from_seen && c.node_view != nullptr) {
    c.expected = expected_from_seen(c.node_view->last_seen(), c.line.options.family);
  }
  r.verdict = bgp::evaluate(c.expected, observations, now, c.options);
  const SourceInfo first_info = c.source->info();
  point_to_router(r.verdict, c.second_source ? " (" + std::string(bgp::to_string(first_info.kind)) + ")" : "");
  if (c.expected_from_seen && c.node_view != nullptr && !c.node_view->last_error().empty()) {
    r.notes.push_back(c.node_view->describe() + ": " + c.node_view->last_error());
  }
  std::vector<bgp::RouterObservation> second;
  std::optional<bgp::Source> second_kind;
  if (c.second_source) {
    second = c.second_source->poll(c.routers, deadline);
    // The node's view has no router neighbor detail: it is judged by the
    // established rule (its route facts are the router's to give).
    bgp::GateOptions node_options = c.options;
    node_options.require = bgp::Require::established;
    bgp::Verdict v2 = bgp::evaluate(c.second_expected, second, now, node_options);
    const SourceInfo second_info = c.second_source->info();
    second_kind = second_info.kind;
    point_to_router(v2, " (" + std::string(bgp::to_string(second_info.kind)) + ")");
    merge_node_view(r, v2);
    r.source += " + " + c.second_source->describe();
    r.sources.push_back(second_info);
  }
  r.exit_code = to_int(exit_code_for(r.verdict.overall));
  for (const auto& o : observations) {
    r.routers.push_back(RouterPollStatus{o.router, o.readable, o.error, o.polled_at, o.request_sent_at, first_info.kind});
  }
  for (const auto& o : second) {
    r.routers.push_back(RouterPollStatus{o.router, o.readable, o.error, o.polled_at, o.request_sent_at, *second_kind});
  }
  if (c.sessions_opened) {
    r.sessions_opened = c.sessions_opened();
  }
  return r;
}

} // namespace bgpwatch::collector
