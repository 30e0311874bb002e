// collector/cli/cmd_roll.cpp: `bgpwatch roll --site S [...] -- CMD...`: the
// site roll (collector/roll/runner.hpp). Usage errors exit 2.
#include "collector/base/exit_code.hpp"
#include "collector/cli/commands.hpp"
#include "collector/roll/options.hpp"
#include "collector/roll/runner.hpp"

#include <iostream>

namespace bgpwatch::collector {

int cmd_roll(const GlobalOptions& global, const CommandArgs& args)
{
  auto options = parse_roll_command_line(args);
  if (!options) {
    std::cerr << "bgpwatch roll: " << options.error() << "\n" << roll_usage();
    return to_int(ExitCode::usage);
  }
  if (options->help) {
    std::cout << roll_usage();
    return to_int(ExitCode::ok);
  }
  try {
    return run_roll(global, *options);
  } catch (const std::exception& e) {
    // SPEC: an unexpected internal error is exit 3 with one line, never a crash.
    std::cerr << "bgpwatch roll: internal error: " << e.what() << "\n";
    return to_int(ExitCode::unknown);
  }
}

} // namespace bgpwatch::collector
