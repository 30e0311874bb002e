// collector/cli/cmd_check.cpp: `bgpwatch check --node N [gate options]`: one
// poll, one verdict, the SPEC exit code (0 ready, 1 not ready, 2 usage or
// configuration, 3 unknown). The pre-uncordon check.
#include "collector/gate/command.hpp"

namespace bgpwatch::collector {

int cmd_check(const GlobalOptions& global, const CommandArgs& args)
{
  return run_one_poll(GateCommand::check, global, args);
}

} // namespace bgpwatch::collector
