// collector/cli/commands.hpp: the subcommands. Each lives in its own
// cmd_<name>.cpp, parses its own flags, and returns an exit code
// (collector/base/exit_code.hpp). The dispatcher is collector/cli/cli.cpp.
#pragma once

#include "collector/base/invocation.hpp"

namespace bgpwatch::collector {

int cmd_parse(const GlobalOptions& global, const CommandArgs& args);
int cmd_summary(const GlobalOptions& global, const CommandArgs& args);
int cmd_status(const GlobalOptions& global, const CommandArgs& args);
int cmd_wait_established(const GlobalOptions& global, const CommandArgs& args);
int cmd_check(const GlobalOptions& global, const CommandArgs& args);
int cmd_gate(const GlobalOptions& global, const CommandArgs& args);
int cmd_roll(const GlobalOptions& global, const CommandArgs& args);
int cmd_nrpe(const GlobalOptions& global, const CommandArgs& args);
int cmd_collect(const GlobalOptions& global, const CommandArgs& args);
int cmd_sniff(const GlobalOptions& global, const CommandArgs& args);
int cmd_bird(const GlobalOptions& global, const CommandArgs& args);

// The whole CLI: argv in, exit code out. main() is a one-line call to this.
int run_cli(int argc, char** argv);

} // namespace bgpwatch::collector
