// bgp/wire.cpp: the BGP message decoder (see wire.hpp). Layered bounded
// reads: the header is checked first (marker, length bounds, type), then the
// per-type minimum length, then each body field through a ByteReader, with
// each length-prefixed structure cut out as a sub-reader. Each validation
// cites the RFC rule it applies and yields the DecodeErrc, and hence the
// NOTIFICATION code/subcode, that rule prescribes.
#include "bgp/wire.hpp"

#include "bgp/byte_reader.hpp"

#include <bitset>

namespace bgpwatch::bgp {

namespace {

using Bytes = std::span<const std::uint8_t>;

struct NotifyPair
{
  std::uint8_t code;
  std::uint8_t subcode;
};

// The NOTIFICATION each error calls for (RFC 4271 §6, RFC 7313 §5).
constexpr NotifyPair notify_for(DecodeErrc code) noexcept
{
  switch (code) {
  case DecodeErrc::truncated:
  case DecodeErrc::length_mismatch:
  case DecodeErrc::bad_length:
    return {1, 2};
  case DecodeErrc::bad_marker:
    return {1, 1};
  case DecodeErrc::bad_type:
    return {1, 3};
  case DecodeErrc::open_unsupported_version:
    return {2, 1};
  case DecodeErrc::open_bad_peer_as:
    return {2, 2};
  case DecodeErrc::open_bad_bgp_id:
    return {2, 3};
  case DecodeErrc::open_unsupported_parameter:
    return {2, 4};
  case DecodeErrc::open_bad_hold_time:
    return {2, 6};
  case DecodeErrc::open_malformed_parameters:
  case DecodeErrc::open_malformed_capability:
    return {2, 0};
  case DecodeErrc::update_malformed_attribute_list:
    return {3, 1};
  case DecodeErrc::update_unrecognized_well_known:
    return {3, 2};
  case DecodeErrc::update_missing_well_known:
    return {3, 3};
  case DecodeErrc::update_attribute_flags:
    return {3, 4};
  case DecodeErrc::update_attribute_length:
    return {3, 5};
  case DecodeErrc::update_invalid_origin:
    return {3, 6};
  case DecodeErrc::update_invalid_next_hop:
    return {3, 8};
  case DecodeErrc::update_optional_attribute:
    return {3, 9};
  case DecodeErrc::update_invalid_network:
    return {3, 10};
  case DecodeErrc::update_malformed_as_path:
    return {3, 11};
  case DecodeErrc::route_refresh_bad_length:
    return {7, 1};
  }
  return {0, 0};
}

Unexpected<DecodeError> fail(DecodeErrc code, std::string detail)
{
  const auto n = notify_for(code);
  return Unexpected(DecodeError{code, n.code, n.subcode, std::move(detail)});
}

std::string hex8(std::uint8_t v)
{
  constexpr char digits[] = "0123456789abcdef";
  return std::string("0x") + digits[v >> 4] + digits[v & 0xf];
}

Unexpected<DecodeError> fail_short(DecodeErrc code, std::string_view what, const ShortRead& s)
{
  return fail(code, std::string(what) + ": needs " + std::to_string(s.wanted) + " bytes, "
                      + std::to_string(s.left) + " left");
}

// Read a field or return the DecodeErrc this field's shortage means.
#define WIRE_READ(var_, expr_, errc_, what_)                                   \
  auto var_##_read_ = (expr_);                                                 \
  if (!var_##_read_) {                                                         \
    return fail_short((errc_), (what_), var_##_read_.error());                 \
  }                                                                            \
  auto var_ = *var_##_read_

// Assign a member from an Expected, or propagate its DecodeError.
#define WIRE_CAT2(a_, b_) a_##b_
#define WIRE_CAT(a_, b_) WIRE_CAT2(a_, b_)
#define WIRE_ASSIGN(target_, expr_) WIRE_ASSIGN_IMPL(target_, expr_, WIRE_CAT(wire_assign_, __LINE__))
#define WIRE_ASSIGN_IMPL(target_, expr_, tmp_)                                 \
  auto tmp_ = (expr_);                                                         \
  if (!tmp_) {                                                                 \
    return ::bgpwatch::Unexpected(std::move(tmp_).error());                    \
  }                                                                            \
  target_ = std::move(*tmp_)

// ---------------------------------------------------------------- OPEN
inline constexpr std::uint8_t k_param_capabilities = 2; // RFC 5492 §4
inline constexpr std::uint16_t k_gr_restart_flag = 0x8000; // RFC 4724 §3 R bit
inline constexpr std::uint16_t k_gr_notification_flag = 0x4000; // RFC 8538 §2 N bit
inline constexpr std::uint16_t k_gr_time_mask = 0x0fff;
inline constexpr std::uint8_t k_gr_forwarding_flag = 0x80; // RFC 4724 §3 F bit
inline constexpr std::size_t k_gr_family_size = 4;   // AFI 2 + SAFI 1 + flags 1
inline constexpr std::size_t k_add_path_family_size = 4; // AFI 2 + SAFI 1 + send/receive 1
inline constexpr std::size_t k_llgr_family_size = 7; // AFI 2 + SAFI 1 + flags 1 + stale time 3
inline constexpr std::size_t k_mp_capability_size = 4; // AFI 2 + reserved 1 + SAFI 1

Unexpected<DecodeError> bad_capability(std::uint8_t code, std::size_t length, std::string_view rule)
{
  std::string name(capability_name(code));
  return fail(DecodeErrc::open_malformed_capability,
              "capability " + std::to_string(code) + (name.empty() ? "" : " (" + name + ")")
                + " with length " + std::to_string(length) + ": " + std::string(rule));
}

Expected<std::string, DecodeError> length_prefixed_text(ByteReader& r, std::uint8_t code)
{
  const auto n = r.u8();
  if (!n) {
    return bad_capability(code, r.consumed(), "missing text length");
  }
  const auto text = r.bytes(*n);
  if (!text) {
    return bad_capability(code, r.consumed() + r.size(), "text length overruns the capability");
  }
  return std::string(text->begin(), text->end());
}

Expected<Capability, DecodeError> decode_capability(std::uint8_t code, Bytes value)
{
  Capability cap;
  cap.code = code;
  cap.value.assign(value.begin(), value.end());
  ByteReader r(value);
  const std::size_t len = value.size();
  switch (static_cast<CapabilityCode>(code)) {
  case CapabilityCode::multiprotocol: {
    // RFC 4760 §8: AFI (2), reserved (1), SAFI (1)
    if (len != k_mp_capability_size) {
      return bad_capability(code, len, "RFC 4760 §8 requires 4 octets");
    }
    AfiSafi f;
    f.afi = *r.u16be();
    (void)r.u8();
    f.safi = *r.u8();
    cap.multiprotocol = f;
    break;
  }
  case CapabilityCode::route_refresh:
  case CapabilityCode::route_refresh_cisco:
  case CapabilityCode::extended_message:
  case CapabilityCode::enhanced_route_refresh:
    // RFC 2918 §2, RFC 8654 §3, RFC 7313 §3: capability length 0
    if (len != 0) {
      return bad_capability(code, len, "must be empty");
    }
    break;
  case CapabilityCode::four_octet_as: {
    // RFC 6793 §3: the 4-octet AS number
    if (len != 4) {
      return bad_capability(code, len, "RFC 6793 §3 requires 4 octets");
    }
    const std::uint32_t as = *r.u32be();
    // RFC 7607 §2: AS 0 is a Bad Peer AS
    if (as == 0) {
      return fail(DecodeErrc::open_bad_peer_as, "4-octet AS capability carries AS 0");
    }
    cap.four_octet_as = as;
    break;
  }
  case CapabilityCode::graceful_restart: {
    // RFC 4724 §3: flags+time (2), then (AFI 2, SAFI 1, flags 1) per family
    if (len < 2 || (len - 2) % k_gr_family_size != 0) {
      return bad_capability(code, len, "RFC 4724 §3 requires 2 + 4n octets");
    }
    GracefulRestartCap gr;
    const std::uint16_t flags_time = *r.u16be();
    gr.restart_state = (flags_time & k_gr_restart_flag) != 0;
    gr.notification = (flags_time & k_gr_notification_flag) != 0;
    gr.restart_time = flags_time & k_gr_time_mask;
    while (!r.empty()) {
      GracefulRestartCap::Family f;
      f.family.afi = *r.u16be();
      f.family.safi = *r.u8();
      f.forwarding_preserved = (*r.u8() & k_gr_forwarding_flag) != 0;
      gr.families.push_back(f);
    }
    cap.graceful_restart = std::move(gr);
    break;
  }
  case CapabilityCode::add_path: {
    // RFC 7911 §4: (AFI 2, SAFI 1, Send/Receive 1) per family
    if (len == 0 || len % k_add_path_family_size != 0) {
      return bad_capability(code, len, "RFC 7911 §4 requires 4n octets");
    }
    AddPathCap ap;
    while (!r.empty()) {
      AddPathCap::Family f;
      f.family.afi = *r.u16be();
      f.family.safi = *r.u8();
      f.send_receive = *r.u8();
      ap.families.push_back(f);
    }
    cap.add_path = std::move(ap);
    break;
  }
  case CapabilityCode::long_lived_graceful_restart: {
    // RFC 9494 §3: (AFI 2, SAFI 1, flags 1, stale time 3) per family
    if (len % k_llgr_family_size != 0) {
      return bad_capability(code, len, "RFC 9494 §3 requires 7n octets");
    }
    LlgrCap ll;
    while (!r.empty()) {
      LlgrCap::Family f;
      f.family.afi = *r.u16be();
      f.family.safi = *r.u8();
      f.flags = *r.u8();
      f.stale_time = *r.u24be();
      ll.families.push_back(f);
    }
    cap.llgr = std::move(ll);
    break;
  }
  case CapabilityCode::fqdn: {
    // draft-walton-bgp-hostname-capability §3: hostname len+text, domain len+text
    FqdnCap f;
    WIRE_ASSIGN(f.hostname, length_prefixed_text(r, code));
    WIRE_ASSIGN(f.domain, length_prefixed_text(r, code));
    if (!r.empty()) {
      return bad_capability(code, len, "bytes after the domain name");
    }
    cap.fqdn = std::move(f);
    break;
  }
  case CapabilityCode::role:
    // RFC 9234 §4.1: one octet
    if (len != 1) {
      return bad_capability(code, len, "RFC 9234 §4.1 requires 1 octet");
    }
    cap.role = *r.u8();
    break;
  case CapabilityCode::software_version: {
    std::string text;
    WIRE_ASSIGN(text, length_prefixed_text(r, code));
    cap.software_version = std::move(text);
    break;
  }
  default:
    // RFC 5492 §3: an unknown capability is ignored by a speaker; kept raw here.
    break;
  }
  return cap;
}

// RFC 5492 §4: a Capabilities parameter is a sequence of (code 1, length 1, value) triples.
Expected<void, DecodeError> decode_capabilities(ByteReader r, std::vector<Capability>& out)
{
  while (!r.empty()) {
    WIRE_READ(code, r.u8(), DecodeErrc::open_malformed_parameters, "capability code");
    WIRE_READ(len, r.u8(), DecodeErrc::open_malformed_parameters, "capability length");
    WIRE_READ(value, r.bytes(len), DecodeErrc::open_malformed_parameters,
              "capability " + std::to_string(code) + " value");
    Capability cap;
    WIRE_ASSIGN(cap, decode_capability(code, value));
    out.push_back(std::move(cap));
  }
  return {};
}

Expected<Message, DecodeError> decode_open(ByteReader r)
{
  Open open;
  // The per-type minimum length was checked: the fixed fields are there.
  open.version = *r.u8();
  open.my_as = *r.u16be();
  open.hold_time = *r.u16be();
  open.bgp_id = *r.u32be();
  std::size_t params_length = *r.u8();

  // RFC 4271 §6.2: version 4 only
  if (open.version != k_bgp_version) {
    return fail(DecodeErrc::open_unsupported_version, "version " + std::to_string(open.version));
  }
  // RFC 7607 §2: AS 0 must not be used
  if (open.my_as == 0) {
    return fail(DecodeErrc::open_bad_peer_as, "My Autonomous System is 0");
  }
  // RFC 4271 §6.2: Hold Time must be 0 or at least 3 seconds
  if (open.hold_time == 1 || open.hold_time == 2) {
    return fail(DecodeErrc::open_bad_hold_time, "hold time " + std::to_string(open.hold_time));
  }
  // RFC 6286 §2.2: the BGP Identifier is a non-zero 4-octet number
  if (open.bgp_id == 0) {
    return fail(DecodeErrc::open_bad_bgp_id, "BGP Identifier 0");
  }

  // RFC 9072 §2: Non-Ext OP Len 255 and Non-Ext OP Type 255 announce a
  // 2-octet Extended Opt. Parm. Length and 2-octet parameter lengths.
  if (params_length == k_extended_opt_params && !r.empty() && r.rest()[0] == k_extended_opt_params) {
    (void)r.u8();
    WIRE_READ(ext_len, r.u16be(), DecodeErrc::open_malformed_parameters,
              "extended optional parameters length");
    params_length = ext_len;
    open.extended_parameters_length = true;
  }
  WIRE_READ(params, r.sub(params_length), DecodeErrc::open_malformed_parameters,
            "optional parameters");
  // RFC 4271 §6.1: the message length must match its contents
  if (!r.empty()) {
    return fail(DecodeErrc::open_malformed_parameters,
                std::to_string(r.size()) + " bytes after the optional parameters");
  }
  while (!params.empty()) {
    WIRE_READ(type, params.u8(), DecodeErrc::open_malformed_parameters, "parameter type");
    std::size_t len = 0;
    if (open.extended_parameters_length) {
      WIRE_READ(len16, params.u16be(), DecodeErrc::open_malformed_parameters, "parameter length");
      len = len16;
    } else {
      WIRE_READ(len8, params.u8(), DecodeErrc::open_malformed_parameters, "parameter length");
      len = len8;
    }
    WIRE_READ(value, params.sub(len), DecodeErrc::open_malformed_parameters,
              "parameter " + std::to_string(type) + " value");
    // RFC 4271 §6.2 + RFC 5492 §4: Capabilities (2) is the only parameter in use
    if (type != k_param_capabilities) {
      return fail(DecodeErrc::open_unsupported_parameter, "optional parameter type " + std::to_string(type));
    }
    BGPWATCH_TRY(decode_capabilities(value, open.capabilities));
  }
  return Message(std::move(open));
}

// ---------------------------------------------------------------- UPDATE
inline constexpr std::uint8_t k_flag_optional = 0x80;   // RFC 4271 §4.3
inline constexpr std::uint8_t k_flag_transitive = 0x40;
inline constexpr std::uint8_t k_flag_extended_length = 0x10;
inline constexpr std::size_t k_path_id_size = 4; // RFC 7911 §3

bool is_well_known(std::uint8_t type) noexcept
{
  // RFC 4271 §5: ORIGIN, AS_PATH, NEXT_HOP, LOCAL_PREF, ATOMIC_AGGREGATE
  return type == 1 || type == 2 || type == 3 || type == 5 || type == 6;
}

bool is_known_optional(std::uint8_t type) noexcept
{
  switch (type) {
  case 4: case 7: case 8: case 9: case 10: case 14: case 15: case 16: case 17: case 18: case 32:
    return true;
  default:
    return false;
  }
}

// Families whose NLRI are (length in bits, prefix) pairs we can count.
bool countable(AfiSafi f) noexcept
{
  const bool ip = f.afi == k_afi_ipv4 || f.afi == k_afi_ipv6;
  const bool prefixy = f.safi == k_safi_unicast || f.safi == k_safi_multicast || f.safi == 4
                       || f.safi == 128 || f.safi == 129;
  return ip && prefixy;
}

bool has_add_path(const std::vector<AfiSafi>& families, AfiSafi f) noexcept
{
  for (const auto& x : families) {
    if (x == f) {
      return true;
    }
  }
  return false;
}

// Count (path id?, length, prefix) NLRI entries (RFC 4271 §4.3, RFC 7911 §3).
Expected<std::size_t, DecodeError> count_prefixes(Bytes data, AfiSafi family, bool path_ids,
                                                  std::string_view where)
{
  ByteReader r(data);
  // Plain unicast/multicast prefixes are at most the address length; labeled
  // and VPN NLRI add label and route distinguisher bits (RFC 8277, RFC 4364).
  const bool plain = family.safi == k_safi_unicast || family.safi == k_safi_multicast;
  const unsigned max_bits = !plain ? 255u : family.afi == k_afi_ipv4 ? 32u : 128u;
  std::size_t count = 0;
  while (!r.empty()) {
    if (path_ids) {
      WIRE_READ(id, r.bytes(k_path_id_size), DecodeErrc::update_invalid_network,
                std::string(where) + " path identifier");
      (void)id;
    }
    WIRE_READ(bits, r.u8(), DecodeErrc::update_invalid_network, std::string(where) + " prefix length");
    // RFC 4271 §6.3: a prefix longer than the address is an Invalid Network Field
    if (bits > max_bits) {
      return fail(DecodeErrc::update_invalid_network,
                  std::string(where) + " prefix length " + std::to_string(bits) + " > "
                    + std::to_string(max_bits));
    }
    WIRE_READ(prefix, r.bytes((bits + 7u) / 8u), DecodeErrc::update_invalid_network,
              std::string(where) + " prefix");
    (void)prefix;
    ++count;
  }
  return count;
}

// With add-path unknown (no OPEN seen), try without path ids, then with.
Expected<std::size_t, DecodeError> count_nlri(Bytes data, AfiSafi family, const DecodeContext& ctx,
                                              std::string_view where)
{
  if (ctx.add_path) {
    return count_prefixes(data, family, has_add_path(*ctx.add_path, family), where);
  }
  auto plain = count_prefixes(data, family, false, where);
  if (plain) {
    return plain;
  }
  auto with_ids = count_prefixes(data, family, true, where);
  return with_ids ? with_ids : plain;
}

// RFC 4271 §4.3 / RFC 6793 §3: segments of (type 1, count 1, count ASNs).
Expected<std::vector<AsPathSegment>, DecodeError> decode_as_path(Bytes data, bool four_octet,
                                                                 DecodeErrc errc)
{
  ByteReader r(data);
  std::vector<AsPathSegment> path;
  const std::size_t width = four_octet ? 4 : 2;
  while (!r.empty()) {
    WIRE_READ(type, r.u8(), errc, "AS_PATH segment type");
    WIRE_READ(count, r.u8(), errc, "AS_PATH segment length");
    // RFC 4271 §4.3 types 1-2, RFC 5065 §3 types 3-4
    if (type < 1 || type > 4) {
      return fail(errc, "AS_PATH segment type " + std::to_string(type));
    }
    // RFC 7606 §7.2: a segment of length 0 is malformed
    if (count == 0) {
      return fail(errc, "AS_PATH segment of length 0");
    }
    WIRE_READ(asns, r.sub(count * width), errc,
              "AS_PATH segment of " + std::to_string(count) + " ASNs");
    AsPathSegment seg;
    seg.type = type;
    seg.asns.reserve(count);
    while (!asns.empty()) {
      seg.asns.push_back(four_octet ? *asns.u32be() : *asns.u16be());
    }
    path.push_back(std::move(seg));
  }
  return path;
}

Unexpected<DecodeError> bad_attribute_length(std::uint8_t type, std::size_t len, std::string_view expected)
{
  return fail(DecodeErrc::update_attribute_length,
              std::string(attribute_name(type)) + " length " + std::to_string(len) + ", expected "
                + std::string(expected));
}

Expected<MpReach, DecodeError> decode_mp_reach(Bytes value, const DecodeContext& ctx)
{
  // RFC 4760 §3: AFI 2, SAFI 1, next hop length 1, next hop, reserved 1, NLRI
  ByteReader r(value);
  MpReach mp;
  WIRE_READ(afi, r.u16be(), DecodeErrc::update_optional_attribute, "MP_REACH_NLRI AFI");
  WIRE_READ(safi, r.u8(), DecodeErrc::update_optional_attribute, "MP_REACH_NLRI SAFI");
  WIRE_READ(nh_len, r.u8(), DecodeErrc::update_optional_attribute, "MP_REACH_NLRI next hop length");
  WIRE_READ(nh, r.bytes(nh_len), DecodeErrc::update_optional_attribute, "MP_REACH_NLRI next hop");
  WIRE_READ(reserved, r.u8(), DecodeErrc::update_optional_attribute, "MP_REACH_NLRI reserved octet");
  (void)reserved;
  mp.family = AfiSafi{afi, safi};
  mp.next_hop.assign(nh.begin(), nh.end());
  if (countable(mp.family)) {
    WIRE_ASSIGN(mp.nlri_count, count_nlri(r.rest(), mp.family, ctx, "MP_REACH_NLRI"));
  }
  return mp;
}

Expected<MpUnreach, DecodeError> decode_mp_unreach(Bytes value, const DecodeContext& ctx)
{
  // RFC 4760 §4: AFI 2, SAFI 1, withdrawn routes
  ByteReader r(value);
  MpUnreach mp;
  WIRE_READ(afi, r.u16be(), DecodeErrc::update_optional_attribute, "MP_UNREACH_NLRI AFI");
  WIRE_READ(safi, r.u8(), DecodeErrc::update_optional_attribute, "MP_UNREACH_NLRI SAFI");
  mp.family = AfiSafi{afi, safi};
  if (countable(mp.family)) {
    WIRE_ASSIGN(mp.withdrawn_count, count_nlri(r.rest(), mp.family, ctx, "MP_UNREACH_NLRI"));
  } else if (r.empty()) {
    mp.withdrawn_count = 0;
  }
  return mp;
}

bool plausible_next_hop(const std::array<std::uint8_t, 4>& a) noexcept
{
  // RFC 4271 §6.3: syntactically incorrect NEXT_HOP: 0.0.0.0, multicast
  // (224/4), class E and broadcast (240/4) are no unicast host address.
  const bool zero = a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0;
  return !zero && a[0] < 224;
}

Expected<void, DecodeError> decode_attribute(std::uint8_t flags, std::uint8_t type, Bytes value,
                                             const DecodeContext& ctx, Update& u)
{
  const std::size_t len = value.size();
  switch (static_cast<AttributeType>(type)) {
  case AttributeType::origin: {
    // RFC 4271 §5.1.1: one octet, 0..2
    if (len != 1) {
      return bad_attribute_length(type, len, "1");
    }
    if (value[0] > 2) {
      return fail(DecodeErrc::update_invalid_origin, "ORIGIN " + std::to_string(value[0]));
    }
    u.origin = static_cast<Origin>(value[0]);
    break;
  }
  case AttributeType::as_path: {
    // RFC 6793 §4: 4-octet ASNs between NEW speakers, 2-octet otherwise
    if (ctx.four_octet_as) {
      WIRE_ASSIGN(u.as_path, decode_as_path(value, *ctx.four_octet_as,
                                                    DecodeErrc::update_malformed_as_path));
      u.as_path_four_octet = *ctx.four_octet_as;
    } else {
      auto four = decode_as_path(value, true, DecodeErrc::update_malformed_as_path);
      if (four) {
        u.as_path = std::move(*four);
        u.as_path_four_octet = true;
      } else {
        WIRE_ASSIGN(u.as_path, decode_as_path(value, false, DecodeErrc::update_malformed_as_path));
        u.as_path_four_octet = false;
      }
    }
    break;
  }
  case AttributeType::next_hop: {
    // RFC 4271 §5.1.3: an IPv4 address
    if (len != 4) {
      return bad_attribute_length(type, len, "4");
    }
    std::array<std::uint8_t, 4> a{value[0], value[1], value[2], value[3]};
    if (!plausible_next_hop(a)) {
      return fail(DecodeErrc::update_invalid_next_hop,
                  "NEXT_HOP " + std::to_string(a[0]) + "." + std::to_string(a[1]) + "."
                    + std::to_string(a[2]) + "." + std::to_string(a[3]));
    }
    u.next_hop = a;
    break;
  }
  case AttributeType::multi_exit_disc:
  case AttributeType::local_pref:
  case AttributeType::originator_id:
    // RFC 4271 §5.1.4, §5.1.5, RFC 4456 §8: 4 octets
    if (len != 4) {
      return bad_attribute_length(type, len, "4");
    }
    break;
  case AttributeType::atomic_aggregate:
    // RFC 4271 §5.1.6: empty
    if (len != 0) {
      return bad_attribute_length(type, len, "0");
    }
    break;
  case AttributeType::aggregator:
    // RFC 4271 §5.1.7 / RFC 6793 §3: AS (2 or 4) + IPv4 address
    if (len != 6 && len != 8) {
      return bad_attribute_length(type, len, "6 or 8");
    }
    break;
  case AttributeType::as4_aggregator:
    // RFC 6793 §3: 4-octet AS + IPv4 address
    if (len != 8) {
      return bad_attribute_length(type, len, "8");
    }
    break;
  case AttributeType::communities:
  case AttributeType::cluster_list:
    // RFC 1997, RFC 4456 §8: multiples of 4 octets
    if (len % 4 != 0) {
      return bad_attribute_length(type, len, "a multiple of 4");
    }
    break;
  case AttributeType::extended_communities:
    // RFC 4360 §2: multiples of 8 octets
    if (len % 8 != 0) {
      return bad_attribute_length(type, len, "a multiple of 8");
    }
    break;
  case AttributeType::large_communities:
    // RFC 8092 §3: multiples of 12 octets
    if (len % 12 != 0) {
      return bad_attribute_length(type, len, "a multiple of 12");
    }
    break;
  case AttributeType::mp_reach_nlri: {
    WIRE_ASSIGN(u.mp_reach, decode_mp_reach(value, ctx));
    break;
  }
  case AttributeType::mp_unreach_nlri: {
    WIRE_ASSIGN(u.mp_unreach, decode_mp_unreach(value, ctx));
    break;
  }
  case AttributeType::as4_path: {
    // RFC 6793 §3: always 4-octet ASNs
    WIRE_ASSIGN(u.as4_path, decode_as_path(value, true, DecodeErrc::update_optional_attribute));
    break;
  }
  default:
    // RFC 4271 §6.3: an unrecognized well-known (non-optional) attribute
    if ((flags & k_flag_optional) == 0) {
      return fail(DecodeErrc::update_unrecognized_well_known, "attribute type " + std::to_string(type));
    }
    break;
  }
  return {};
}

Expected<Message, DecodeError> decode_update(ByteReader r, const DecodeContext& ctx)
{
  Update u;
  const AfiSafi ipv4_unicast{k_afi_ipv4, k_safi_unicast};
  // RFC 4271 §6.3: lengths that overrun the message: Malformed Attribute List
  WIRE_READ(withdrawn_len, r.u16be(), DecodeErrc::update_malformed_attribute_list, "withdrawn routes length");
  WIRE_READ(withdrawn, r.bytes(withdrawn_len), DecodeErrc::update_malformed_attribute_list, "withdrawn routes");
  WIRE_READ(attrs_len, r.u16be(), DecodeErrc::update_malformed_attribute_list, "total path attribute length");
  WIRE_READ(attrs, r.sub(attrs_len), DecodeErrc::update_malformed_attribute_list, "path attributes");
  const Bytes nlri = r.rest();

  WIRE_ASSIGN(u.withdrawn_count, count_nlri(withdrawn, ipv4_unicast, ctx, "withdrawn routes"));

  std::bitset<256> seen;
  u.attribute_types.reserve(8); // one allocation for the usual 3-6 attributes
  while (!attrs.empty()) {
    WIRE_READ(flags, attrs.u8(), DecodeErrc::update_malformed_attribute_list, "attribute flags");
    WIRE_READ(type, attrs.u8(), DecodeErrc::update_malformed_attribute_list, "attribute type");
    std::size_t len = 0;
    if ((flags & k_flag_extended_length) != 0) {
      WIRE_READ(len16, attrs.u16be(), DecodeErrc::update_attribute_length, "attribute length");
      len = len16;
    } else {
      WIRE_READ(len8, attrs.u8(), DecodeErrc::update_attribute_length, "attribute length");
      len = len8;
    }
    WIRE_READ(value, attrs.bytes(len), DecodeErrc::update_attribute_length,
              std::string(attribute_name(type).empty() ? "attribute " + std::to_string(type)
                                                       : std::string(attribute_name(type))));
    // RFC 4271 §6.3: an attribute that appears more than once
    if (seen.test(type)) {
      return fail(DecodeErrc::update_malformed_attribute_list,
                  "attribute " + std::to_string(type) + " appears twice");
    }
    seen.set(type);
    // RFC 4271 §6.3: well-known attributes are transitive and not optional;
    // the optional ones we know must carry the optional bit.
    if (is_well_known(type)
        && ((flags & k_flag_optional) != 0 || (flags & k_flag_transitive) == 0)) {
      return fail(DecodeErrc::update_attribute_flags,
                  std::string(attribute_name(type)) + " flags " + hex8(flags));
    }
    if (is_known_optional(type) && (flags & k_flag_optional) == 0) {
      return fail(DecodeErrc::update_attribute_flags,
                  std::string(attribute_name(type)) + " without the optional flag");
    }
    u.attribute_types.push_back(type);
    BGPWATCH_TRY(decode_attribute(flags, type, value, ctx, u));
  }

  WIRE_ASSIGN(u.announced_count, count_nlri(nlri, ipv4_unicast, ctx, "NLRI"));

  // RFC 4271 §6.3 / RFC 4760 §3: reachability needs ORIGIN and AS_PATH, and
  // IPv4 NLRI in the UPDATE body also NEXT_HOP.
  const bool announces = u.announced_count > 0 || u.mp_reach.has_value();
  if (announces) {
    if (!u.origin) {
      return fail(DecodeErrc::update_missing_well_known, "ORIGIN missing");
    }
    if (!u.as_path) {
      return fail(DecodeErrc::update_missing_well_known, "AS_PATH missing");
    }
    if (u.announced_count > 0 && !u.next_hop) {
      return fail(DecodeErrc::update_missing_well_known, "NEXT_HOP missing");
    }
  }

  // RFC 4724 §2: End-of-RIB
  if (withdrawn.empty() && attrs_len == 0 && nlri.empty()) {
    u.end_of_rib = ipv4_unicast;
  } else if (withdrawn.empty() && nlri.empty() && u.attribute_types.size() == 1 && u.mp_unreach
             && r.rest().empty() && u.mp_unreach->withdrawn_count == std::optional<std::size_t>(0)) {
    u.end_of_rib = u.mp_unreach->family;
  }
  return Message(std::move(u));
}

// ---------------------------------------------------------------- NOTIFICATION / ROUTE-REFRESH
Expected<Message, DecodeError> decode_notification(ByteReader r)
{
  Notification n;
  n.code = *r.u8();
  n.subcode = *r.u8();
  const Bytes data = r.rest();
  n.data.assign(data.begin(), data.end());
  // RFC 8203 §2 / RFC 9003 §2: Cease 2 and 4 may carry a length-prefixed
  // UTF-8 shutdown communication. A length that does not fit leaves only the
  // raw data: a NOTIFICATION is never answered with one (RFC 4271 §6.4).
  const bool shutdown_or_reset = n.code == static_cast<std::uint8_t>(NotifyCode::cease)
                                 && (n.subcode == static_cast<std::uint8_t>(CeaseSubcode::administrative_shutdown)
                                     || n.subcode == static_cast<std::uint8_t>(CeaseSubcode::administrative_reset));
  if (shutdown_or_reset && !data.empty()) {
    const std::size_t len = data[0];
    if (len > 0 && len + 1 <= data.size()) {
      n.shutdown_communication = std::string(data.begin() + 1, data.begin() + 1 + static_cast<std::ptrdiff_t>(len));
    }
  }
  return Message(std::move(n));
}

Expected<Message, DecodeError> decode_route_refresh(ByteReader r, std::size_t length)
{
  RouteRefresh rr;
  rr.family.afi = *r.u16be();
  rr.subtype = *r.u8();
  rr.family.safi = *r.u8();
  rr.orf_bytes = r.size();
  // RFC 7313 §5: a BoRR/EoRR must be exactly 4 octets after the header
  const bool demarcation = rr.subtype == static_cast<std::uint8_t>(RouteRefreshSubtype::begin_of_route_refresh)
                           || rr.subtype == static_cast<std::uint8_t>(RouteRefreshSubtype::end_of_route_refresh);
  if (demarcation && length != k_route_refresh_size) {
    return fail(DecodeErrc::route_refresh_bad_length,
                std::string(route_refresh_subtype_name(rr.subtype)) + " of length " + std::to_string(length));
  }
  return Message(rr);
}

} // namespace

// ---------------------------------------------------------------- public
std::uint32_t Open::effective_as() const noexcept
{
  const Capability* c = find(CapabilityCode::four_octet_as);
  return c != nullptr && c->four_octet_as ? *c->four_octet_as : my_as;
}

const Capability* Open::find(CapabilityCode code) const noexcept
{
  for (const auto& c : capabilities) {
    if (c.code == static_cast<std::uint8_t>(code)) {
      return &c;
    }
  }
  return nullptr;
}

std::size_t Update::total_announced() const noexcept
{
  return announced_count + (mp_reach && mp_reach->nlri_count ? *mp_reach->nlri_count : 0);
}

std::size_t Update::total_withdrawn() const noexcept
{
  return withdrawn_count + (mp_unreach && mp_unreach->withdrawn_count ? *mp_unreach->withdrawn_count : 0);
}

MessageType type_of(const Message& message) noexcept
{
  return static_cast<MessageType>(message.index() + 1);
}

std::string as_path_to_string(const std::vector<AsPathSegment>& path)
{
  std::string out;
  for (const auto& seg : path) {
    const char* open = "";
    const char* close = "";
    switch (static_cast<SegmentType>(seg.type)) {
    case SegmentType::as_set:
      open = "{";
      close = "}";
      break;
    case SegmentType::confed_sequence:
      open = "(";
      close = ")";
      break;
    case SegmentType::confed_set:
      open = "[";
      close = "]";
      break;
    case SegmentType::as_sequence:
      break;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += open;
    for (std::size_t i = 0; i < seg.asns.size(); ++i) {
      if (i > 0) {
        out += ' ';
      }
      out += std::to_string(seg.asns[i]);
    }
    out += close;
  }
  return out;
}

Expected<Header, DecodeError> decode_header(std::span<const std::uint8_t> bytes, bool extended_message)
{
  ByteReader r(bytes);
  WIRE_READ(marker, r.bytes(k_marker_size), DecodeErrc::truncated, "header marker");
  WIRE_READ(length, r.u16be(), DecodeErrc::truncated, "header length");
  WIRE_READ(type, r.u8(), DecodeErrc::truncated, "header type");
  // RFC 4271 §6.1: the marker is all ones
  for (const std::uint8_t b : marker) {
    if (b != 0xff) {
      return fail(DecodeErrc::bad_marker, "marker is not all ones");
    }
  }
  // RFC 4271 §6.1 (RFC 8654 §4 with extended message): 19 <= length <= 4096 (65535)
  const std::size_t max = extended_message ? k_max_extended_message_size : k_max_message_size;
  if (length < k_header_size || length > max) {
    return fail(DecodeErrc::bad_length, "length " + std::to_string(length));
  }
  // RFC 4271 §6.1: types 1-4, RFC 2918 §3: 5
  if (type < static_cast<std::uint8_t>(MessageType::open)
      || type > static_cast<std::uint8_t>(MessageType::route_refresh)) {
    return fail(DecodeErrc::bad_type, "type " + std::to_string(type));
  }
  return Header{length, type};
}

Expected<Message, DecodeError> decode_message(std::span<const std::uint8_t> bytes, const DecodeContext& context)
{
  Header h;
  WIRE_ASSIGN(h, decode_header(bytes, context.extended_message.value_or(true)));
  if (bytes.size() < h.length) {
    return fail(DecodeErrc::truncated,
                "length field " + std::to_string(h.length) + ", " + std::to_string(bytes.size()) + " bytes");
  }
  if (bytes.size() > h.length) {
    return fail(DecodeErrc::length_mismatch,
                "length field " + std::to_string(h.length) + ", " + std::to_string(bytes.size()) + " bytes");
  }
  const ByteReader body(bytes.subspan(k_header_size));
  const auto type = static_cast<MessageType>(h.type);
  // RFC 4271 §6.1: per-type length bounds are Bad Message Length
  std::size_t min = k_header_size;
  bool exact = false;
  switch (type) {
  case MessageType::open:
    min = k_open_min;
    break;
  case MessageType::update:
    min = k_update_min;
    break;
  case MessageType::notification:
    min = k_notification_min;
    break;
  case MessageType::keepalive:
    min = k_keepalive_size;
    exact = true;
    break;
  case MessageType::route_refresh:
    min = k_route_refresh_size;
    break;
  }
  if (h.length < min || (exact && h.length != min)) {
    return fail(DecodeErrc::bad_length,
                std::string(message_type_name(h.type)) + " of length " + std::to_string(h.length));
  }
  switch (type) {
  case MessageType::open:
    return decode_open(body);
  case MessageType::update:
    return decode_update(body, context);
  case MessageType::notification:
    return decode_notification(body);
  case MessageType::keepalive:
    return Message(Keepalive{});
  case MessageType::route_refresh:
    return decode_route_refresh(body, h.length);
  }
  return fail(DecodeErrc::bad_type, "type " + std::to_string(h.type));
}

} // namespace bgpwatch::bgp
