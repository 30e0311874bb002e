// bgp/junos_fields.hpp: field rules shared by the Junos XML and text
// parsers (internal to bgp/, not part of the public junos.hpp): numbers,
// ASNs, peer addresses and the routing-instance rule for table names.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Like BGPWATCH_TRY_ASSIGN, for targets that are not plain identifiers
// (members: summary.groups, session.flaps).
#define BGPWATCH_JUNOS_ASSIGN(target_, expr_)                                  \
  do {                                                                         \
    auto bgpwatch_junos_result_ = (expr_);                                     \
    if (!bgpwatch_junos_result_) {                                             \
      return ::bgpwatch::Unexpected(std::move(bgpwatch_junos_result_).error()); \
    }                                                                          \
    target_ = std::move(*bgpwatch_junos_result_);                              \
  } while (false)

namespace bgpwatch::bgp::junos {

std::string_view trim(std::string_view s);

// Unsigned decimal, no sign, no spaces inside (the caller trims). Errors
// are ParseError{bad_value|out_of_range} with line 0 and a detail naming
// `what`; the caller adds the line.
Expected<std::uint64_t, ParseError> parse_counter(std::string_view text, std::string_view what);

// asplain (up to 4294967295); asdot "X.Y" (RFC 5396) is accepted and
// converted, although no Junos capture used it.
Expected<std::uint32_t, ParseError> parse_asn(std::string_view text);

// "10.64.0.121", "2620:0:861:101:10:64:0:121", "10.2.1.253+179": the
// port suffix is cut at the last '+' (IPv6 addresses contain no '+').
Expected<Address, ParseError> parse_peer_address(std::string_view text);

// The routing instance a table belongs to: "frontend.inet.0" ->
// "frontend"; master tables (two components, "inet.0", "inet6.3", "mdt.0",
// and every "bgp.*" table such as "bgp.l3vpn.0") -> nullopt.
std::optional<std::string> table_instance(std::string_view table);

// The instance of a set of tables: the single instance every table belongs
// to. Any master table, or tables of two instances, or no tables -> nullopt.
std::optional<std::string> common_instance(const std::vector<std::string_view>& tables);

// A peer's instance: from its own RIBs when it has any, else from the
// reply's table list (an instance-scoped reply lists only that instance's
// tables, and its down peers have no RIBs).
std::optional<std::string> peer_instance(const std::vector<RibCounts>& ribs,
                                         const std::optional<std::string>& reply_instance);

// Merge sessions of several routing engines / bgp-information blocks: a
// session identity (instance, address) already present is not added again
// (the first routing engine listed wins).
void merge_sessions(std::vector<Session>& into, std::vector<Session>&& from);

// One more <bgp-information> block into `into`: the first block's header
// counters (`first`, then cleared), every block's sessions by merge_sessions.
void merge_block(Summary& into, Summary&& block, bool& first);

} // namespace bgpwatch::bgp::junos
