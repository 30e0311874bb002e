// collector/gate/options.hpp: SPEC "Gate options", parsed once for check,
// status, wait-established and gate (and reusable by nrpe). Parsing only
// checks syntax and combinations; --since is resolved against the start time
// (or --now) by resolve_gate_options, so "-30s" means 30 s before the command
// started however long option parsing or inventory look-ups take.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/readiness.hpp"
#include "collector/base/invocation.hpp"
#include "collector/sources/replay_source.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::collector {

// --source: where state comes from. router,bird needs both views to agree.
enum class SourceKind { router, bird, wire, router_bird };
std::string_view to_string(SourceKind kind) noexcept; // "router", "bird", "wire", "router,bird"

struct GateCliOptions
{
  std::optional<std::chrono::milliseconds> timeout; // --timeout (default 10m where it applies)
  std::chrono::milliseconds interval{5000};          // --interval
  std::optional<std::string> since;                  // --since as written (syntax checked), "auto", "none"
  std::chrono::milliseconds min_uptime{0};           // --min-uptime
  bool require_prefixes = false;                     // --require-prefixes
  std::optional<bgp::Require> require;               // --require routes|established (default: per command)
  std::string family = "both";                       // --family ipv4|ipv6|both
  SourceKind source = SourceKind::router;            // --source
  std::vector<std::string> bird_sockets;             // --bird-socket (repeatable)
  std::optional<std::string> interface;              // --interface
  std::optional<std::string> collector_url;          // --collector
  std::vector<ReplaySpec> replays;                   // --replay ROUTER=FILE (repeatable)
  std::optional<bgp::WallClock::time_point> now;     // --now
};

inline constexpr std::chrono::milliseconds k_default_timeout{10 * 60 * 1000};
// --since auto (the default of wait-established and gate): when calico-node
// last started on the node (Kubernetes, else BIRD's "Last reboot"); --since
// none: no restart check (the explicit opt-out).
inline constexpr std::string_view k_since_auto = "auto";
inline constexpr std::string_view k_since_none = "none";

// A --since later than now by more than this is refused (exit 2): clocks of
// the machine that computed it and of this one may differ by a little.
inline constexpr std::chrono::seconds k_since_skew{2};
// Polling faster than this would hammer the routers' RPC daemons for no gain.
inline constexpr std::chrono::milliseconds k_min_interval{100};
// BIRD's control sockets in a Calico node (SPEC "bird").
inline const std::vector<std::string> k_default_bird_sockets = {"/var/run/calico/bird.ctl",
                                                                "/var/run/calico/bird6.ctl"};

// Parses one gate option at args[i] (both "--opt VALUE" and "--opt=VALUE"),
// advancing i past its value. Returns false if args[i] is not a gate option,
// an error (for a usage message, exit 2) if it is one with a bad or missing
// value.
Expected<bool, std::string> parse_gate_option(const CommandArgs& args, std::size_t& i, GateCliOptions& out);

// The four commands built on the verdict.
enum class GateCommand { status, check, wait_established, gate };
std::string_view to_string(GateCommand command) noexcept; // "status", "check", ...

struct GateCommandLine
{
  std::optional<std::string> node; // --node
  GateCliOptions options;
  std::vector<std::string> command; // gate: CMD [ARG...] after "--"
  bool help = false;
  bool interval_given = false; // check/status take --interval only with --collector
};

// The whole argument list of one of the four commands: --node, the gate
// options, "--help", and for gate "-- CMD...". Checks combinations (e.g.
// --timeout is refused by check/status, --now needs --replay, --replay and
// --collector exclude each other, gate needs a CMD). Errors are one line
// for "bgpwatch <command>: <error>".
Expected<GateCommandLine, std::string> parse_gate_command_line(GateCommand command, const CommandArgs& args);

// Usage text for --help.
std::string gate_usage(GateCommand command);

// The verdict's options: --since resolved against `reference` (when the
// command started, or --now; "auto" and "none" leave it unset: auto is
// prepare_gate's), --min-uptime, --require-prefixes. max_age is
// 3 intervals for --collector, else unset (a live poll or a replay file is
// judged as read).
Expected<bgp::GateOptions, std::string> resolve_gate_options(const GateCliOptions& options,
                                                             bgp::WallClock::time_point reference);

} // namespace bgpwatch::collector
