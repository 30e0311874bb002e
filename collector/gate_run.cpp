// collector/gate_run.cpp: the shared gate chain (see gate_run.hpp).
#include "collector/gate_run.hpp"

#include "collector/inventory.hpp"
#include "collector/netconf_source.hpp"
#include "collector/replay_source.hpp"

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

} // namespace

std::chrono::milliseconds poll_budget(const GateContext& context)
{
  return context.config.netconf.connect_timeout + context.config.netconf.rpc_timeout;
}

Expected<GateContext, GateFailure> prepare_gate(GateCommand command, const GlobalOptions& global,
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

  const std::string config_path = resolve_config_path(global.config_path);
  auto config = load_config_file(config_path);
  if (!config) {
    return failure(ExitCode::usage, "configuration: " + config.error().to_string());
  }
  c.config = std::move(*config);

  if (o.source != SourceKind::router) {
    return failure(ExitCode::unknown, "--source " + std::string(to_string(o.source))
                                        + " is not supported in this build yet (the BIRD and wire sources have "
                                          "not landed)");
  }

  auto family = parse_family_filter(o.family);
  if (!family) {
    return failure(ExitCode::usage, "--family: " + family.error());
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
    return failure(ExitCode::unknown, "--collector is not supported in this build yet (the collector source has "
                                      "not landed)");
  } else {
    // One Poller for the whole command: one persistent NETCONF session per
    // router for the whole wait.
    auto netconf = std::make_unique<NetconfSource>(c.config.netconf);
    NetconfSource* raw = netconf.get();
    c.sessions_opened = [raw] { return raw->poller().sessions_opened(); };
    c.source = std::move(netconf);
  }
  c.line = std::move(line);
  return c;
}

GateReport poll_and_judge(GateContext& c, SteadyClock::time_point deadline)
{
  auto observations = c.source->poll(c.routers, deadline);
  const bgp::WallClock::time_point now = c.fixed_now.value_or(bgp::WallClock::now());
  GateReport r;
  r.command = std::string(to_string(c.command));
  r.node = c.node_name;
  r.site = c.site;
  r.source = c.source->describe();
  r.now = now;
  r.since = c.options.since;
  r.verdict = bgp::evaluate(c.expected, observations, now, c.options);
  r.exit_code = to_int(exit_code_for(r.verdict.overall));
  for (const auto& o : observations) {
    r.routers.push_back(RouterPollStatus{o.router, o.readable, o.error, o.polled_at});
  }
  if (c.sessions_opened) {
    r.sessions_opened = c.sessions_opened();
  }
  return r;
}

} // namespace bgpwatch::collector
