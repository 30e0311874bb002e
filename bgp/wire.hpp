// bgp/wire.hpp: BGP-4 messages as values, and their decoder (RFC 4271).
//
// decode_message() takes the bytes of exactly one message (header included)
// and returns an Open, Update, Notification, Keepalive or RouteRefresh, or a
// DecodeError that names what is wrong and carries the NOTIFICATION a BGP
// speaker would send for it. Pure: no I/O, no logging, no allocation beyond
// the returned value; malformed input is an error value, never a crash.
//
// Supported: OPEN optional parameters and capabilities (RFC 5492) with the
// extended optional parameters length (RFC 9072); multiprotocol (RFC 4760),
// route refresh (RFC 2918, and Cisco's pre-standard code 128), 4-octet AS
// (RFC 6793), graceful restart (RFC 4724), ADD-PATH (RFC 7911), extended
// message (RFC 8654), enhanced route refresh (RFC 7313), FQDN
// (draft-walton-bgp-hostname-capability), long-lived graceful restart
// (RFC 9494); unknown capabilities are kept raw. UPDATE path attributes
// (ORIGIN, AS_PATH/AS4_PATH, NEXT_HOP, MP_REACH/MP_UNREACH), NLRI counts and
// End-of-RIB (RFC 4724 §2). NOTIFICATION with RFC 8203/9003 shutdown
// communication. ROUTE-REFRESH with RFC 7313 subtypes.
#pragma once

