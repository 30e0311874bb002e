// collector/cli/cmd_nrpe.cpp: `bgpwatch nrpe` / `check_bgpwatch`, the Icinga/
// Nagios plugin (SPEC "Icinga/NRPE mode"). This file owns stdout and the
// exit code: exactly one plugin output, from render_plugin_output() or, on
// -t expiry, from the watchdog. Everything else goes to stderr (-v) or
// nowhere; bad arguments are UNKNOWN with a short usage.
#include "bgp/timeparse.hpp"
#include "collector/sources/collector_source.hpp"
#include "collector/sources/local_checks.hpp"
#include "collector/cli/commands.hpp"
#include "collector/config/config.hpp"
#include "collector/inventory/inventory.hpp"
#include "collector/inventory/kubernetes_config.hpp"
#include "collector/sources/netconf_source.hpp"
#include "collector/nrpe/plugin.hpp"
#include "collector/nrpe/options.hpp"
#include "collector/nrpe/run.hpp"
#include "collector/nrpe/watchdog.hpp"
#include "collector/sources/replay_source.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace bgpwatch::collector {

namespace {

// How close to its deadline a poll that gave up counts as having timed out.
constexpr auto k_deadline_slack = std::chrono::milliseconds(500);
// The watchdog's UNKNOWN line is out this long before -t.
constexpr auto k_output_margin = std::chrono::milliseconds(300);
// The sources give up this long before the watchdog, so the check answers
// itself (with perfdata) rather than the watchdog (without).
constexpr auto k_answer_margin = std::chrono::milliseconds(500);

int print_result(const CheckResult& result, bool long_output)
{
  RenderOptions render;
  if (long_output) {
    render.max_bytes = std::nullopt;
  }
  const std::string out = render_plugin_output(result, render);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return to_int(result.state);
}

} // namespace

int cmd_nrpe(const GlobalOptions& global, const CommandArgs& args)
{
  const auto start = SteadyClock::now();
  auto parsed = parse_nrpe_options(args);
  if (!parsed) {
    std::cout << "BGPWATCH UNKNOWN - " << sanitize_text(parsed.error()) << '\n' << nrpe_usage(global.program);
    return to_int(PluginState::unknown);
  }
  const NrpeOptions& options = *parsed;
  // Monitoring Plugins: --help and --version exit UNKNOWN too, as the
  // plugin (check_bgpwatch). `bgpwatch nrpe --help` is a CLI help: exit 0.
  if (options.action == NrpeAction::help) {
    std::cout << nrpe_help(global.program);
    return to_int(global.program == "check_bgpwatch" ? PluginState::unknown : PluginState::ok);
  }
  if (options.action == NrpeAction::version) {
    std::cout << global.program << " " << BGPWATCH_VERSION << '\n';
    return to_int(PluginState::unknown);
  }
  if (options.verbosity + global.verbosity > 0) {
    spdlog::set_level(options.verbosity + global.verbosity > 1 ? spdlog::level::debug : spdlog::level::info);
  }

  // Issue 13 item 8: NRPE's own timeout is -t too, so our UNKNOWN line must
  // be out by -t - 300 ms (the watchdog's instant) and the check's own
  // answer, with its perfdata, comes 500 ms before that: the sources' deadline.
  const auto timeout = std::chrono::duration_cast<SteadyClock::duration>(options.timeout);
  const auto watchdog_at = start + std::max(timeout - k_output_margin, timeout * 7 / 10);
  const auto deadline = start + std::max(timeout - k_output_margin - k_answer_margin, timeout / 2);
  PluginWatchdog watchdog(watchdog_at, options.timeout);
  auto finish = [&](const CheckResult& result) {
    if (!watchdog.claim_output()) {
      return to_int(PluginState::unknown); // the watchdog prints and exits
    }
    // Sources give up at (or just before) the deadline too: a result that
    // arrives then with something unreadable is the timeout, and is said so
    // rather than blaming the routers one by one.
    const bool incomplete = result.state == PluginState::unknown;
    if (SteadyClock::now() >= deadline || (incomplete && SteadyClock::now() >= deadline - k_deadline_slack)) {
      // The timeout line, with whatever perfdata this check has (the
      // sessions it could read), then the reasons as long output.
      CheckResult timed_out = result;
      timed_out.state = PluginState::unknown;
      timed_out.summary = PluginWatchdog::timeout_line(options.timeout, watchdog.waiting())
                            .substr(std::string_view("BGPWATCH UNKNOWN - ").size());
      print_result(timed_out, options.long_output);
      // Workers may still be blocked on the router that made us late: do
      // not wait for them (or their sessions' close) past -t.
      std::_Exit(to_int(PluginState::unknown));
    }
    return print_result(result, options.long_output);
  };

  watchdog.waiting_for("the configuration");
  const std::string config_path = resolve_config_path(options.config_path ? options.config_path : global.config_path);
  auto config = load_config_file(config_path);
  if (!config) {
    return finish(unknown_result("configuration: " + config.error().to_string()));
  }

  if (config->inventory.kubernetes) {
    if (auto local = check_kubernetes_local(*config->inventory.kubernetes); !local) {
      return finish(unknown_result(local.error()));
    }
  }
  bgp::WallClock::time_point now = bgp::WallClock::now();
  std::unique_ptr<StateSource> source;
  if (!options.replay.empty()) {
    if (options.now) {
      auto t = bgp::parse_instant(*options.now);
      if (!t) {
        return finish(unknown_result("--now: " + t.error()));
      }
      now = *t;
    }
    std::vector<ReplaySpec> replays;
    for (const auto& [router, file] : options.replay) {
      replays.push_back({router, file});
    }
    source = std::make_unique<ReplaySource>(std::move(replays), now);
  } else if (options.collector) {
    // SPEC: collector data older than 3 intervals is Unknown (fail closed).
    auto url = parse_collector_url(*options.collector);
    if (!url) {
      return finish(unknown_result("--collector: " + url.error()));
    }
    auto client = load_collector_client(config->collector_client);
    if (!client) {
      return finish(unknown_result(client.error()));
    }
    source = make_collector_source(*options.collector,
                                   std::chrono::duration_cast<std::chrono::seconds>(3 * config->collector.interval),
                                   std::move(*client));
  } else {
    if (auto local = check_netconf_local(config->netconf); !local) {
      return finish(unknown_result(local.error()));
    }
    source = std::make_unique<NetconfSource>(config->netconf);
  }

  Inventory inventory(*config);
  NrpeContext context{*config, inventory, *source, now, deadline,
                      [&](const std::string& what) { watchdog.waiting_for(what); },
                      {}};
  if (!options.now) {
    context.clock = [] { return bgp::WallClock::now(); }; // --now: judged at --now
  }
  const CheckResult result = run_nrpe_check(options, context);
  return finish(result);
}

} // namespace bgpwatch::collector
