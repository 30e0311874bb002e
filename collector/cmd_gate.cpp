// Placeholder until this command is built; it refuses to run rather than
// pretend. Owner replaces this file.
#include "collector/commands.hpp"
#include "collector/exit_code.hpp"

#include <iostream>

namespace bgpwatch::collector {

int cmd_gate(const GlobalOptions&, const CommandArgs&)
{
  std::cerr << "bgpwatch: 'gate' is not implemented in this build\n";
  return to_int(ExitCode::usage);
}

} // namespace bgpwatch::collector