#include "bgp/expected.hpp"

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bgpwatch::bgp {

// ---------------------------------------------------------------- sizes
inline constexpr std::size_t k_marker_size = 16;       // RFC 4271 §4.1: all ones
inline constexpr std::size_t k_header_size = 19;       // 16 marker + 2 length + 1 type
inline constexpr std::size_t k_max_message_size = 4096; // RFC 4271 §4
inline constexpr std::size_t k_max_extended_message_size = 65535; // RFC 8654 §4
inline constexpr std::size_t k_open_min = 29;          // 19 hdr + 1 version + 2 AS + 2 hold + 4 id + 1 opt len
inline constexpr std::size_t k_update_min = 23;        // 19 hdr + 2 withdrawn len + 2 attr len
inline constexpr std::size_t k_notification_min = 21;  // 19 hdr + 1 code + 1 sub
inline constexpr std::size_t k_keepalive_size = 19;    // header only
inline constexpr std::size_t k_route_refresh_size = 23; // 19 hdr + 2 AFI + 1 subtype + 1 SAFI
inline constexpr std::uint16_t k_as_trans = 23456;     // RFC 6793 §9: AS_TRANS
inline constexpr std::uint8_t k_bgp_version = 4;
// RFC 9072 §2: Non-Ext OP Len 255 followed by Non-Ext OP Type 255 announces
// the extended (2-octet) optional parameters length.
inline constexpr std::uint8_t k_extended_opt_params = 255;

enum class MessageType : std::uint8_t {
  open = 1,
  update = 2,
  notification = 3,
  keepalive = 4,
  route_refresh = 5, // RFC 2918
};
// "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE", "ROUTE-REFRESH"; "" if unknown.
std::string_view message_type_name(std::uint8_t type) noexcept;

// ---------------------------------------------------------------- families
inline constexpr std::uint16_t k_afi_ipv4 = 1;
inline constexpr std::uint16_t k_afi_ipv6 = 2;
inline constexpr std::uint8_t k_safi_unicast = 1;
inline constexpr std::uint8_t k_safi_multicast = 2;

struct AfiSafi
{
  std::uint16_t afi = k_afi_ipv4;
  std::uint8_t safi = k_safi_unicast;

  friend auto operator<=>(const AfiSafi&, const AfiSafi&) = default;
};
std::string_view afi_name(std::uint16_t afi) noexcept;   // "ipv4", "ipv6", "l2vpn"; "" unknown
std::string_view safi_name(std::uint8_t safi) noexcept;  // "unicast", "multicast", ...; "" unknown
std::string to_string(AfiSafi family);                   // "ipv4-unicast", else "afi 25 safi 70"

// ---------------------------------------------------------------- OPEN
enum class CapabilityCode : std::uint8_t {
  multiprotocol = 1,            // RFC 4760
  route_refresh = 2,            // RFC 2918
  outbound_route_filtering = 3, // RFC 5291
  extended_next_hop = 5,        // RFC 8950
  extended_message = 6,         // RFC 8654
  bgpsec = 7,                   // RFC 8205
  multiple_labels = 8,          // RFC 8277
  role = 9,                     // RFC 9234
  graceful_restart = 64,        // RFC 4724
  four_octet_as = 65,           // RFC 6793
  dynamic = 67,                 // draft-ietf-idr-dynamic-cap
  multisession = 68,            // draft-ietf-idr-bgp-multisession
  add_path = 69,                // RFC 7911
  enhanced_route_refresh = 70,  // RFC 7313
  long_lived_graceful_restart = 71, // RFC 9494
  fqdn = 73,                    // draft-walton-bgp-hostname-capability
  software_version = 75,        // draft-abraitis-bgp-version-capability
  route_refresh_cisco = 128,    // pre-RFC 2918 code still sent by Cisco/FRR
};
std::string_view capability_name(std::uint8_t code) noexcept; // "" if unknown

struct GracefulRestartCap
{
  struct Family
  {
    AfiSafi family;
    bool forwarding_preserved = false; // F bit
    friend bool operator==(const Family&, const Family&) = default;
  };
  bool restart_state = false; // R bit: the speaker has restarted
  bool notification = false;  // N bit: RFC 8538 graceful NOTIFICATION support
  std::uint16_t restart_time = 0; // seconds (12 bits)
  std::vector<Family> families;
  friend bool operator==(const GracefulRestartCap&, const GracefulRestartCap&) = default;
};

enum class AddPathDirection : std::uint8_t { receive = 1, send = 2, both = 3 }; // RFC 7911 §4
struct AddPathCap
{
  struct Family
  {
    AfiSafi family;
    std::uint8_t send_receive = 0; // AddPathDirection value as received
    friend bool operator==(const Family&, const Family&) = default;
  };
  std::vector<Family> families;
  friend bool operator==(const AddPathCap&, const AddPathCap&) = default;
};

struct LlgrCap
{
  struct Family
  {
    AfiSafi family;
    std::uint8_t flags = 0;       // F bit = 0x80
    std::uint32_t stale_time = 0; // seconds (24 bits)
    friend bool operator==(const Family&, const Family&) = default;
  };
  std::vector<Family> families;
  friend bool operator==(const LlgrCap&, const LlgrCap&) = default;
};

struct FqdnCap
{
  std::string hostname;
  std::string domain;
  friend bool operator==(const FqdnCap&, const FqdnCap&) = default;
};

struct Capability
{
  std::uint8_t code = 0;
  std::vector<std::uint8_t> value; // raw capability value, always kept
  // Decoded forms (only for the code they belong to).
  std::optional<AfiSafi> multiprotocol;
  std::optional<std::uint32_t> four_octet_as;
  std::optional<GracefulRestartCap> graceful_restart;
  std::optional<AddPathCap> add_path;
  std::optional<LlgrCap> llgr;
  std::optional<FqdnCap> fqdn;
  std::optional<std::uint8_t> role;     // RFC 9234 §4.1
  std::optional<std::string> software_version;

  friend bool operator==(const Capability&, const Capability&) = default;
};

struct Open
{
  std::uint8_t version = k_bgp_version;
  std::uint16_t my_as = 0;     // the 2-octet field (AS_TRANS for a 4-octet AS)
  std::uint16_t hold_time = 0; // seconds
  std::uint32_t bgp_id = 0;
  std::vector<Capability> capabilities; // from every Capabilities parameter, in order
  bool extended_parameters_length = false; // RFC 9072 encoding used

  // The 4-octet AS capability's AS if present, else my_as (RFC 6793 §4.1).
  std::uint32_t effective_as() const noexcept;
  const Capability* find(CapabilityCode code) const noexcept;
  bool has(CapabilityCode code) const noexcept
  {
    return find(code) != nullptr;
  }
  friend bool operator==(const Open&, const Open&) = default;
};

// ---------------------------------------------------------------- UPDATE
enum class AttributeType : std::uint8_t {
  origin = 1,
  as_path = 2,
  next_hop = 3,
  multi_exit_disc = 4,
  local_pref = 5,
  atomic_aggregate = 6,
  aggregator = 7,
  communities = 8,      // RFC 1997
  originator_id = 9,    // RFC 4456
  cluster_list = 10,    // RFC 4456
  mp_reach_nlri = 14,   // RFC 4760
  mp_unreach_nlri = 15, // RFC 4760
  extended_communities = 16, // RFC 4360
  as4_path = 17,        // RFC 6793
  as4_aggregator = 18,  // RFC 6793
  large_communities = 32, // RFC 8092
};
std::string_view attribute_name(std::uint8_t type) noexcept; // "" if unknown

enum class Origin : std::uint8_t { igp = 0, egp = 1, incomplete = 2 };
std::string_view to_string(Origin origin) noexcept; // "IGP", "EGP", "INCOMPLETE"

enum class SegmentType : std::uint8_t {
  as_set = 1,
  as_sequence = 2,
  confed_sequence = 3, // RFC 5065
  confed_set = 4,      // RFC 5065
};

struct AsPathSegment
{
  std::uint8_t type = 2;
  std::vector<std::uint32_t> asns;
  friend bool operator==(const AsPathSegment&, const AsPathSegment&) = default;
};
// "64601 14907 {65001 65002} (65010)": sets in braces, confederation parts in
// parentheses (the bgpctl/Junos notation).
std::string as_path_to_string(const std::vector<AsPathSegment>& path);

struct MpReach
{
  AfiSafi family;
  std::vector<std::uint8_t> next_hop; // raw (4, 16 or 32 octets for IP families)
  std::optional<std::size_t> nlri_count; // empty for families we do not count
  friend bool operator==(const MpReach&, const MpReach&) = default;
};
struct MpUnreach
{
  AfiSafi family;
  std::optional<std::size_t> withdrawn_count;
  friend bool operator==(const MpUnreach&, const MpUnreach&) = default;
};

struct Update
{
  std::size_t withdrawn_count = 0; // IPv4 unicast Withdrawn Routes
  std::size_t announced_count = 0; // IPv4 unicast NLRI
  std::optional<Origin> origin;
  std::optional<std::vector<AsPathSegment>> as_path;
  bool as_path_four_octet = false; // how AS_PATH was read
  std::optional<std::vector<AsPathSegment>> as4_path;
  std::optional<std::array<std::uint8_t, 4>> next_hop;
  std::optional<MpReach> mp_reach;
  std::optional<MpUnreach> mp_unreach;
  std::vector<std::uint8_t> attribute_types; // every attribute, in message order
  // RFC 4724 §2: an UPDATE with nothing in it (IPv4 unicast) or with only an
  // empty MP_UNREACH_NLRI (that family) marks the end of the initial table.
  std::optional<AfiSafi> end_of_rib;

  // Prefixes announced/withdrawn over every family (unknown counts as 0).
  std::size_t total_announced() const noexcept;
  std::size_t total_withdrawn() const noexcept;
  friend bool operator==(const Update&, const Update&) = default;
};

// ---------------------------------------------------------------- NOTIFICATION
enum class NotifyCode : std::uint8_t {
  message_header = 1,
  open_message = 2,
  update_message = 3,
  hold_timer_expired = 4,
  fsm_error = 5,      // RFC 6608
  cease = 6,          // subcodes RFC 4486
  route_refresh = 7,  // RFC 7313
};
enum class HeaderSubcode : std::uint8_t {
  connection_not_synchronized = 1,
  bad_message_length = 2,
  bad_message_type = 3,
};
enum class OpenSubcode : std::uint8_t {
  unspecific = 0,
  unsupported_version = 1,
  bad_peer_as = 2,
  bad_bgp_identifier = 3,
  unsupported_optional_parameter = 4,
  unacceptable_hold_time = 6,
  unsupported_capability = 7, // RFC 5492
  role_mismatch = 11,         // RFC 9234
};
enum class UpdateSubcode : std::uint8_t {
  unspecific = 0,
  malformed_attribute_list = 1,
  unrecognized_well_known_attribute = 2,
  missing_well_known_attribute = 3,
  attribute_flags_error = 4,
  attribute_length_error = 5,
  invalid_origin = 6,
  invalid_next_hop = 8,
  optional_attribute_error = 9,
  invalid_network_field = 10,
  malformed_as_path = 11,
};
enum class CeaseSubcode : std::uint8_t {
  max_prefixes = 1,
  administrative_shutdown = 2, // may carry an RFC 8203/9003 message
  peer_deconfigured = 3,
  administrative_reset = 4,    // may carry an RFC 8203/9003 message
  connection_rejected = 5,
  other_configuration_change = 6,
  connection_collision = 7,
  out_of_resources = 8,
  hard_reset = 9,              // RFC 8538
  bfd_down = 10,               // RFC 9384
};
enum class RouteRefreshSubcode : std::uint8_t { invalid_message_length = 1 };

// "Cease"; "" if unknown.
std::string_view notification_code_name(std::uint8_t code) noexcept;
// "Administrative Shutdown"; "" if unknown for that code.
std::string_view notification_subcode_name(std::uint8_t code, std::uint8_t subcode) noexcept;

struct Notification
{
  std::uint8_t code = 0;
  std::uint8_t subcode = 0;
  std::vector<std::uint8_t> data;
  // RFC 9003 §2 (updating RFC 8203): Cease/Administrative Shutdown or Reset
  // data = 1-octet length + that many octets of UTF-8. Empty if absent or if
  // the length octet does not match the data (then data is all we have).
  std::optional<std::string> shutdown_communication;
  friend bool operator==(const Notification&, const Notification&) = default;
};

// ---------------------------------------------------------------- others
struct Keepalive
{
  friend bool operator==(const Keepalive&, const Keepalive&) = default;
};

enum class RouteRefreshSubtype : std::uint8_t {
  normal = 0,            // RFC 2918 (reserved field)
  begin_of_route_refresh = 1, // RFC 7313 BoRR
  end_of_route_refresh = 2,   // RFC 7313 EoRR
};
struct RouteRefresh
{
  AfiSafi family;
  std::uint8_t subtype = 0;
  std::size_t orf_bytes = 0; // RFC 5291 ORF entries after the AFI/SAFI, not decoded
  friend bool operator==(const RouteRefresh&, const RouteRefresh&) = default;
};
std::string_view route_refresh_subtype_name(std::uint8_t subtype) noexcept; // "" if unknown

using Message = std::variant<Open, Update, Notification, Keepalive, RouteRefresh>;
MessageType type_of(const Message& message) noexcept;

// ---------------------------------------------------------------- decoding
// What the two OPENs of a session negotiated, as far as decoding goes.
// Empty optionals mean "not seen" (a capture that starts mid-session): the
// decoder then tries the plausible encodings (4- then 2-octet AS_PATH;
// NLRI without then with path identifiers) and takes the one that parses.
struct DecodeContext
{
  std::optional<bool> four_octet_as;    // both sides sent capability 65
  std::optional<std::vector<AfiSafi>> add_path; // families whose NLRI carry path ids in this direction
  std::optional<bool> extended_message; // both sides sent capability 6 (unknown: allow 65535)
};

enum class DecodeErrc : std::uint8_t {
  truncated,                // fewer bytes than a header, or than the length field says
  length_mismatch,          // more bytes than the length field says (one message per call)
  bad_marker,               // 1/1
  bad_length,               // 1/2: length field out of range for the message type
  bad_type,                 // 1/3
  open_unsupported_version, // 2/1
  open_bad_peer_as,         // 2/2: AS 0 (RFC 7607)
  open_bad_bgp_id,          // 2/3
  open_unsupported_parameter, // 2/4
  open_bad_hold_time,       // 2/6
  open_malformed_parameters, // 2/0: parameter lengths do not add up
  open_malformed_capability, // 2/0: a known capability with a value of the wrong size
  update_malformed_attribute_list, // 3/1
  update_unrecognized_well_known,  // 3/2
  update_missing_well_known,       // 3/3
  update_attribute_flags,          // 3/4
  update_attribute_length,         // 3/5
  update_invalid_origin,           // 3/6
  update_invalid_next_hop,         // 3/8
  update_optional_attribute,       // 3/9: MP_REACH/MP_UNREACH/AS4_PATH malformed
  update_invalid_network,          // 3/10: NLRI prefix bad
  update_malformed_as_path,        // 3/11
  route_refresh_bad_length,        // 7/1
};
std::string_view to_string(DecodeErrc code) noexcept; // "update_malformed_as_path"

struct DecodeError
{
  DecodeErrc code = DecodeErrc::truncated;
  std::uint8_t notify_code = 0; // the NOTIFICATION a speaker would send
  std::uint8_t notify_subcode = 0;
  std::string detail;

  // "update_malformed_as_path (3/11 Malformed AS_PATH): segment length 9 overruns attribute"
  std::string to_string() const;
};

struct Header
{
  std::uint16_t length = 0;
  std::uint8_t type = 0;
};
// Marker, length bounds (k_header_size .. 4096, or 65535 with extended
// message) and type 1..5. Needs at least k_header_size bytes.
Expected<Header, DecodeError> decode_header(std::span<const std::uint8_t> bytes, bool extended_message = false);

// Exactly one message: bytes.size() must equal the header's length.
Expected<Message, DecodeError> decode_message(std::span<const std::uint8_t> bytes,
                                              const DecodeContext& context = {});

} // namespace bgpwatch::bgp
