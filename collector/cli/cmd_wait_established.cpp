// collector/cli/cmd_wait_established.cpp: `bgpwatch wait-established --node N
// [gate options]`: poll until the node is ready (exit 0) or the deadline
// passes (1 not ready, 3 unknown); SIGINT/SIGTERM: exit 1 with the report.
// The final report goes to stdout; progress: see Progress.
#include "collector/gate/command.hpp"
#include "collector/gate/wait.hpp"

#include <iostream>
#include <unistd.h>

namespace bgpwatch::collector {

int cmd_wait_established(const GlobalOptions& global, const CommandArgs& args)
{
  const auto started = bgp::WallClock::now();
  const auto steady_start = SteadyClock::now();
  GateCommandLine line;
  if (auto rc = handle_command_line(GateCommand::wait_established, args, line)) {
    return *rc;
  }
  const auto deadline = steady_start + line.options.timeout.value_or(k_default_timeout);
  std::optional<GateContext> context;
  if (auto rc = handle_prepare(GateCommand::wait_established, global, std::move(line), started, deadline, context)) {
    return *rc;
  }
  // Live table and JSON Lines on stdout; the change log (off a TTY) on
  // stderr, so stdout carries only the final report.
  const ProgressMode mode = progress_mode(global.format, STDOUT_FILENO);
  Progress progress(mode, mode == ProgressMode::log ? std::cerr : std::cout,
                    terminal_style(global.color, STDOUT_FILENO));
  const auto render = [&](const GateReport& r) { render_wait_result(r, global.format, std::cout); };
  const GateReport report = wait_until_ready(*context, deadline, progress, render);
  render(report);
  return report.exit_code;
}

} // namespace bgpwatch::collector
