// bgp/junos_fields.cpp: field rules shared by the Junos XML and text
// parsers (see junos_fields.hpp).
#include "bgp/junos_fields.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

namespace bgpwatch::bgp::junos {

std::string_view trim(std::string_view s)
{
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

namespace {

ParseError field_error(ParseErrc code, std::string detail)
{
  return ParseError{code, 0, 0, std::move(detail)};
}

bool all_digits(std::string_view s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

Expected<std::uint64_t, ParseError> parse_counter(std::string_view text, std::string_view what)
{
  if (!all_digits(text)) {
    return Unexpected(field_error(ParseErrc::bad_value, "bad " + std::string(what) + " '" + std::string(text)
                                                            + "' (expected an unsigned integer)"));
  }
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Unexpected(field_error(ParseErrc::out_of_range,
                                  std::string(what) + " '" + std::string(text) + "' does not fit in 64 bits"));
  }
  return value;
}

Expected<std::uint32_t, ParseError> parse_asn(std::string_view text)
{
  const auto bad = [&] {
    return Unexpected(field_error(ParseErrc::bad_value, "bad peer-as '" + std::string(text) + "'"));
  };
  const auto too_big = [&] {
    return Unexpected(field_error(ParseErrc::out_of_range, "peer-as '" + std::string(text) + "' exceeds 4294967295"));
  };
  const auto dot = text.find('.');
  const auto digits_value = [](std::string_view d, std::uint64_t& out) {
    if (!all_digits(d) || d.size() > 10) {
      return d.size() > 10 && all_digits(d) ? 2 : 1;
    }
    std::from_chars(d.data(), d.data() + d.size(), out);
    return 0;
  };
  if (dot == std::string_view::npos) {
    std::uint64_t v = 0;
    const int r = digits_value(text, v);
    if (r == 1) {
      return bad();
    }
    if (r == 2 || v > 0xFFFFFFFFull) {
      return too_big();
    }
    return static_cast<std::uint32_t>(v);
  }
  // RFC 5396 asdot: high.low, each 0-65535.
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  if (digits_value(text.substr(0, dot), high) != 0 || digits_value(text.substr(dot + 1), low) != 0) {
    return bad();
  }
  if (high > 0xFFFF || low > 0xFFFF) {
    return too_big();
  }
  return static_cast<std::uint32_t>((high << 16) | low);
}

Expected<Address, ParseError> parse_peer_address(std::string_view text)
{
  std::string_view host = text;
  const auto plus = text.rfind('+');
  if (plus != std::string_view::npos) {
    const auto port = text.substr(plus + 1);
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (!all_digits(port) || ec != std::errc() || value > 65535) {
      return Unexpected(field_error(ParseErrc::bad_value, "bad port in peer-address '" + std::string(text) + "'"));
    }
    host = text.substr(0, plus);
  }
  auto address = Address::parse(host);
  if (!address) {
    return Unexpected(field_error(ParseErrc::bad_value, "bad peer-address '" + std::string(text) + "'"));
  }
  return *address;
}

std::optional<std::string> table_instance(std::string_view table)
{
  // Junos table names are [instance.]family.N: inet.0, inet6.0, inet.3,
  // mdt.0, evpn.0 in the master instance; frontend.inet.0,
  // VRF-TEST001.mdt.0, __default_evpn__.evpn.0 in an instance. The
  // bgp.<family>.N tables (bgp.l3vpn.0, bgp.evpn.0, ...) belong to the
  // master instance. The instance is everything before the last two dots.
  const auto last = table.rfind('.');
  if (last == std::string_view::npos || last == 0) {
    return std::nullopt;
  }
  const auto second = table.rfind('.', last - 1);
  if (second == std::string_view::npos || second == 0) {
    return std::nullopt;
  }
  const auto prefix = table.substr(0, second);
  if (prefix == "bgp") {
    return std::nullopt;
  }
  return std::string(prefix);
}

std::optional<std::string> common_instance(const std::vector<std::string_view>& tables)
{
  std::optional<std::string> common;
  for (const auto table : tables) {
    auto instance = table_instance(table);
    if (!instance) {
      return std::nullopt; // a master table: the peer lives in the master instance
    }
    if (common && *common != *instance) {
      return std::nullopt; // two instances: cannot tell, say master
    }
    common = std::move(instance);
  }
  return common;
}

std::optional<std::string> peer_instance(const std::vector<RibCounts>& ribs,
                                         const std::optional<std::string>& reply_instance)
{
  if (ribs.empty()) {
    return reply_instance;
  }
  // Same rule as common_instance, without building a list per peer.
  std::optional<std::string> common;
  for (const auto& rib : ribs) {
    auto instance = table_instance(rib.name);
    if (!instance || (common && *common != *instance)) {
      return std::nullopt;
    }
    common = std::move(instance);
  }
  return common;
}

void merge_block(Summary& into, Summary&& block, bool& first)
{
  if (first) {
    into.groups = block.groups;
    into.peers = block.peers;
    into.down_peers = block.down_peers;
    first = false;
  }
  merge_sessions(into.sessions, std::move(block.sessions));
}

void merge_sessions(std::vector<Session>& into, std::vector<Session>&& from)
{
  if (into.empty()) {
    into = std::move(from); // the usual single <bgp-information>: nothing to merge
    return;
  }
  using Key = std::pair<std::optional<std::string>, Address>;
  std::set<Key> seen;
  for (const auto& s : into) {
    seen.emplace(s.instance, s.address);
  }
  for (auto& session : from) {
    if (seen.emplace(session.instance, session.address).second) {
      into.push_back(std::move(session));
    }
  }
}

} // namespace bgpwatch::bgp::junos
