// bgp/junos_neighbor.hpp: parsers for the Junos neighbor detail, the
// <get-bgp-neighbor-information> reply (NETCONF or `| display xml`) and the
// `show bgp neighbor` CLI text (junos-format.md §3, §3a, §6). Pure: no I/O.
//
// They fill the same Session as the summary parsers, plus the neighbor
// facts (last state, last error, flags, options, graceful restart and
// End-of-RIB per NLRI, per-RIB state), with has_detail = true. Elements
// that are absent stay empty: never guessed. The summary's header counts
// (groups, peers, down peers) do not exist here and stay empty.
// Like the summary parsers: a complete Summary or a ParseError with a line,
// never a partial result. Choices where the facts are silent: docs/junos.md
// ("show bgp neighbor").
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::bgp {

// <rpc-reply> (any prefix, optionally wrapping multi-routing-engine-results)
// or a bare <bgp-information> holding zero or more <bgp-peer> (style
// detail). Elements and attributes matched on local names (any release
// namespace). <rpc-error> of severity error -> ParseErrc::rpc_error.
Expected<Summary, ParseError> parse_junos_neighbor_xml(std::string_view xml);

// `show bgp neighbor [ADDRESS]` text, with or without prompt and command
// echo. Each peer starts at a "Peer: ADDR[+port] AS N ..." line; lines the
// parser does not read inside a peer block are skipped (Junos prints dozens
// that change with release and features); before the first peer only
// blank, prompt/command and banner lines are accepted.
Expected<Summary, ParseError> parse_junos_neighbor_text(std::string_view text);

// Folds neighbor detail into a poll's summary sessions (the gate's router
// view asks the summary, then the detail of each expected peer). For each
// summary session, the detail peer with the same address (and instance,
// when both name one) gives its neighbor facts and has_detail = true; RIB
// states are matched by table name. The summary's state, uptime and
// counters stay. A detail peer whose state differs from the summary's (the
// session moved between the two RPCs) is not merged: that session keeps
// has_detail = false and route-level readiness calls it unknown until the
// next poll. Detail peers absent from the summary are not added. Returns
// the number of summary sessions that got detail.
std::size_t merge_neighbor_detail(std::vector<Session>& sessions, const std::vector<Session>& detail);

// Space-separated words ("inet-unicast inet6-unicast", "<Sync Idled>"
// without the angle brackets); empty text gives an empty list.
std::vector<std::string> split_words(std::string_view text);

} // namespace bgpwatch::bgp
