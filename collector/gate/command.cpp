// collector/gate/command.cpp: status/check and the shared front of the gate
// commands (see gate_command.hpp).
#include "collector/gate/command.hpp"

#include "bgp/timeparse.hpp"
#include "collector/gate/wait.hpp"
#include "collector/render/json.hpp"
#include "collector/render/table.hpp"
#include "collector/render/json_text.hpp"

#include <iostream>
#include <sstream>

namespace bgpwatch::collector {

std::optional<int> handle_command_line(GateCommand command, const CommandArgs& args, GateCommandLine& out)
{
  auto line = parse_gate_command_line(command, args);
  if (!line) {
    std::cerr << "bgpwatch " << to_string(command) << ": " << line.error() << "\n"
              << "(bgpwatch " << to_string(command) << " --help lists the options)\n";
    return to_int(ExitCode::usage);
  }
  if (line->help) {
    std::cout << gate_usage(command);
    return to_int(ExitCode::ok);
  }
  out = std::move(*line);
  return std::nullopt;
}

std::optional<int> handle_prepare(GateCommand command, const GlobalOptions& global, GateCommandLine line,
                                  bgp::WallClock::time_point started, SteadyClock::time_point deadline,
                                  std::optional<GateContext>& out)
{
  auto context = prepare_gate(command, global, std::move(line), started, deadline);
  if (!context) {
    std::cerr << "bgpwatch " << to_string(command) << ": " << context.error().message << "\n";
    return to_int(context.error().code);
  }
  for (const auto& w : context->warnings) {
    std::cerr << "bgpwatch " << to_string(command) << ": warning: " << w << "\n";
  }
  // The operator sees at once which restart the wait is about.
  if (context->since_from.starts_with("auto")) {
    std::cerr << "bgpwatch " << to_string(command) << ": --since "
              << (context->options.since ? bgp::format_rfc3339(*context->options.since) : std::string("-")) << " ("
              << context->since_from << ")\n";
  }
  out.emplace(std::move(*context));
  return std::nullopt;
}

int run_one_poll(GateCommand command, const GlobalOptions& global, const CommandArgs& args)
{
  const auto started = bgp::WallClock::now();
  GateCommandLine line;
  if (auto rc = handle_command_line(command, args, line)) {
    return *rc;
  }
  std::optional<GateContext> context;
  // Inventory look-ups and the poll share one budget: check has no --timeout.
  const auto deadline_probe = SteadyClock::now();
  if (auto rc = handle_prepare(command, global, std::move(line), started, deadline_probe + std::chrono::seconds(30),
                               context)) {
    return *rc;
  }
  const auto deadline = SteadyClock::now() + poll_budget(*context);
  const auto render = [&](const GateReport& report) {
    std::ostringstream out;
    if (global.format == OutputFormat::json) {
      out << json_text(report_to_json(report), 2) << '\n';
    } else if (command == GateCommand::check) {
      render_check_text(report, out);
    } else {
      render_verdict_text(report, out);
    }
    std::cout << out.str() << std::flush;
  };
  // SIGINT/SIGTERM during the poll: exit 130/143 (poll_once).
  const GateReport report = poll_once(*context, deadline, render);
  render(report);
  return report.exit_code;
}

} // namespace bgpwatch::collector
