// bgp/junos.hpp: parsers for what a Junos router says about its BGP peers:
// the <get-bgp-summary-information/> XML reply (NETCONF or `| display xml`)
// and the `show bgp summary` CLI text as operators paste it. Pure: no I/O.
//
// Every parse returns either a complete Summary or a ParseError with the
// line it failed on: never a partial result. Sessions come back with
// source = router and router/site/node unset (the collector fills them).
// The facts these parsers follow are in /work/shared/junos-format.md; the
// choices they make where the facts are silent are in docs/junos.md.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bgpwatch::bgp {

// Inputs larger than this are refused with ParseErrc::too_large before any
// parsing: a 10,000-peer reply is ~6 MB, so 64 MiB is an order of magnitude
// of headroom and still bounds memory.
inline constexpr std::size_t k_max_input_bytes = 64u << 20;

// A whole <rpc-reply> (optionally wrapping multi-routing-engine-results), or
// a bare <bgp-information>. Elements and attributes are matched on local
// names, so any Junos release namespace and both `seconds=` and
// `junos:seconds=` work. <rpc-error> with severity error (or none) ->
// ParseErrc::rpc_error whose detail is the router's error-message.
Expected<Summary, ParseError> parse_junos_xml(std::string_view xml);

// The same parse, in `xml`'s own bytes (pugixml's load_buffer_inplace: no
// copy of a reply that can be tens of MB). `xml` is overwritten: use it
// for nothing afterwards. Same results and error details as
// parse_junos_xml, but errors carry no line or column (the text they would
// be counted in has been rewritten).
Expected<Summary, ParseError> parse_junos_xml_inplace(std::string& xml);

// The same reply read in one pass without a DOM (junos_stream.cpp): the
// Summary parse_junos_xml would return, or nullopt when this reader cannot
// show it reads the input exactly as parse_junos_xml does: any error (the
// DOM path words it, with its line), <rpc-error>, <output>, CDATA, DTD,
// processing instructions, malformed or unusual markup. Callers fall back
// to parse_junos_xml (or _inplace) on nullopt; never to a guess.
std::optional<Summary> parse_junos_xml_stream(std::string_view xml);

// `show bgp summary` text, with or without prompt, command echo and header;
// also a paste filtered with `| match` (peer lines only). Any line that is
// not recognised is an error naming its number and quoting it.
Expected<Summary, ParseError> parse_junos_text(std::string_view text);

// Junos elapsed time ("Last Up/Dwn", elapsed-time text) to seconds:
// "24", "3:44", "17:04:28", "2d 3:10:47", "1w2d 5:31:33", "20w6d20h".
// Surrounding whitespace is ignored; anything else is an error quoting it.
Expected<std::int64_t, std::string> parse_junos_elapsed(std::string_view text);

} // namespace bgpwatch::bgp
