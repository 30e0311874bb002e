// collector/base/invocation.hpp: what every command is invoked with: the
// global flags (SPEC "Commands") and its own argument list. Lives below the
// CLI so that the rooms that parse a command's options (gate, nrpe, capture)
// need not include the CLI.
#pragma once

#include "collector/base/terminal.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bgpwatch::collector {

enum class OutputFormat { text, json };

struct GlobalOptions
{
  std::optional<std::string> config_path; // --config
  OutputFormat format = OutputFormat::text;
  int verbosity = 0; // -v: +1, -q: -1
  ColorMode color = ColorMode::auto_detect; // --color
  std::string program = "bgpwatch";
};

using CommandArgs = std::vector<std::string>; // arguments after the command name

// The last lines of every command's --help but nrpe's (one layout: usage,
// description, options, these, exit codes). The CLI takes them anywhere.
inline constexpr const char* k_global_options_help =
  "global options (before or after the command): --config F, --format text|json (-o),\n"
  "  --color auto|always|never, -v, -q\n";

} // namespace bgpwatch::collector
