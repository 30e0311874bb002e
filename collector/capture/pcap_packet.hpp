// collector/capture/pcap_packet.hpp: from a captured frame to a TCP segment.
//
// Link layers: Ethernet (with any number of 802.1Q / 802.1ad / QinQ tags),
// Linux cooked capture v1 (SLL) and v2 (SLL2, what `-i any` gives), raw IP
// (DLT_RAW, LINKTYPE_IPV4/IPV6) and BSD loopback (DLT_NULL). Then IPv4 (no
// fragments) or IPv6 (extension headers skipped; fragments skipped), then
// TCP. Every field is read through bgp::ByteReader; the IP payload is cut to
// the IP length (Ethernet padding is not TCP data). Pure function of bytes.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/reassembly.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace bgpwatch::collector {

// pcap link-layer types (DLT_* values as libpcap reports them on Linux).
inline constexpr int k_dlt_null = 0;
inline constexpr int k_dlt_ethernet = 1;
inline constexpr int k_dlt_raw = 12;        // DLT_RAW on Linux (LINKTYPE_RAW 101 maps to it)
inline constexpr int k_linktype_raw = 101;  // as written in files
inline constexpr int k_dlt_linux_sll = 113;
inline constexpr int k_dlt_ipv4 = 228;
inline constexpr int k_dlt_ipv6 = 229;
inline constexpr int k_dlt_linux_sll2 = 276;

// Why a frame gave no TCP segment (counted, reported in the summary).
enum class SkipReason : std::uint8_t {
  unsupported_link,  // link type we do not decode
  truncated,         // shorter than its headers say
  not_ip,            // ARP, LLDP, ...
  not_tcp,
  ip_fragment,       // BGP speakers do not fragment; we do not reassemble IP
  bad_header,        // a header field out of range (IHL < 5, data offset < 5, ...)
};
std::string_view to_string(SkipReason reason) noexcept;

bool supported_link_type(int dlt) noexcept;
std::string_view link_type_name(int dlt) noexcept; // "EN10MB", "LINUX_SLL2", ...

// frame: the captured bytes (caplen). A TCP segment whose payload points into frame.
Expected<bgp::TcpSegment, SkipReason> parse_frame(int dlt, std::span<const std::uint8_t> frame, std::int64_t time_us);

} // namespace bgpwatch::collector
