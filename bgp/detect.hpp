// bgp/detect.hpp: which format a saved input is in, decided from its content
// alone (never from the file name): `bgpwatch parse` and --replay use it.
// Pure: looks at bytes, reads nothing.
#pragma once

#include <string_view>

namespace bgpwatch::bgp {

enum class InputFormat { junos_xml, junos_text, bird, pcap, unknown, junos_neighbor_xml, junos_neighbor_text };

// "junos-xml", "junos-text", "bird", "pcap", "unknown", "junos-neighbor-xml",
// "junos-neighbor-text" (the SPEC's names).
std::string_view to_string(InputFormat format) noexcept;

// pcap / pcapng by magic number; Junos XML when the first element (after an
// optional BOM, whitespace, XML declaration and comments) is rpc-reply,
// bgp-information or multi-routing-engine-results, with or without a
// namespace prefix, or any other declared, hyphenated or prefixed root (so
// the XML parser reports the wrong root precisely); BIRD when a line is BIRD's greeting ("BIRD 1.6.8
// ready."), its protocol table header ("name proto table state since info")
// or a control-socket reply code line ("2002-name ..."); Junos text when a
// line is the summary header ("Groups: N Peers: N ..."), the peer table
// header ("Peer AS InPkt ..."), a `show bgp summary` command echo, or when
// the first non-blank line starts with an IP address (a `| match` paste).
// Anything else is unknown. Neighbor detail (detect_neighbor_format below)
// is told apart first: junos-neighbor-xml / junos-neighbor-text.
InputFormat detect_format(std::string_view content) noexcept;

// The Junos neighbor-detail formats alone (issue 14): "junos-neighbor-xml"
// for a <get-bgp-neighbor-information> reply, "junos-neighbor-text" for
// `show bgp neighbor` text; detect_format gives the same answer as
// InputFormat values.
enum class NeighborFormat { none, junos_neighbor_xml, junos_neighbor_text };
std::string_view to_string(NeighborFormat format) noexcept; // "none" and the names above

// XML: detect_format says junos-xml and the first <bgp-peer> is a detail
// one (style="detail", or it holds a detail-only element before it ends:
// peer-flags, last-state, peer-type, local-address, bgp-option-information).
// Text: the first line that is not blank, a prompt, a banner or a
// `show bgp neighbor` command echo starts with "Peer: <address>" followed
// by "AS". A reply with no peer at all (<bgp-information/>) is not
// neighbor detail: it reads the same as an empty summary.
NeighborFormat detect_neighbor_format(std::string_view content) noexcept;

} // namespace bgpwatch::bgp
