// collector/cli/cmd_collect.cpp: `bgpwatch collect [--listen ADDR:PORT]`: the
// daemon (SPEC "Collector"). Logs to stderr (journald-friendly).
#include "collector/cli/commands.hpp"
#include "collector/config/config.hpp"
#include "collector/daemon/daemon.hpp"
#include "collector/base/exit_code.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

namespace bgpwatch::collector {

namespace {

const std::string k_usage = std::string(
  "usage: bgpwatch collect [--listen ADDR:PORT]\n\n"
  "Polls every configured router each collector.interval over persistent NETCONF\n"
  "sessions and serves, read-only:\n"
  "  GET /metrics        Prometheus text format\n"
  "  GET /v1/sessions    every router's sessions (JSON, with poll age)\n"
  "  GET /v1/nodes/NAME  a node's expected sessions and readiness verdict\n"
  "  GET /healthz        liveness\n"
  "SIGHUP reloads the configuration (a bad one is refused, the old kept).\n\n"
  "options:\n"
  "  --listen ADDR:PORT  where to serve (default collector.listen, 127.0.0.1:9179)\n\n")
  + k_global_options_help + "exit codes: 0 stopped by SIGTERM/SIGINT, 2 usage or configuration error\n";

} // namespace

int cmd_collect(const GlobalOptions& global, const CommandArgs& args)
{
  DaemonOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << k_usage;
      return to_int(ExitCode::ok);
    }
    if (a == "--listen") {
      if (i + 1 >= args.size()) {
        std::cerr << "bgpwatch collect: --listen needs ADDR:PORT\n" << k_usage;
        return to_int(ExitCode::usage);
      }
      options.listen = args[++i];
    } else if (a.starts_with("--listen=")) {
      options.listen = a.substr(9);
    } else {
      std::cerr << "bgpwatch collect: unknown argument '" << a << "'\n" << k_usage;
      return to_int(ExitCode::usage);
    }
  }
  // Logs carry their own level and time for journald; INFO by default so
  // state changes are visible without -v.
  if (global.verbosity >= 0) {
    spdlog::set_level(global.verbosity >= 2 ? spdlog::level::debug : spdlog::level::info);
  }
  options.config_path = resolve_config_path(global.config_path);
  auto config = load_config_file(options.config_path);
  if (!config) {
    std::cerr << "bgpwatch collect: " << config.error().to_string() << "\n";
    return to_int(ExitCode::usage);
  }
  Daemon daemon(std::move(options), std::move(*config));
  return daemon.run();
}

} // namespace bgpwatch::collector
