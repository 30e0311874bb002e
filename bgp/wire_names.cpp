// bgp/wire_names.cpp: the name tables of the BGP wire format (IANA "BGP
// Parameters" and "Capability Codes" registries). Every lookup is bounded: an
// unknown number gives "", and the renderer prints the number instead
// (OpenBGPD logmsg.c prints "unknown subcode N" rather than index past a table).
#include "bgp/wire.hpp"

#include <string>

namespace bgpwatch::bgp {

namespace {

struct Name
{
  unsigned number;
  std::string_view name;
};

template <std::size_t N>
constexpr std::string_view lookup(const Name (&table)[N], unsigned number) noexcept
{
  for (const auto& entry : table) {
    if (entry.number == number) {
      return entry.name;
    }
  }
  return {};
}

constexpr Name k_message_types[] = {
  {1, "OPEN"}, {2, "UPDATE"}, {3, "NOTIFICATION"}, {4, "KEEPALIVE"}, {5, "ROUTE-REFRESH"},
};

constexpr Name k_afis[] = {{1, "ipv4"}, {2, "ipv6"}, {25, "l2vpn"}, {16388, "bgp-ls"}};

constexpr Name k_safis[] = {
  {1, "unicast"},     {2, "multicast"},   {4, "labeled-unicast"}, {5, "mcast-vpn"},
  {65, "vpls"},       {70, "evpn"},       {71, "bgp-ls"},         {72, "bgp-ls-vpn"},
  {73, "sr-te-policy"}, {128, "vpn"},     {129, "vpn-multicast"}, {132, "rt-constraint"},
  {133, "flowspec"},  {134, "flowspec-vpn"},
};

constexpr Name k_capabilities[] = {
  {1, "Multiprotocol"},
  {2, "Route Refresh"},
  {3, "Outbound Route Filtering"},
  {5, "Extended Next Hop"},
  {6, "Extended Message"},
  {7, "BGPsec"},
  {8, "Multiple Labels"},
  {9, "BGP Role"},
  {64, "Graceful Restart"},
  {65, "4-octet AS"},
  {66, "Dynamic Capability (deprecated)"},
  {67, "Dynamic Capability"},
  {68, "Multisession"},
  {69, "ADD-PATH"},
  {70, "Enhanced Route Refresh"},
  {71, "Long-Lived Graceful Restart"},
  {72, "Routing Policy Distribution"},
  {73, "FQDN"},
  {74, "BFD"},
  {75, "Software Version"},
  {128, "Route Refresh (Cisco)"},
};

constexpr Name k_attributes[] = {
  {1, "ORIGIN"},          {2, "AS_PATH"},        {3, "NEXT_HOP"},
  {4, "MULTI_EXIT_DISC"}, {5, "LOCAL_PREF"},     {6, "ATOMIC_AGGREGATE"},
  {7, "AGGREGATOR"},      {8, "COMMUNITIES"},    {9, "ORIGINATOR_ID"},
  {10, "CLUSTER_LIST"},   {14, "MP_REACH_NLRI"}, {15, "MP_UNREACH_NLRI"},
  {16, "EXTENDED_COMMUNITIES"}, {17, "AS4_PATH"}, {18, "AS4_AGGREGATOR"},
  {22, "PMSI_TUNNEL"},    {23, "TUNNEL_ENCAPSULATION"}, {25, "IPV6_EXTENDED_COMMUNITIES"},
  {26, "AIGP"},           {29, "BGP-LS"},        {32, "LARGE_COMMUNITIES"},
  {33, "BGPSEC_PATH"},    {35, "OTC"},           {40, "PREFIX_SID"},
  {128, "ATTR_SET"},
};

constexpr Name k_notify_codes[] = {
  {1, "Message Header Error"},
  {2, "OPEN Message Error"},
  {3, "UPDATE Message Error"},
  {4, "Hold Timer Expired"},
  {5, "Finite State Machine Error"},
  {6, "Cease"},
  {7, "ROUTE-REFRESH Message Error"},
};

constexpr Name k_header_subcodes[] = {
  {1, "Connection Not Synchronized"}, {2, "Bad Message Length"}, {3, "Bad Message Type"},
};

constexpr Name k_open_subcodes[] = {
  {0, "Unspecific"},
  {1, "Unsupported Version Number"},
  {2, "Bad Peer AS"},
  {3, "Bad BGP Identifier"},
  {4, "Unsupported Optional Parameter"},
  {5, "Authentication Failure (deprecated)"},
  {6, "Unacceptable Hold Time"},
  {7, "Unsupported Capability"},
  {11, "Role Mismatch"},
};

constexpr Name k_update_subcodes[] = {
  {0, "Unspecific"},
  {1, "Malformed Attribute List"},
  {2, "Unrecognized Well-known Attribute"},
  {3, "Missing Well-known Attribute"},
  {4, "Attribute Flags Error"},
  {5, "Attribute Length Error"},
  {6, "Invalid ORIGIN Attribute"},
  {7, "AS Routing Loop (deprecated)"},
  {8, "Invalid NEXT_HOP Attribute"},
  {9, "Optional Attribute Error"},
  {10, "Invalid Network Field"},
  {11, "Malformed AS_PATH"},
};

// RFC 6608 §4
constexpr Name k_fsm_subcodes[] = {
  {0, "Unspecified Error"},
  {1, "Receive Unexpected Message in OpenSent State"},
  {2, "Receive Unexpected Message in OpenConfirm State"},
  {3, "Receive Unexpected Message in Established State"},
};

// RFC 4486 §4, RFC 8538 §5, RFC 9384 §4
constexpr Name k_cease_subcodes[] = {
  {0, "Unspecific"},
  {1, "Maximum Number of Prefixes Reached"},
  {2, "Administrative Shutdown"},
  {3, "Peer De-configured"},
  {4, "Administrative Reset"},
  {5, "Connection Rejected"},
  {6, "Other Configuration Change"},
  {7, "Connection Collision Resolution"},
  {8, "Out of Resources"},
  {9, "Hard Reset"},
  {10, "BFD Down"},
};

constexpr Name k_route_refresh_subcodes[] = {{1, "Invalid Message Length"}};

constexpr Name k_route_refresh_subtypes[] = {
  {0, "Route Refresh"}, {1, "BoRR"}, {2, "EoRR"},
};

constexpr Name k_decode_errcs[] = {
  {static_cast<unsigned>(DecodeErrc::truncated), "truncated"},
  {static_cast<unsigned>(DecodeErrc::length_mismatch), "length_mismatch"},
  {static_cast<unsigned>(DecodeErrc::bad_marker), "bad_marker"},
  {static_cast<unsigned>(DecodeErrc::bad_length), "bad_length"},
  {static_cast<unsigned>(DecodeErrc::bad_type), "bad_type"},
  {static_cast<unsigned>(DecodeErrc::open_unsupported_version), "open_unsupported_version"},
  {static_cast<unsigned>(DecodeErrc::open_bad_peer_as), "open_bad_peer_as"},
  {static_cast<unsigned>(DecodeErrc::open_bad_bgp_id), "open_bad_bgp_id"},
  {static_cast<unsigned>(DecodeErrc::open_unsupported_parameter), "open_unsupported_parameter"},
  {static_cast<unsigned>(DecodeErrc::open_bad_hold_time), "open_bad_hold_time"},
  {static_cast<unsigned>(DecodeErrc::open_malformed_parameters), "open_malformed_parameters"},
  {static_cast<unsigned>(DecodeErrc::open_malformed_capability), "open_malformed_capability"},
  {static_cast<unsigned>(DecodeErrc::update_malformed_attribute_list), "update_malformed_attribute_list"},
  {static_cast<unsigned>(DecodeErrc::update_unrecognized_well_known), "update_unrecognized_well_known"},
  {static_cast<unsigned>(DecodeErrc::update_missing_well_known), "update_missing_well_known"},
  {static_cast<unsigned>(DecodeErrc::update_attribute_flags), "update_attribute_flags"},
  {static_cast<unsigned>(DecodeErrc::update_attribute_length), "update_attribute_length"},
  {static_cast<unsigned>(DecodeErrc::update_invalid_origin), "update_invalid_origin"},
  {static_cast<unsigned>(DecodeErrc::update_invalid_next_hop), "update_invalid_next_hop"},
  {static_cast<unsigned>(DecodeErrc::update_optional_attribute), "update_optional_attribute"},
  {static_cast<unsigned>(DecodeErrc::update_invalid_network), "update_invalid_network"},
  {static_cast<unsigned>(DecodeErrc::update_malformed_as_path), "update_malformed_as_path"},
  {static_cast<unsigned>(DecodeErrc::route_refresh_bad_length), "route_refresh_bad_length"},
};

} // namespace

std::string_view message_type_name(std::uint8_t type) noexcept
{
  return lookup(k_message_types, type);
}

std::string_view afi_name(std::uint16_t afi) noexcept
{
  return lookup(k_afis, afi);
}

std::string_view safi_name(std::uint8_t safi) noexcept
{
  return lookup(k_safis, safi);
}

std::string to_string(AfiSafi family)
{
  const auto a = afi_name(family.afi);
  const auto s = safi_name(family.safi);
  if (!a.empty() && !s.empty()) {
    return std::string(a) + "-" + std::string(s);
  }
  return "afi " + std::to_string(family.afi) + " safi " + std::to_string(family.safi);
}

std::string_view capability_name(std::uint8_t code) noexcept
{
  return lookup(k_capabilities, code);
}

std::string_view attribute_name(std::uint8_t type) noexcept
{
  return lookup(k_attributes, type);
}

std::string_view to_string(Origin origin) noexcept
{
  switch (origin) {
  case Origin::igp:
    return "IGP";
  case Origin::egp:
    return "EGP";
  case Origin::incomplete:
    return "INCOMPLETE";
  }
  return "";
}

std::string_view notification_code_name(std::uint8_t code) noexcept
{
  return lookup(k_notify_codes, code);
}

std::string_view notification_subcode_name(std::uint8_t code, std::uint8_t subcode) noexcept
{
  switch (code) {
  case 1:
    return lookup(k_header_subcodes, subcode);
  case 2:
    return lookup(k_open_subcodes, subcode);
  case 3:
    return lookup(k_update_subcodes, subcode);
  case 4:
    return subcode == 0 ? "Unspecific" : "";
  case 5:
    return lookup(k_fsm_subcodes, subcode);
  case 6:
    return lookup(k_cease_subcodes, subcode);
  case 7:
    return lookup(k_route_refresh_subcodes, subcode);
  default:
    return "";
  }
}

std::string_view route_refresh_subtype_name(std::uint8_t subtype) noexcept
{
  return lookup(k_route_refresh_subtypes, subtype);
}

std::string_view to_string(DecodeErrc code) noexcept
{
  return lookup(k_decode_errcs, static_cast<unsigned>(code));
}

std::string DecodeError::to_string() const
{
  std::string out(bgp::to_string(code));
  out += " (" + std::to_string(notify_code) + "/" + std::to_string(notify_subcode);
  const auto sub = notification_subcode_name(notify_code, notify_subcode);
  if (!sub.empty()) {
    out += " ";
    out += sub;
  }
  out += ")";
  if (!detail.empty()) {
    out += ": " + detail;
  }
  return out;
}

} // namespace bgpwatch::bgp
