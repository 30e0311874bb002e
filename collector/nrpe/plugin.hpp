// collector/nrpe/plugin.hpp: the Icinga/NRPE plugin's decision and its output
// (SPEC "Icinga/NRPE mode", Monitoring Plugins Development Guidelines).
//
// classify() is pure: verdicts + thresholds in, one CheckResult out; the
// plugin state is computed in exactly one place with the guidelines'
// severity order (collector/exit_code.hpp worst()). render_plugin_output()
// is the only formatter: first line `BGPWATCH STATE - summary | perfdata`,
// then long output, capped at 1024 bytes (NRPE v2) unless --long.
#pragma once

#include "bgp/ranges.hpp"
#include "bgp/readiness.hpp"
#include "collector/base/exit_code.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::collector {

struct Thresholds
{
  // -w / -c: on the number of expected sessions known not ready.
  std::optional<bgp::Range> warning;
  bgp::Range critical{0.0, 0.0, false}; // default "-c 0": any not ready is CRITICAL
  // --warn-uptime: an Established session younger than this is a WARNING
  // (it flapped recently).
  std::optional<std::chrono::seconds> warn_uptime;
  // --min-uptime (also given to bgp::evaluate): only used to explain
  // too_young sessions in the long output.
  std::chrono::seconds min_uptime{0};
  // --critical-budget: a session whose routes the router keeps stale
  // (graceful restart) is a WARNING, a CRITICAL once fewer seconds than
  // this are left before the router withdraws them. 0: never CRITICAL.
  std::chrono::seconds critical_budget{30};
};

enum class CheckMode : std::uint8_t { node, site };

struct NodeVerdict
{
  std::string node;
  bgp::Verdict verdict;
  // Per verdict.sessions (same index; shorter means none): for a session
  // that is down (not_established) while its router still keeps its routes
  // stale, the whole seconds left then (> 0; bgp::stale_routes_expire_at
  // judged at the check's now). Such a session does not count as not ready
  // for -w/-c: it is a WARNING, or CRITICAL under --critical-budget.
  std::vector<std::optional<std::int64_t>> stale_seconds_left;
};

// Site mode: a router peer in the site's AS that matches no known node
// (a decommissioned node still configured on the router).
struct UnknownPeer
{
  std::string router;
  bgp::Address address;
  bgp::SessionState state = bgp::SessionState::unknown;
};

struct RouterStatus
{
  std::string name;
  bool readable = false;
  std::string error; // why not, when !readable
};

struct CheckInput
{
  CheckMode mode = CheckMode::node;
  std::string target;            // the node (node mode) or the site (site mode)
  std::vector<NodeVerdict> nodes; // node mode: exactly one
  std::vector<std::string> cordoned; // site mode: nodes skipped (cordoned in Kubernetes)
  std::vector<UnknownPeer> unknown_peers;
  std::vector<RouterStatus> routers; // the routers asked, in config order
};

// One performance datum: 'label'=value[UOM];[warn];[crit];[min];[max].
struct PerfDatum
{
  std::string label;
  std::string value; // a plain number, or "U" when it could not be determined
  std::string uom;   // "", "s", "c"
  std::string warn;
  std::string crit;
  std::string min;
  std::string max;

  // Quotes the label when it holds a space, '=' or '\'' (doubling quotes);
  // trailing empty fields are dropped.
  std::string to_string() const;
};

struct CheckResult
{
  PluginState state = PluginState::unknown;
  std::string summary;
  std::vector<PerfDatum> perfdata;
  std::vector<std::string> details; // long output, most severe first
};

CheckResult classify(const CheckInput& input, const Thresholds& thresholds);

// An UNKNOWN result for errors that stop the check before any verdict
// (bad config, node not found, timeout).
CheckResult unknown_result(std::string summary, std::vector<std::string> details = {});

struct RenderOptions
{
  // Whole output, final newline included. Empty: --long, no limit.
  std::optional<std::size_t> max_bytes = k_nrpe_v2_max_bytes;

  static constexpr std::size_t k_nrpe_v2_max_bytes = 1024; // NRPE v2 packet buffer
};

// "BGPWATCH CRITICAL - summary | perfdata\nlong line\n…". When capped, long
// lines that do not fit are replaced by "… and N more", and if the first
// line alone is too long, perfdata is dropped from the end.
std::string render_plugin_output(const CheckResult& result, const RenderOptions& options);

// "OK", "WARNING", "CRITICAL", "UNKNOWN".
std::string_view to_string(PluginState state) noexcept;

// Human text for plugin output: '|' removed (it starts perfdata), line
// breaks become spaces.
std::string sanitize_text(std::string_view text);

// Labels must be unique in their first 19 characters (guidelines): later
// colliding labels get a numeric prefix ("2_…") until they are.
void make_labels_unique(std::vector<PerfDatum>& perfdata);

// The long-output line of one session: "cr2-eqiad ipv6 2620:0:861:103:10:64:32:23
// Active for 41s, 3 flaps"; with `stale_left`: "… Active for 45s, routes kept
// for 75 s more on cr1-eqiad, 3 flaps".
std::string describe_session(const bgp::SessionVerdict& verdict, const Thresholds& thresholds,
                             std::optional<std::int64_t> stale_left = std::nullopt);

} // namespace bgpwatch::collector
