// collector/cli/completion.hpp: `bgpwatch completion bash|zsh`. The scripts
// are generated from the command table and each command's --help text (the
// flags are read from it, the same text the man page test checks), and ask
// the binary itself for node names (`bgpwatch [--config F] completion
// __nodes`: the static inventory's FQDNs and short names).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::collector {

struct CompletionCommand
{
  std::string name;
  std::vector<std::string> flags; // "--node", "-w", ... as its --help lists them
};

struct CompletionModel
{
  std::vector<std::string> global_flags;
  std::vector<CompletionCommand> commands;
};

// Flags a help text mentions: "--long-name" anywhere, "-x" standing alone
// (between spaces, brackets, parentheses, '|' or ','), sorted, unique.
std::vector<std::string> flags_in_help(std::string_view help);

std::string bash_completion(const CompletionModel& model);
std::string zsh_completion(const CompletionModel& model);

} // namespace bgpwatch::collector
