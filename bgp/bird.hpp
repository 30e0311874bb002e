// bgp/bird.hpp: BIRD's `show protocols [all]` and `show status` replies
// (BIRD 1.6 and BIRD 2, raw control-socket bytes or birdc's human output)
// turned into the session model. Pure: `now` is a parameter.
//
// What a BIRD BGP protocol becomes (Session, source = bird, router unset):
//   protocol        the protocol name ("Global_10_64_0_1", "Mesh_...")
//   address         "Neighbor address:" (show protocols all); else derived
//                   from Calico's names Mesh_/Node_/Global_<addr> where '_'
//                   stands for '.' (IPv4) or ':' (IPv6; "__" = "::"), with an
//                   optional "_port_N" suffix dropped
//   peer_as         "Neighbor AS:"          local_as  "Local AS:" (BIRD 2)
//   local_address   "Source address:" (shown while the session is up)
//   description     "Description:"
//   state           the BGP state BIRD prints (info column / "BGP state:"):
//                   Idle Connect Active OpenSent OpenConfirm Established as
//                   such; "Close" (closing the connection) -> Idle; "Passive"
//                   (listening only, RFC 4271 8.2.1.1 passive open) ->
//                   Active; a protocol whose BIRD state is `down` (disabled,
//                   or shut down after an error) -> Idle ("Down").
//   uptime_seconds  now - "since" (the protocol's last state change; for an
//                   Established session when it came up, for a down one how
//                   long it has been down); empty without `now`. See
//                   bird_time.hpp for time-only and date-only forms.
//   last_error      "Last error:" ("BGP Error: Hold timer expired",
//                   "Received: Administrative shutdown"), else the error part
//                   of the info column; an RFC 8203 shutdown text BIRD shows
//                   as "Message:" is appended as `: "text"` like BIRD logs it
//                   (only to "Received: Administrative ...": BIRD keeps the
//                   message after later errors replace the notification)
//   ribs            one per "Routes:" line: BIRD 1.6 one per protocol (name =
//                   the table column, "master"), BIRD 2 one per channel (name
//                   = the channel's "Table:", "master4"/"master6").
//                   accepted = imported (routes in the table after the import
//                   filter), active = preferred (chosen as best), received =
//                   imported + filtered only when BIRD shows "filtered"
//                   (`import keep filtered`), else empty: BIRD does not keep
//                   what its filter rejected, so we do not invent it.
//                   "exported" has no field in the model and is dropped.
// flaps, message counters and output queue are not shown by BIRD: empty.
// Non-BGP protocols (kernel, device, direct, static, ...) are skipped.
// Unknown shapes (unknown reply codes, lines that are not protocol rows,
// unknown BIRD/BGP states, bad numbers or addresses in the fields above) are
// errors naming the line. Unknown detail keys are ignored: BIRD prints many
// (capabilities, timers, filters) and adds more between releases.
#pragma once

#include "bgp/bird_time.hpp"
#include "bgp/expected.hpp"
#include "bgp/session.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bgpwatch::bgp {

// `show protocols` or `show protocols all`. Header counts stay empty (BIRD
// has none). With `now` (BIRD's own clock: BirdStatus::server_time) uptimes
// are filled in; without it they are empty.
Expected<Summary, ParseError> parse_bird_protocols(std::string_view reply,
                                                   const std::optional<BirdTime>& now = std::nullopt);

// `show status`.
struct BirdStatus
{
  std::string version;                  // "1.6.8", "2.0.12"
  std::optional<std::string> router_id; // "10.64.0.121"
  std::optional<std::string> hostname;  // BIRD 2
  std::optional<BirdTime> server_time;  // "Current server time is ..."
  std::optional<BirdTime> last_reboot;
  std::optional<BirdTime> last_reconfiguration;
  // "Graceful restart recovery in progress": BIRD was started with -R
  // (calico-node does) and still waits for protocols (1.6) / channels (2)
  // to converge before it touches the kernel table.
  bool graceful_restart_recovery = false;
  std::optional<std::uint32_t> graceful_restart_waiting; // "Waiting for N protocols|channels to recover"
  std::optional<std::string> graceful_restart_wait_timer; // "235/240" (seconds left / configured)
  std::string daemon_state; // final line: "Daemon is up and running", "Shutdown in progress", ...
};

Expected<BirdStatus, ParseError> parse_bird_status(std::string_view reply);

// Calico's protocol names: "Mesh_10_64_0_1" -> 10.64.0.1,
// "Global_2620_0_861_101__1" -> 2620:0:861:101::1. Empty if the name is not
// one of Calico's.
std::optional<Address> address_from_calico_name(std::string_view protocol_name);

} // namespace bgpwatch::bgp
