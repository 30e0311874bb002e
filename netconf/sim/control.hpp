// netconf/sim/control.hpp: a test drives the simulated routers while they run.
//
// A control file (JSON Lines, named by the scenario's "control" or --control)
// holds events {"node": NAME, "at_unix": T, "script": "restart"|"down"}. Every
// simulator process (one per SSH session, one router each) reads it again on
// each RPC and overlays the events on the timelines of the node's peers: from
// T on, the scenario's own events are replaced by the script's. So a roll
// test's CMD (`echo '{…}' >> control`) makes the node's sessions drop and come
// back on every router serving it at once, like a calico-node restart.
//
//   restart: Idle at T, Connect +2 s, Active +4 s, OpenSent +6 s, Established
//            at T + up_after (default 8 s; "up_after" in the event overrides)
//   down:    Idle at T, Active +2 s, and never Established again
//
// Pure: parse_control and overlay_control take text and values; only
// read_control touches the file.
#pragma once

#include "bgp/expected.hpp"
#include "netconf/sim/scenario.hpp"
#include "netconf/sim/server.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::netconf::sim {

enum class ControlScript : std::uint8_t { restart, down };

struct ControlEvent
{
  std::string node;     // as in the scenario's "nodes" (FQDN) or its first DNS label
  double at_unix = 0;   // when the sessions drop
  ControlScript script = ControlScript::restart;
  double up_after = 8;  // restart: seconds from the drop to Established
};

inline constexpr double k_default_up_after = 8;

// Parses JSON Lines; blank lines are skipped. A last line without its newline
// is a write still in progress and is ignored (the writer appends whole lines).
// Errors name the line: "control line 3: ...".
Expected<std::vector<ControlEvent>, std::string> parse_control(std::string_view text);

// The file's events; a missing file is no events (nothing happened yet).
Expected<std::vector<ControlEvent>, std::string> read_control(const std::string& path);

// The router with the events applied to the peers of each event's node (peers
// carry the node they were made for, PeerSpec::node). start_unix is the
// scenario start: event times become scenario times.
RouterSpec overlay_control(const RouterSpec& router, const std::vector<ControlEvent>& events, double start_unix);

// A ReplySource that re-reads the control file on every RPC and answers from
// the overlaid router. A control file that cannot be read or parsed makes the
// RPC fail (an <rpc-error> naming it): a test never silently runs without it.
class ControlledReplySource final : public ReplySource
{
public:
  ControlledReplySource(const RouterSpec& router, std::string control_path, double start_unix)
    : m_router(router), m_path(std::move(control_path)), m_start(start_unix)
  {
  }
  Expected<std::string, std::string> bgp_summary(double t) override;
  // The neighbor detail from the same overlaid timeline: a restart in the
  // control file must show in both RPCs, or the gate's route-level check
  // reads the detail of a session the summary says is gone.
  Expected<std::string, std::string> bgp_neighbors(double t, const std::optional<bgp::Address>& only) override;

private:
  const RouterSpec& m_router;
  std::string m_path;
  double m_start;
};

} // namespace bgpwatch::netconf::sim
