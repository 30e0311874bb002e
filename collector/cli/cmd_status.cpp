// collector/cli/cmd_status.cpp: `bgpwatch status --node N`: the node's expected
// sessions, their states and the verdict, from one poll (exit codes as check).
#include "collector/gate/command.hpp"

namespace bgpwatch::collector {

int cmd_status(const GlobalOptions& global, const CommandArgs& args)
{
  return run_one_poll(GateCommand::status, global, args);
}

} // namespace bgpwatch::collector
