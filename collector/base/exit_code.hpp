// collector/base/exit_code.hpp: every exit code bgpwatch returns, in one place
// (README "Exit codes" is the same table).
#pragma once

#include "bgp/readiness.hpp"

namespace bgpwatch::collector {

// check / wait-established / gate (before CMD) / status:
//   0 ready, 1 not ready, 2 usage or configuration error, 3 unknown.
// parse / summary / sniff / bird: 0 ok, 2 usage/config, 3 input unreadable.
// nrpe: the Monitoring Plugins states OK/WARNING/CRITICAL/UNKNOWN = 0..3.
enum class ExitCode : int {
  ok = 0,
  not_ready = 1,
  usage = 2,
  unknown = 3,
};

enum class PluginState : int {
  ok = 0,
  warning = 1,
  critical = 2,
  unknown = 3,
};

// The verdict's exit code (SPEC "Exit codes"): the only mapping there is.
constexpr ExitCode exit_code_for(bgp::Readiness r) noexcept
{
  switch (r) {
  case bgp::Readiness::ready:
    return ExitCode::ok;
  case bgp::Readiness::not_ready:
    return ExitCode::not_ready;
  case bgp::Readiness::unknown:
    return ExitCode::unknown;
  }
  return ExitCode::unknown;
}

constexpr int to_int(ExitCode c) noexcept
{
  return static_cast<int>(c);
}
constexpr int to_int(PluginState s) noexcept
{
  return static_cast<int>(s);
}

// Monitoring Plugins severity order: numerically the order does not hold
// (UNKNOWN=3 ranks below CRITICAL=2): CRITICAL > WARNING > UNKNOWN > OK.
constexpr int plugin_rank(PluginState s) noexcept
{
  switch (s) {
  case PluginState::ok:
    return 0;
  case PluginState::unknown:
    return 1;
  case PluginState::warning:
    return 2;
  case PluginState::critical:
    return 3;
  }
  return 1;
}

constexpr PluginState worst(PluginState a, PluginState b) noexcept
{
  return plugin_rank(a) >= plugin_rank(b) ? a : b;
}

} // namespace bgpwatch::collector
