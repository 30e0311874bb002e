// netconf/sim/scenario.hpp: the simulator's world, read from a scenario
// file (JSON, format in fixtures/scenarios/README.md): sites, nodes,
// routers, each router's peers with a timeline of states, and faults.
// Time is "seconds since the scenario start"; the start is an absolute
// instant (file or --start), so every SSH session of one run, each a new
// simulator process, sees the same clock.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"
#include "netconf/framing.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bgpwatch::netconf::sim {

struct RibView
{
  std::string name;
  std::uint64_t active = 0;
  std::uint64_t received = 0;
  std::uint64_t accepted = 0;
  std::uint64_t suppressed = 0;
};

// One peer as the router reports it at one instant.
struct PeerView
{
  std::string address;
  std::uint32_t peer_as = 0;
  std::optional<std::string> description;
  bgp::SessionState state = bgp::SessionState::idle;
  std::int64_t elapsed_seconds = 0; // since the last state change
  std::uint64_t flaps = 0;
  std::uint64_t input_messages = 0;
  std::uint64_t output_messages = 0;
  std::uint64_t output_queue = 0;
  std::vector<RibView> ribs; // only when Established (Junos shows no RIB line otherwise)
};

struct TimelineEvent
{
  double at = 0; // seconds since start (negative: before it)
  bgp::SessionState state = bgp::SessionState::idle;
  // Prefix counts from this event on (default: 1 received/accepted/active).
  std::optional<std::uint64_t> received, accepted, active;
  // Neighbor detail (issue 14, neighbor.hpp): on an Established event,
  // seconds until End-of-RIB arrives (overrides the peer's); on a down event,
  // "prefix_limit" or "admin_shutdown" (terminal states), and the router's
  // last-error text.
  std::optional<double> end_of_rib_after{};
  std::optional<std::string> teardown{};
  std::optional<std::string> last_error{};
};

// Graceful restart negotiated with the peer (RFC 4724), as the router's
// neighbor detail shows it.
struct GracefulRestartSpec
{
  std::uint32_t restart_time = 120;     // the peer's OPEN: Calico's BIRD announces 120
  std::uint32_t stale_route_time = 300; // the router's stale-routes-time
  double end_of_rib_after = 0;          // seconds after Established until End-of-RIB
};

struct PeerSpec
{
  std::string address; // canonical text
  std::uint32_t peer_as = 0;
  std::optional<std::string> description;
  std::uint64_t flaps = 0; // flaps before the timeline; each Established->down adds one
  std::uint64_t input_messages = 100;
  std::uint64_t output_messages = 100;
  std::vector<TimelineEvent> timeline; // sorted by at; absent from the reply before the first
  std::optional<GracefulRestartSpec> graceful_restart{}; // empty: not negotiated
  bool unconfigured = false; // no neighbor statement on the router (peer-flags "Unconfigured")
  std::string node;                    // the scenario node this peer was made for (node_peers), else ""
};

enum class FaultKind : std::uint8_t {
  delay,             // answer after `seconds`
  drop,              // exit (channel closes) instead of answering
  truncate,          // send part of the framed reply, then exit
  bad_chunk_header,  // chunked framing: a malformed chunk header
  garbage,           // a frame that is not XML
  rpc_error,         // <rpc-error> severity error with `message`
  warning,           // <rpc-error> severity warning next to the data
  never_answer,      // read the request, never reply
  wrong_message_id,  // reply with another message-id
  oversize,          // pad the reply with `bytes` bytes of whitespace
};
Expected<FaultKind, std::string> parse_fault_kind(std::string_view name);

struct Fault
{
  FaultKind kind = FaultKind::delay;
  std::optional<double> from, until; // active window, seconds since start
  double seconds = 0;                // delay
  std::string message = "simulated failure";
  std::uint64_t bytes = 0;           // oversize
  std::string rpc = "get-bgp-summary-information"; // "*" = every RPC
};

struct RouterSpec
{
  std::string name;
  Framing framing = Framing::eom; // chunked: also offers base:1.1
  std::string release = "21.4R3-S4.9";
  std::uint64_t groups = 1;
  std::vector<PeerSpec> peers;
  std::vector<Fault> faults;
};

struct Scenario
{
  std::optional<std::int64_t> start_unix; // "start" in the file
  std::string control_path;               // "control": JSON Lines events (control.hpp), as written in the file
  std::map<std::string, RouterSpec> routers;
};

// Parses a scenario file's text; errors name the JSON path ("routers.cr1-eqiad.peers[2].timeline[0].state: ...").
Expected<Scenario, std::string> parse_scenario(std::string_view json_text);
Expected<Scenario, std::string> load_scenario(const std::string& path);

// The router's peers at t seconds since start, in file order.
std::vector<PeerView> peers_at(const RouterSpec& router, double t);

// The first fault active for `rpc` at t, or nullptr.
const Fault* active_fault(const RouterSpec& router, std::string_view rpc, double t);

// Junos "Last Up/Dwn" text: 24, 3:44, 2:28:38, 2d 3:10:47, 1w2d 5:31:33.
std::string junos_elapsed_text(std::int64_t seconds);

} // namespace bgpwatch::netconf::sim
