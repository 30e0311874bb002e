#include "bgp/session.hpp"

#include <arpa/inet.h> // inet_pton/inet_ntop: pure conversions, no I/O

#include <charconv>
#include <cstring>

namespace bgpwatch::bgp {

namespace {

struct StateName
{
  SessionState state;
  std::string_view name;
};

// The one name table. Order matches the enum.
constexpr StateName k_state_names[] = {
  {SessionState::unknown, "Unknown"},
  {SessionState::idle, "Idle"},
  {SessionState::connect, "Connect"},
  {SessionState::active, "Active"},
  {SessionState::open_sent, "OpenSent"},
  {SessionState::open_confirm, "OpenConfirm"},
  {SessionState::established, "Established"},
};

} // namespace

std::string_view to_string(SessionState state) noexcept
{
  const auto index = static_cast<std::size_t>(state);
  if (index < std::size(k_state_names)) {
    return k_state_names[index].name;
  }
  return "Unknown";
}

Expected<SessionState, std::string> parse_state_name(std::string_view name)
{
  // Junos CLI abbreviates Established in the summary's State column.
  if (name == "Establ") {
    return SessionState::established;
  }
  for (const auto& entry : k_state_names) {
    if (entry.state != SessionState::unknown && entry.name == name) {
      return entry.state;
    }
  }
  return Unexpected(std::string("unknown BGP state '") + std::string(name) + "'");
}

std::string_view to_string(Family family) noexcept
{
  return family == Family::ipv4 ? "ipv4" : "ipv6";
}

Expected<Family, std::string> parse_family(std::string_view name)
{
  if (name == "ipv4") {
    return Family::ipv4;
  }
  if (name == "ipv6") {
    return Family::ipv6;
  }
  return Unexpected(std::string("unknown address family '") + std::string(name)
                    + "' (expected ipv4 or ipv6)");
}

std::optional<Address> Address::parse(std::string_view text)
{
  // INET6_ADDRSTRLEN (46) bounds every valid spelling; longer is invalid.
  char buf[64];
  if (text.empty() || text.size() >= sizeof(buf)) {
    return std::nullopt;
  }
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(AF_INET, buf, bytes.data()) == 1) {
    return v4({bytes[0], bytes[1], bytes[2], bytes[3]});
  }
  if (inet_pton(AF_INET6, buf, bytes.data()) == 1) {
    return v6(bytes);
  }
  return std::nullopt;
}

Address Address::v4(std::array<std::uint8_t, 4> bytes)
{
  Address a;
  a.m_family = Family::ipv4;
  std::memcpy(a.m_bytes.data(), bytes.data(), 4);
  return a;
}

Address Address::v6(const std::array<std::uint8_t, 16>& bytes)
{
  Address a;
  a.m_family = Family::ipv6;
  a.m_bytes = bytes;
  return a;
}

namespace {

char* format_v4(const std::uint8_t* b, char* out)
{
  for (int i = 0; i < 4; ++i) {
    if (i != 0) {
      *out++ = '.';
    }
    out = std::to_chars(out, out + 3, b[i]).ptr;
  }
  return out;
}

} // namespace

// inet_ntop's text, without its sprintf per byte or group (a tenth of a
// 10,000-peer `parse --format json`: issue 17). IPv6 follows glibc's
// inet_ntop6 step by step (RFC 5952 in all but the embedded-IPv4 forms,
// which glibc prints for ::ffff:a.b.c.d and ::a.b.c.d):
// tests/bgp/test_session.cpp compares the two on every shape.
std::size_t Address::format(char* out) const noexcept
{
  char* const start = out;
  if (m_family == Family::ipv4) {
    return static_cast<std::size_t>(format_v4(m_bytes.data(), out) - start);
  }
  unsigned words[8];
  for (int i = 0; i < 8; ++i) {
    words[i] = static_cast<unsigned>(m_bytes[2 * i]) << 8 | m_bytes[2 * i + 1];
  }
  // The longest run of zero words (the first of equals), if at least 2.
  int best_base = -1, best_len = 0, cur_base = -1, cur_len = 0;
  for (int i = 0; i < 8; ++i) {
    if (words[i] == 0) {
      if (cur_base == -1) {
        cur_base = i;
        cur_len = 1;
      } else {
        ++cur_len;
      }
    } else if (cur_base != -1) {
      if (best_base == -1 || cur_len > best_len) {
        best_base = cur_base;
        best_len = cur_len;
      }
      cur_base = -1;
    }
  }
  if (cur_base != -1 && (best_base == -1 || cur_len > best_len)) {
    best_base = cur_base;
    best_len = cur_len;
  }
  if (best_base != -1 && best_len < 2) {
    best_base = -1;
  }
  for (int i = 0; i < 8; ++i) {
    if (best_base != -1 && i >= best_base && i < best_base + best_len) {
      if (i == best_base) {
        *out++ = ':';
      }
      continue;
    }
    if (i != 0) {
      *out++ = ':';
    }
    if (i == 6 && best_base == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
      out = format_v4(m_bytes.data() + 12, out);
      return static_cast<std::size_t>(out - start);
    }
    out = std::to_chars(out, out + 4, words[i], 16).ptr;
  }
  if (best_base != -1 && best_base + best_len == 8) {
    *out++ = ':';
  }
  return static_cast<std::size_t>(out - start);
}

