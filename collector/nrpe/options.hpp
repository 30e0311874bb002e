// collector/nrpe/options.hpp: the plugin's command line (SPEC "Icinga/NRPE
// mode"). Parsing is pure so every option and every usage error is a unit
// test; cmd_nrpe.cpp turns a usage error into "UNKNOWN + short usage".
//
// The plugin is also reached as check_bgpwatch, where no global options are
// parsed, so --config lives here too (and -c means --critical, as the
// guidelines reserve it).
#pragma once

#include "bgp/expected.hpp"
#include "bgp/ranges.hpp"
#include "collector/base/invocation.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bgpwatch::collector {

enum class NrpeAction : std::uint8_t { check, help, version };

struct NrpeOptions
{
  NrpeAction action = NrpeAction::check;
  std::optional<std::string> node;
  std::optional<std::string> site;
  std::optional<bgp::Range> warning;               // -w
  bgp::Range critical{0.0, 0.0, false};            // -c, default "0"
  std::optional<std::chrono::seconds> warn_uptime; // --warn-uptime
  std::chrono::seconds min_uptime{0};              // --min-uptime
  std::chrono::seconds critical_budget{30};        // --critical-budget: stale routes about to go
  std::string family = "both";                     // --family ipv4|ipv6|both
  std::chrono::milliseconds timeout{10'000};       // -t/--timeout (seconds or a duration)
  bool long_output = false;                        // --long: no 1024-byte cap
  int verbosity = 0;                               // -v (repeatable): logs to stderr
  std::optional<std::string> config_path;          // --config
  std::vector<std::pair<std::string, std::string>> replay; // --replay ROUTER=FILE
  std::optional<std::string> now;                  // --now T (with --replay)
  std::optional<std::string> collector;            // --collector URL
};

// Errors are one line, for "BGPWATCH UNKNOWN - <error>".
Expected<NrpeOptions, std::string> parse_nrpe_options(const CommandArgs& args);

// Short usage (for errors) and the full --help text.
std::string nrpe_usage(std::string_view program);
std::string nrpe_help(std::string_view program);

} // namespace bgpwatch::collector
