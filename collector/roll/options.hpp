// collector/roll/options.hpp: `bgpwatch roll` command line (SPEC "Additions").
#pragma once

#include "bgp/expected.hpp"
#include "collector/base/invocation.hpp"
#include "collector/gate/options.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::collector {

struct RollOptions
{
  std::string site;                             // --site (required)
  std::vector<std::string> nodes;               // --nodes N1,N2 (order kept)
  std::optional<std::string> selector;          // --selector LABEL=VALUE (Kubernetes node label)
  std::size_t max_unavailable = 1;              // --max-unavailable K
  std::chrono::milliseconds settle{0};          // --settle D
  bool dry_run = false;                         // --dry-run
  std::optional<std::string> state_path;        // --state FILE
  bool drain = false;                           // --drain
  std::chrono::milliseconds drain_timeout{5 * 60 * 1000}; // --drain-timeout D
  std::chrono::milliseconds preflight_timeout{10 * 60 * 1000}; // --preflight-timeout D
  std::chrono::milliseconds lock_ttl{60 * 1000};   // --lock-ttl D
  std::string lock_dir = "/run/lock";              // --lock-dir DIR (no Kubernetes inventory)
  std::string lease_namespace = "kube-system";     // --lease-namespace NS (Kubernetes inventory)
  GateCliOptions gate;                             // the gate options: --timeout, --interval, --min-uptime...
  std::vector<std::string> command;                // after "--"
  bool help = false;
};

// Errors are one line for "bgpwatch roll: <error>" (exit 2).
Expected<RollOptions, std::string> parse_roll_command_line(const CommandArgs& args);

std::string roll_usage();

// --selector: one Kubernetes label equality LABEL=VALUE (LABEL may carry a
// DNS prefix and '/'; [A-Za-z0-9._-], at most 63 characters each side).
// Empty when valid, else why not.
std::optional<std::string> roll_selector_error(std::string_view selector);

} // namespace bgpwatch::collector
