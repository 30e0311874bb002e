// netconf/sim/neighbor.hpp: what the simulated router answers to
// <get-bgp-neighbor-information> (issue 14): the detail style bgp-peer of
// /work/shared/junos-format.md §3/§3a, with graceful restart on the
// scenario's timeline.
//
// No public capture shows a Junos router while it holds a restarting peer's
// stale routes (§3a, last point): the "stale" shape below is built from the
// elements §3a lists, and the docs say so (fixtures/scenarios/README.md).
//
// Per peer at time t (peers_at gives the base view):
//  - peer-flags "Sync"; "Unconfigured Sync" for an unconfigured peer; "Idled"
//    after a prefix_limit teardown; options add "Shutdown"
//    (bgp-options-extended) after an admin_shutdown teardown;
//  - last-state: OpenConfirm while Established, else the previous event's
//    state; last-error: the event's last_error, "Cease" after a teardown,
//    else "None";
//  - graceful restart (the peer's graceful_restart): while Established,
//    restart time received, stale-route time, NLRI negotiated (inet-unicast
//    or inet6-unicast), End-of-RIB sent, and End-of-RIB received once
//    end_of_rib_after seconds have passed since the session came up;
//    restart flags "Restarting Notification" when the session came back
//    after having been down (the peer restarted), else "Notification";
//  - while down after Established (not a teardown) and for less than the
//    restart time: the router keeps the routes stale: the restart time,
//    stale-route time and NLRI negotiated stay, and the table is listed with
//    the last counts and bgp-rib-state "BGP restart in progress".
#pragma once

#include "bgp/session.hpp"
#include "netconf/sim/scenario.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::netconf::sim {

// One table of a peer as the detail lists it, when the source says more
// (or less) than the scenario's counts (mirror mode: FRR gives only the
// accepted count, and a state only where it tells one).
struct NeighborRib
{
  RibView counts;
  bool only_accepted = false;       // print accepted-prefix-count only
  std::optional<std::string> state; // bgp-rib-state; absent when unknown
};

struct NeighborView
{
  PeerView peer;
  // Absent optionals and empty strings/lists: the element is not written.
  std::optional<std::string> last_state = "Idle";
  std::optional<std::string> last_error = "None";
  bool show_last_event = true; // RecvKeepAlive / Stop (the scenario's guess; FRR tells none)
  std::vector<std::string> flags;
  std::vector<std::string> options;
  std::vector<std::string> options_extended;
  bool unconfigured = false;
  std::uint32_t local_as = 14907;
  std::optional<std::string> peer_group;
  std::optional<std::uint64_t> holdtime = 90;
  std::optional<std::uint64_t> preference = 170;
  // Graceful restart: shown while Established or while routes are stale.
  bool show_restart = false;
  std::optional<std::uint32_t> restart_time;
  std::optional<std::uint32_t> stale_route_time;
  std::string nlri; // address-families: "inet-unicast" / "inet6-unicast" (space-separated)
  std::string restart_nlri_configured;
  std::string restart_nlri_received;
  std::string restart_nlri_negotiated;
  std::string end_of_rib_received; // families, space-separated; "" -> element absent
  std::string end_of_rib_sent;
  std::optional<std::string> restart_flags;
  std::optional<RibView> stale_rib; // down, routes kept
  bool restart_in_progress = false; // the rib's state
  // When set, the tables listed instead of peer.ribs / stale_rib.
  std::optional<std::vector<NeighborRib>> ribs;
};

// The neighbors at t, in file order; `only`: just that address (binary
// compare), none if the router has no such peer.
std::vector<NeighborView> neighbors_at(const RouterSpec& router, double t,
                                       const std::optional<bgp::Address>& only = std::nullopt);

// <bgp-information xmlns=".../<release>/junos-routing"> with one detail
// bgp-peer per view (an empty element when there is none, as Junos answers).
std::string render_bgp_neighbor_information(const std::vector<NeighborView>& neighbors, std::string_view release);

} // namespace bgpwatch::netconf::sim
