// netconf/sim/mirror.hpp: the simulator's mirror mode. Instead of a
// scenario timeline, each <get-bgp-summary-information/> runs a command that
// prints a live routing daemon's state - FRR's `vtysh -c 'show bgp summary
// json'` (FRR 8.4) - and answers with that state in Junos shape
// (/work/shared/junos-format.md §2, rendered by junos_reply.hpp), so
// bgpwatch talks NETCONF to "the router" while real BGP runs behind it.
//
// FRR summary JSON -> Junos terse bgp-peer:
//   "ipv4Unicast"/"ipv6Unicast".peers.ADDR   one bgp-peer per address (a
//                                  peer in both families is one peer with
//                                  two RIBs); other address families skipped
//   remoteAs                       peer-as
//   state                          peer-state (Established -> format="Establ";
//                                  FRR's Clearing/Deleted -> Idle)
//   peerUptimeMsec / 1000          elapsed-time seconds= (FRR resets the
//                                  timer on every up and down transition,
//                                  like Junos' Last Up/Dwn; "never" = 0)
//   connectionsDropped             flap-count
//   msgRcvd / msgSent / outq       input-messages / output-messages / route-queue-count
//   desc                           description
//   pfxRcd (Established only)      bgp-rib inet.0 / inet6.0 received, accepted
//                                  and active: FRR's summary has one count
//                                  (prefixes accepted into the Adj-RIB-In);
//                                  that it is also "active" is an assumption
//                                  that holds for the lab's node routes.
//   group-count                    1 (FRR has no Junos groups; the lab's
//                                  neighbors are one group of k8s nodes)
//
// FRR `show bgp neighbors json` (FRR 8.4) -> Junos detail bgp-peer
// (<get-bgp-neighbor-information>, rendered by neighbor.hpp), only what FRR
// tells; everything else is left out (never guessed):
//   key / remoteAs / localAs / nbrDesc   peer-address / peer-as / local-as / description
//   bgpState                       peer-state; "(Admin)" -> bgp-options-extended
//                                  Shutdown; "(PfxCt)" -> peer-flags Idled
//   connectionsDropped             flap-count
//   lastNotificationReason         last-error: the code name before '/'
//                                  ("Cease/Administrative Shutdown" -> Cease);
//                                  no last-state (FRR does not keep it)
//   bgpTimerConfiguredHoldTimeMsecs holdtime; messageStats.totalRecv/Sent
//                                  input-/output-messages
//   addressFamilyInfo keys         address-families (ipv4Unicast inet-unicast,
//                                  ipv6Unicast inet6-unicast)
//   Established, the peer's GR capability received
//   (neighborCapabilities.gracefulRestart "advertisedAndReceived"/"received"):
//     gracefulRestartInfo.timers.receivedRestartTimer  peer-restart-time-received
//     <family>.timers.stalePathTimer                   peer-stale-route-time-configured
//     activated families in addressFamiliesByPeer      peer-restart-nlri-received/-negotiated
//     gracefulRestartInfo.endOfRibRecv / endOfRibSend  peer-end-of-rib-received / -sent
//     rBit / nBit                                      peer-restart-flags-received
//                                                      "Restarting" / "Notification"
//   down with FRR's restart timer running (gracefulRestartTimerMsecs,
//   timers.restartTimerRemaining: FRR keeps the routes stale):
//     receivedRestartTimer -> peer-restart-time-received; no NLRI lists
//   addressFamilyInfo.<family>.acceptedPrefixCounter  bgp-rib accepted-prefix-count
//     (Established, or down and stale); bgp-rib-state: down and stale ->
//     "BGP restart in progress"; Established: endOfRibStatus.endOfRibRecv ->
//     "BGP restart is complete", else with the stale path timer running
//     (stalePathTimerRemaining) "BGP restart in progress", else absent
//   With <neighbor-address>, only that peer (an empty reply when none).
#pragma once

#include "bgp/expected.hpp"
#include "netconf/sim/neighbor.hpp"
#include "netconf/sim/scenario.hpp"
#include "netconf/sim/server.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::netconf::sim {

// Pure: FRR `show bgp summary json` text -> peers in address order. Errors
// name what is wrong ("not JSON: ...", "peer 'x': no state").
Expected<std::vector<PeerView>, std::string> frr_summary_to_peers(std::string_view json_text);

// Pure: FRR `show bgp neighbors [ADDR] json` text -> neighbor detail views
// in address order (the mapping is in the comment above).
Expected<std::vector<NeighborView>, std::string> frr_neighbors_to_views(std::string_view json_text);

struct MirrorOptions
{
  std::string command;                  // run with /bin/sh -c
  std::string neighbor_command;         // FRR 'show bgp neighbors json'; empty: no neighbor detail
  std::chrono::milliseconds timeout{10'000};
  std::size_t max_output = 16u << 20;
  std::string release = "21.4R3-S4.9"; // Junos release in the namespace
};

// Runs the command on every request; its failure (exit status, timeout,
// unparsable output) becomes an <rpc-error> the client sees.
class MirrorReplySource final : public ReplySource
{
public:
  explicit MirrorReplySource(MirrorOptions options) : m_options(std::move(options))
  {
  }
  Expected<std::string, std::string> bgp_summary(double t) override;
  Expected<std::string, std::string> bgp_neighbors(double t, const std::optional<bgp::Address>& only) override;

private:
  MirrorOptions m_options;
};

// Runs `command` through /bin/sh -c with a deadline; stdout on exit 0, else
// an error with the exit status and the start of stderr.
Expected<std::string, std::string> run_mirror_command(const std::string& command, std::chrono::milliseconds timeout,
                                                      std::size_t max_output);

} // namespace bgpwatch::netconf::sim
