// netconf/sim/junos_reply.hpp: render what a Junos router answers to
// <get-bgp-summary-information/> (shape from /work/shared/junos-format.md
// §2): header counters, per-table brief bgp-rib, terse bgp-peer with the
// heading on the first peer, elapsed-time with junos:seconds, "Established"
// with junos:format="Establ", per-peer bgp-rib only when Established.
#pragma once

#include "netconf/message.hpp"
#include "netconf/sim/scenario.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::netconf::sim {

// <bgp-information xmlns="http://xml.juniper.net/junos/<release>/junos-routing">...</bgp-information>
std::string render_bgp_information(const std::vector<PeerView>& peers, std::string_view release,
                                   std::uint64_t groups);

// The <rpc-reply ...> envelope Junos uses (junos: namespace declared on it).
std::string rpc_reply(std::string_view message_id, std::string_view release, std::string_view body);

// <rpc-error> as Junos writes it.
std::string rpc_error_xml(std::string_view severity, std::string_view tag, std::string_view message,
                          std::string_view bad_element = {});

using netconf::xml_escape; // netconf/message.hpp

} // namespace bgpwatch::netconf::sim