std::string Address::to_string() const
{
  char buf[k_max_text];
  return std::string(buf, format(buf));
}

Expected<Prefix, std::string> Prefix::parse(std::string_view text)
{
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return Unexpected(std::string("prefix '") + std::string(text) + "' has no /LENGTH");
  }
  auto address = Address::parse(text.substr(0, slash));
  if (!address) {
    return Unexpected(std::string("prefix '") + std::string(text) + "': bad address");
  }
  const auto len_text = text.substr(slash + 1);
  unsigned length = 0;
  const auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
  if (len_text.empty() || ec != std::errc() || ptr != len_text.data() + len_text.size()) {
    return Unexpected(std::string("prefix '") + std::string(text) + "': bad length");
  }
  const unsigned max = address->family() == Family::ipv4 ? 32 : 128;
  if (length > max) {
    return Unexpected(std::string("prefix '") + std::string(text) + "': length "
                      + std::to_string(length) + " > " + std::to_string(max));
  }
  Prefix p{*address, static_cast<std::uint8_t>(length)};
  // Host bits must be zero: "10.64.130.1/24" is almost always a typo.
  if (!p.contains(*address) || [&] {
        for (std::size_t bit = length; bit < address->size() * 8; ++bit) {
          if (address->data()[bit / 8] & (0x80u >> (bit % 8))) {
            return true;
          }
        }
        return false;
      }()) {
    return Unexpected(std::string("prefix '") + std::string(text) + "': host bits set");
  }
  return p;
}

bool Prefix::contains(const Address& address) const noexcept
{
  if (address.family() != network.family()) {
    return false;
  }
  const std::size_t full = length / 8;
  if (std::memcmp(address.data(), network.data(), full) != 0) {
    return false;
  }
  const unsigned rest = length % 8;
  if (rest == 0) {
    return true;
  }
  const auto mask = static_cast<std::uint8_t>(0xFFu << (8 - rest));
  return (address.data()[full] & mask) == (network.data()[full] & mask);
}

std::string Prefix::to_string() const
{
  return network.to_string() + "/" + std::to_string(length);
}

std::string_view to_string(Source source) noexcept
{
  switch (source) {
  case Source::netconf:
    return "netconf";
  case Source::replay:
    return "replay";
  case Source::collector:
    return "collector";
  case Source::bird:
    return "bird";
  case Source::wire:
    return "wire";
  }
  return "netconf";
}

std::optional<std::uint64_t> Session::accepted_prefixes() const
{
  std::optional<std::uint64_t> total;
  for (const auto& rib : ribs) {
    if (rib.accepted) {
      total = total.value_or(0) + *rib.accepted;
    }
  }
  return total;
}

std::string_view to_string(ParseErrc code) noexcept
{
  switch (code) {
  case ParseErrc::syntax:
    return "syntax";
  case ParseErrc::wrong_root:
    return "wrong_root";
  case ParseErrc::missing_field:
    return "missing_field";
  case ParseErrc::bad_value:
    return "bad_value";
  case ParseErrc::out_of_range:
    return "out_of_range";
  case ParseErrc::rpc_error:
    return "rpc_error";
  case ParseErrc::too_large:
    return "too_large";
  case ParseErrc::unknown_format:
    return "unknown_format";
  }
  return "syntax";
}

std::string ParseError::to_string() const
{
  if (line == 0) {
    return detail;
  }
  std::string out = "line " + std::to_string(line);
  if (column != 0) {
    out += ", column " + std::to_string(column);
  }
  return out + ": " + detail;
}

} // namespace bgpwatch::bgp
