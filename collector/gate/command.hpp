// collector/gate/command.hpp: the command-line front of status and check
// (one poll) and the helpers wait-established and gate share with them:
// option errors and start-up failures printed the same way everywhere.
#pragma once

#include "collector/base/invocation.hpp"
#include "collector/gate/options.hpp"
#include "collector/gate/run.hpp"

#include <optional>

namespace bgpwatch::collector {

// status / check: parse, prepare, one poll, render, exit code.
int run_one_poll(GateCommand command, const GlobalOptions& global, const CommandArgs& args);

// Parses the command line; on --help prints usage and returns 0, on error
// prints "bgpwatch CMD: error" and returns 2. Empty optional: go on.
std::optional<int> handle_command_line(GateCommand command, const CommandArgs& args, GateCommandLine& out);

// Prepares the context; on failure prints it and returns its exit code.
std::optional<int> handle_prepare(GateCommand command, const GlobalOptions& global, GateCommandLine line,
                                  bgp::WallClock::time_point started, SteadyClock::time_point deadline,
                                  std::optional<GateContext>& out);

} // namespace bgpwatch::collector
