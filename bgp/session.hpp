// bgp/session.hpp: the session model every source (Junos XML/text, BIRD,
// the wire) is parsed into, and every renderer and the readiness verdict
// read from. Pure values: no I/O.
//
// SPEC "Words": a session is one BGP peering between one router and one node
// address; its identity is (router, routing instance, peer address).
// Addresses are compared as binary, never as strings.
#pragma once

#include "bgp/expected.hpp"

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::bgp {

// RFC 4271 states, numbered as BGP4-MIB bgpPeerState (1 idle .. 6
// established); 0 is our "could not be read" (router unreachable, RPC error,
// unparsable reply, peer absent). Unknown is never ready.
enum class SessionState : std::uint8_t {
  unknown = 0,
  idle = 1,
  connect = 2,
  active = 3,
  open_sent = 4,
  open_confirm = 5,
  established = 6,
};

// "Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established",
// "Unknown": the one name table.
std::string_view to_string(SessionState state) noexcept;

// Accepts the RFC 4271 names above and Junos CLI's "Establ". Anything else
// (including "Unknown") is an error naming the string: never a default.
Expected<SessionState, std::string> parse_state_name(std::string_view name);

enum class Family : std::uint8_t { ipv4, ipv6 };
std::string_view to_string(Family family) noexcept; // "ipv4" / "ipv6"
// "ipv4" / "ipv6"; anything else is an error.
Expected<Family, std::string> parse_family(std::string_view name);

// An IPv4 or IPv6 address held in binary. Equality and ordering are on the
// binary form, so "2620:0:861:103:10:64:32:23" == "2620::861:103:10:64:32:23"
// style spellings compare equal. An IPv4-mapped IPv6 address stays IPv6.
class Address
{
public:
  Address() = default;

  // inet_pton for IPv4 then IPv6; surrounding whitespace is not accepted.
  static std::optional<Address> parse(std::string_view text);
  static Address v4(std::array<std::uint8_t, 4> bytes);
  static Address v6(const std::array<std::uint8_t, 16>& bytes);

  Family family() const noexcept
  {
    return m_family;
  }
  // 4 bytes for IPv4, 16 for IPv6.
  const std::uint8_t* data() const noexcept
  {
    return m_bytes.data();
  }
  std::size_t size() const noexcept
  {
    return m_family == Family::ipv4 ? 4 : 16;
  }
  // Canonical text (inet_ntop): "10.64.32.23", "2620:0:861:103:10:64:32:23".
  std::string to_string() const;
  // The same text written to `out` (at least k_max_text bytes, not
  // NUL-terminated); returns its length. No allocation: for writers of many
  // sessions.
  static constexpr std::size_t k_max_text = 46; // INET6_ADDRSTRLEN
  std::size_t format(char* out) const noexcept;

  friend bool operator==(const Address&, const Address&) = default;
  friend std::strong_ordering operator<=>(const Address&, const Address&) = default;

private:
  Family m_family = Family::ipv4;
  std::array<std::uint8_t, 16> m_bytes{};
};

// An IP prefix ("10.64.130.0/24"); host bits must be zero.
struct Prefix
{
  Address network;
  std::uint8_t length = 0;

  // Error text says what is wrong ("host bits set", "length 33 > 32", ...).
  static Expected<Prefix, std::string> parse(std::string_view text);
  bool contains(const Address& address) const noexcept;
  std::string to_string() const;

  friend bool operator==(const Prefix&, const Prefix&) = default;
};

// Where a session's state was read, the JSON "source" enum (docs/json.md):
// a router's reply asked live over NETCONF, a saved router reply read from a
// file (--replay, `parse`), a running collector's /v1 view, a BIRD control
// socket, or BGP messages on the wire. The Junos parsers say netconf; the
// source that read a reply from elsewhere re-tags its sessions.
enum class Source : std::uint8_t { netconf, replay, collector, bird, wire };
std::string_view to_string(Source source) noexcept; // "netconf" / "replay" / "collector" / "bird" / "wire"

// Per-RIB (routing table) prefix counts of one peer. Absent counters stay
// empty: we never invent a zero.
struct RibCounts
{
  std::string name; // "inet.0", "inet6.0", "frontend.inet.0", BIRD table name
  std::optional<std::uint64_t> active;
  std::optional<std::uint64_t> received;
  std::optional<std::uint64_t> accepted;
  std::optional<std::uint64_t> damped;
  std::optional<std::uint64_t> suppressed;
  // Junos neighbor detail `bgp-rib-state` ("BGP restart is complete"; any
  // other text means a restart is still in progress); null when not given.
  std::optional<std::string> state{};

  friend bool operator==(const RibCounts&, const RibCounts&) = default;
};

struct Session
{
  // Identity. router/site/node are filled in by the collector (null offline).
  std::optional<std::string> router;
  std::optional<std::string> instance; // routing instance; empty = master/default
  Address address;                     // the peer (node) address

  std::optional<std::uint32_t> peer_as;
  SessionState state = SessionState::unknown;
  // Seconds since the last state change (for a down session: time down).
  std::optional<std::int64_t> uptime_seconds;
  std::optional<std::uint64_t> flaps;
  std::optional<std::uint64_t> input_messages;
  std::optional<std::uint64_t> output_messages;
  std::optional<std::uint64_t> output_queue;
  std::optional<std::string> description;
  std::vector<RibCounts> ribs;
  Source source = Source::netconf;

  // Annotations from the inventory (collector); null when unknown/offline.
  std::optional<std::string> site;
  std::optional<std::string> node;

  // Source-specific detail (BIRD protocol name, BIRD/wire last error, the
  // local address when known). Renderers print them when present.
  std::optional<std::string> protocol;
  std::optional<std::string> last_error;
  std::optional<Address> local_address;
  std::optional<std::uint32_t> local_as;

  // Neighbor detail (Junos get-bgp-neighbor-information / show bgp
  // neighbor, BIRD show protocols all): graceful restart (RFC 4724) and
  // End-of-RIB facts, issue 14. Every field is empty when the source did
  // not say; an empty list is "said, and none". Word lists keep the
  // router's own words (families as Junos names them: "inet-unicast").
  // true when a neighbor-detail source filled this session: route-level
  // readiness needs it (a summary alone cannot say whether routes are back).
  bool has_detail = false;
  std::optional<std::string> last_state;  // Junos last-state ("OpenConfirm", "EstabSync": not RFC names)
  std::optional<std::vector<std::string>> peer_flags; // "Sync", "Unconfigured", "Idled", ...
  std::optional<std::vector<std::string>> options;    // bgp-options + bgp-options-extended ("GracefulRestart", "Shutdown")
  std::optional<std::uint32_t> restart_time_received; // seconds, from the peer's OPEN
  std::optional<std::uint32_t> stale_route_time;      // seconds the router keeps stale routes (configured)
  std::optional<std::vector<std::string>> restart_negotiated;  // NLRI restart is negotiated for
  std::optional<std::vector<std::string>> end_of_rib_received; // NLRI whose End-of-RIB arrived
  std::optional<std::vector<std::string>> end_of_rib_sent;     // NLRI whose End-of-RIB was sent
  std::optional<std::string> restart_flags_received; // whole text: "Restarting Notification"

  Family family() const noexcept
  {
    return address.family();
  }
  // Sum over ribs of accepted prefixes; empty if no rib carries the counter.
  std::optional<std::uint64_t> accepted_prefixes() const;

  friend bool operator==(const Session&, const Session&) = default;
};

// What one summary (one router's reply, one text paste, one BIRD socket)
// says. Header counts are empty where the input has none; they are reported,
// never cross-checked against the peer list (Junos counters can disagree).
struct Summary
{
  std::optional<std::uint64_t> groups;
  std::optional<std::uint64_t> peers;
  std::optional<std::uint64_t> down_peers;
  std::vector<Session> sessions;
};

// A parse failure with its location. line is 1-based (0 = not applicable);
// column likewise. detail is for people; code is for programs.
enum class ParseErrc : std::uint8_t {
  syntax,          // not well-formed (XML) or unrecognised line (text)
  wrong_root,      // well-formed but not the document we expect
  missing_field,   // a required element/column is absent
  bad_value,       // a value does not parse (number, address, state, time)
  out_of_range,    // a number too large for its field
  rpc_error,       // the router answered <rpc-error>; detail is its message
  too_large,       // input over the size limit
  unknown_format,  // format detection found nothing it knows
};
std::string_view to_string(ParseErrc code) noexcept;

struct ParseError
{
  ParseErrc code = ParseErrc::syntax;
  std::size_t line = 0;
  std::size_t column = 0;
  std::string detail;

  // "line 12: bad peer-as 'x'" (or just detail when line is 0).
  std::string to_string() const;
};

} // namespace bgpwatch::bgp
