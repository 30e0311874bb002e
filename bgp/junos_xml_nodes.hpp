// bgp/junos_xml_nodes.hpp: pugixml helpers shared by the Junos XML parsers
// (summary: junos_xml.cpp, neighbor detail: junos_neighbor_xml.cpp);
// internal to bgp/, not part of the public junos.hpp. Elements are matched
// by local name: the junos-routing namespace changes with the release.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace bgpwatch::bgp::junos_xml {

// The part after the last colon. One pass over the NUL-terminated name:
// this runs for every node of a reply, where strlen plus rfind showed up
// as a tenth of the parse (tests/bench/bench_netconf_reply.cpp).
inline std::string_view local_name(const char* name)
{
  const char* start = name;
  const char* p = name;
  for (; *p != '\0'; ++p) {
    if (*p == ':') {
      start = p + 1;
    }
  }
  return {start, static_cast<std::size_t>(p - start)};
}

inline bool is_trim_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// junos::trim over a NUL-terminated value, without a strlen and a
// find_first_not_of per character first.
inline std::string_view trim(const char* text)
{
  while (is_trim_space(*text)) {
    ++text;
  }
  const char* end = text;
  while (*end != '\0') {
    ++end;
  }
  while (end > text && is_trim_space(end[-1])) {
    --end;
  }
  return {text, static_cast<std::size_t>(end - text)};
}

inline std::string_view element_text(const pugi::xml_node& node)
{
  return trim(node.text().get());
}

// Element children only (pugixml also yields pcdata between elements).
template <class F>
Expected<void, ParseError> for_each_element(const pugi::xml_node& parent, F&& f)
{
  for (auto child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) {
      BGPWATCH_TRY(f(child, local_name(child.name())));
    }
  }
  return {};
}

inline const char* attribute_local(const pugi::xml_node& node, std::string_view name)
{
  for (auto a = node.first_attribute(); a; a = a.next_attribute()) {
    if (local_name(a.name()) == name) {
      return a.value();
    }
  }
  return nullptr;
}

// An <rpc-error> (RFC 6241 §4.3) in words: the message, then the tag (when
// there is no message), bad element and path; "warning: " first when it is
// not fatal. Severity "warning" is not fatal; "error" or none is.
struct RpcErrorText
{
  std::string detail;
  bool fatal = true;
};
RpcErrorText read_rpc_error(const pugi::xml_node& node);

// The document's one root element (parsed with parse_fragment, so that what
// lies outside it can be refused: a pasted prompt line, a truncated log
// line). Text outside it is an error, except whitespace and RFC 6242 §4.3's
// ]]>]]> end-of-message marker, which a saved NETCONF 1.0 reply may keep; so
// are a second root element and none at all. error_at(node, code, detail)
// -> ParseError places the error (the parser's own notion of lines).
template <class ErrorAt>
Expected<pugi::xml_node, ParseError> find_root(const pugi::xml_document& doc, ErrorAt&& error_at)
{
  pugi::xml_node root;
  for (auto child = doc.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      const auto text = trim(child.value());
      if (!text.empty() && text != "]]>]]>") {
        return Unexpected(error_at(child, ParseErrc::syntax, "text outside the root element"));
      }
      continue;
    }
    if (child.type() != pugi::node_element) {
      continue;
    }
    if (root) {
      return Unexpected(error_at(child, ParseErrc::syntax, "second root element <" + std::string(child.name()) + ">"));
    }
    root = child;
  }
  if (!root) {
    return Unexpected(ParseError{ParseErrc::syntax, 1, 0, "no XML element in input"});
  }
  return root;
}

} // namespace bgpwatch::bgp::junos_xml
