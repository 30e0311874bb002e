// collector/capture/pcap_packet.cpp: link layer, IP and TCP header parsing (see
// pcap_packet.hpp). Bounded reads only.
#include "collector/capture/pcap_packet.hpp"

#include "bgp/byte_reader.hpp"

#include <array>

namespace bgpwatch::collector {

namespace {

using bgp::ByteReader;
using Bytes = std::span<const std::uint8_t>;

inline constexpr std::uint16_t k_ethertype_ipv4 = 0x0800;
inline constexpr std::uint16_t k_ethertype_ipv6 = 0x86dd;
inline constexpr std::uint16_t k_ethertype_vlan = 0x8100; // 802.1Q
inline constexpr std::uint16_t k_ethertype_qinq = 0x88a8; // 802.1ad
inline constexpr std::uint16_t k_ethertype_qinq_old = 0x9100;
inline constexpr std::size_t k_max_vlan_tags = 8;
inline constexpr std::size_t k_ethernet_addresses = 12; // dst 6 + src 6
inline constexpr std::size_t k_sll_before_protocol = 14; // type 2 + arphrd 2 + addr len 2 + addr 8
inline constexpr std::size_t k_sll2_after_protocol = 18; // reserved 2 + ifindex 4 + arphrd 2 + pkttype 1 + addr len 1 + addr 8
inline constexpr std::uint8_t k_ip_proto_tcp = 6;
inline constexpr std::uint8_t k_ipv6_hop_by_hop = 0;
inline constexpr std::uint8_t k_ipv6_routing = 43;
inline constexpr std::uint8_t k_ipv6_fragment = 44;
inline constexpr std::uint8_t k_ipv6_destination = 60;
inline constexpr std::size_t k_max_ipv6_ext_headers = 8;

using Result = Expected<bgp::TcpSegment, SkipReason>;

Unexpected<SkipReason> skip(SkipReason r)
{
  return Unexpected(r);
}

Result parse_tcp(const bgp::Address& src, const bgp::Address& dst, Bytes segment, std::int64_t time_us)
{
  ByteReader r(segment);
  const auto sport = r.u16be();
  const auto dport = r.u16be();
  const auto seq = r.u32be();
  const auto ack = r.u32be();
  const auto offset_flags = r.u16be();
  if (!sport || !dport || !seq || !ack || !offset_flags) {
    return skip(SkipReason::truncated);
  }
  // RFC 9293 §3.1: Data Offset in 32-bit words, at least 5
  const std::size_t header_len = static_cast<std::size_t>((*offset_flags >> 12) & 0xf) * 4;
  if (header_len < 20) {
    return skip(SkipReason::bad_header);
  }
  if (segment.size() < header_len) {
    return skip(SkipReason::truncated);
  }
  bgp::TcpSegment out;
  out.flow = bgp::FlowKey{src, *sport, dst, *dport};
  out.seq = *seq;
  out.flags = static_cast<std::uint8_t>(*offset_flags & 0x3f);
  out.payload = segment.subspan(header_len);
  out.time_us = time_us;
  return out;
}

Result parse_ipv4(Bytes packet, std::int64_t time_us)
{
  ByteReader r(packet);
  const auto ver_ihl = r.u8();
  if (!ver_ihl) {
    return skip(SkipReason::truncated);
  }
  if ((*ver_ihl >> 4) != 4) {
    return skip(SkipReason::bad_header);
  }
  const std::size_t ihl = std::size_t{*ver_ihl & 0xfu} * 4;
  (void)r.u8(); // DSCP/ECN
  const auto total = r.u16be();
  (void)r.u16be(); // identification
  const auto frag = r.u16be();
  (void)r.u8(); // TTL
  const auto proto = r.u8();
  (void)r.u16be(); // checksum
  const auto src = r.bytes(4);
  const auto dst = r.bytes(4);
  if (!total || !frag || !proto || !src || !dst) {
    return skip(SkipReason::truncated);
  }
  // RFC 791: IHL >= 5 words; total length covers the header
  if (ihl < 20 || *total < ihl) {
    return skip(SkipReason::bad_header);
  }
  // More Fragments set, or a non-zero fragment offset
  if ((*frag & 0x3fff) != 0) {
    return skip(SkipReason::ip_fragment);
  }
  if (*proto != k_ip_proto_tcp) {
    return skip(SkipReason::not_tcp);
  }
  // The capture may be cut short (snaplen); the frame may be padded (Ethernet minimum).
  const std::size_t end = std::min<std::size_t>(*total, packet.size());
  if (end < ihl) {
    return skip(SkipReason::truncated);
  }
  const auto a = bgp::Address::v4({(*src)[0], (*src)[1], (*src)[2], (*src)[3]});
  const auto b = bgp::Address::v4({(*dst)[0], (*dst)[1], (*dst)[2], (*dst)[3]});
  return parse_tcp(a, b, packet.subspan(ihl, end - ihl), time_us);
}

bgp::Address v6(Bytes b)
{
  std::array<std::uint8_t, 16> a{};
  for (std::size_t i = 0; i < 16; ++i) {
    a[i] = b[i];
  }
  return bgp::Address::v6(a);
}

Result parse_ipv6(Bytes packet, std::int64_t time_us)
{
  ByteReader r(packet);
  const auto vtf = r.u32be();
  const auto payload_len = r.u16be();
  const auto next = r.u8();
  (void)r.u8(); // hop limit
  const auto src = r.bytes(16);
  const auto dst = r.bytes(16);
  if (!vtf || !payload_len || !next || !src || !dst) {
    return skip(SkipReason::truncated);
  }
  if ((*vtf >> 28) != 6) {
    return skip(SkipReason::bad_header);
  }
  // RFC 8200 §3: payload length counts extension headers and upper layer
  Bytes payload = r.rest();
  if (payload.size() > *payload_len) {
    payload = payload.first(*payload_len);
  }
  std::uint8_t header = *next;
  ByteReader p(payload);
  for (std::size_t i = 0; i < k_max_ipv6_ext_headers && header != k_ip_proto_tcp; ++i) {
    if (header == k_ipv6_fragment) {
      return skip(SkipReason::ip_fragment);
    }
    if (header != k_ipv6_hop_by_hop && header != k_ipv6_routing && header != k_ipv6_destination) {
      return skip(SkipReason::not_tcp);
    }
    // RFC 8200 §4: next header 1, length 1 (in 8-octet units, not counting the first 8)
    const auto nh = p.u8();
    const auto len = p.u8();
    if (!nh || !len || !p.skip(std::size_t{*len} * 8 + 6)) {
      return skip(SkipReason::truncated);
    }
    header = *nh;
  }
  if (header != k_ip_proto_tcp) {
    return skip(SkipReason::not_tcp);
  }
  return parse_tcp(v6(*src), v6(*dst), p.rest(), time_us);
}

Result parse_ip(Bytes packet, std::int64_t time_us)
{
  if (packet.empty()) {
    return skip(SkipReason::truncated);
  }
  switch (packet[0] >> 4) {
  case 4:
    return parse_ipv4(packet, time_us);
  case 6:
    return parse_ipv6(packet, time_us);
  default:
    return skip(SkipReason::not_ip);
  }
}

// From an EtherType on: VLAN tags (each 2 TCI + 2 EtherType), then IP.
Result parse_ethertype(std::uint16_t ethertype, ByteReader r, std::int64_t time_us)
{
  for (std::size_t tags = 0; ethertype == k_ethertype_vlan || ethertype == k_ethertype_qinq
                             || ethertype == k_ethertype_qinq_old;
       ++tags) {
    if (tags >= k_max_vlan_tags) {
      return skip(SkipReason::bad_header);
    }
    const auto tci = r.u16be();
    const auto inner = r.u16be();
    if (!tci || !inner) {
      return skip(SkipReason::truncated);
    }
    ethertype = *inner;
  }
  switch (ethertype) {
  case k_ethertype_ipv4:
    return parse_ipv4(r.rest(), time_us);
  case k_ethertype_ipv6:
    return parse_ipv6(r.rest(), time_us);
  default:
    return skip(SkipReason::not_ip);
  }
}

} // namespace

std::string_view to_string(SkipReason reason) noexcept
{
  switch (reason) {
  case SkipReason::unsupported_link:
    return "unsupported_link";
  case SkipReason::truncated:
    return "truncated";
  case SkipReason::not_ip:
    return "not_ip";
  case SkipReason::not_tcp:
    return "not_tcp";
  case SkipReason::ip_fragment:
    return "ip_fragment";
  case SkipReason::bad_header:
    return "bad_header";
  }
  return "unknown";
}

bool supported_link_type(int dlt) noexcept
{
  switch (dlt) {
  case k_dlt_null:
  case k_dlt_ethernet:
  case k_dlt_raw:
  case k_linktype_raw:
  case k_dlt_linux_sll:
  case k_dlt_ipv4:
  case k_dlt_ipv6:
  case k_dlt_linux_sll2:
    return true;
  default:
    return false;
  }
}

std::string_view link_type_name(int dlt) noexcept
{
  switch (dlt) {
  case k_dlt_null:
    return "NULL";
  case k_dlt_ethernet:
    return "EN10MB";
  case k_dlt_raw:
  case k_linktype_raw:
    return "RAW";
  case k_dlt_linux_sll:
    return "LINUX_SLL";
  case k_dlt_ipv4:
    return "IPV4";
  case k_dlt_ipv6:
    return "IPV6";
  case k_dlt_linux_sll2:
    return "LINUX_SLL2";
  default:
    return "unsupported";
  }
}

Expected<bgp::TcpSegment, SkipReason> parse_frame(int dlt, std::span<const std::uint8_t> frame, std::int64_t time_us)
{
  ByteReader r(frame);
  switch (dlt) {
  case k_dlt_ethernet: {
    if (!r.skip(k_ethernet_addresses)) {
      return skip(SkipReason::truncated);
    }
    const auto type = r.u16be();
    if (!type) {
      return skip(SkipReason::truncated);
    }
    return parse_ethertype(*type, r, time_us);
  }
  case k_dlt_linux_sll: {
    // https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
    if (!r.skip(k_sll_before_protocol)) {
      return skip(SkipReason::truncated);
    }
    const auto proto = r.u16be();
    if (!proto) {
      return skip(SkipReason::truncated);
    }
    return parse_ethertype(*proto, r, time_us);
  }
  case k_dlt_linux_sll2: {
    // https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
    const auto proto = r.u16be();
    if (!proto || !r.skip(k_sll2_after_protocol)) {
      return skip(SkipReason::truncated);
    }
    return parse_ethertype(*proto, r, time_us);
  }
  case k_dlt_raw:
  case k_linktype_raw:
    return parse_ip(frame, time_us);
  case k_dlt_ipv4:
    return parse_ipv4(frame, time_us);
  case k_dlt_ipv6:
    return parse_ipv6(frame, time_us);
  case k_dlt_null: {
    // 4-byte address family in the capturing host's byte order; IP follows.
    if (!r.skip(4)) {
      return skip(SkipReason::truncated);
    }
    return parse_ip(r.rest(), time_us);
  }
  default:
    return skip(SkipReason::unsupported_link);
  }
}

} // namespace bgpwatch::collector
