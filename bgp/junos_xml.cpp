// bgp/junos_xml.cpp: the <get-bgp-summary-information/> XML reply
// (junos-format.md §2) -> Summary, through pugixml (chosen by measurement:
// docs/junos.md). Elements and attributes are matched on local names: the
// junos-routing namespace changes with the release and `| display xml`
// captures prefix attributes with `junos:` while PyEZ-saved ones do not.
//
// Unknown elements inside <bgp-information> and <bgp-peer> are skipped:
// releases add fields, and a field we do not read cannot make a reply
// wrong. Fields we do read must parse, or the whole reply is an error.
#include "bgp/junos.hpp"
#include "bgp/junos_fields.hpp"
#include "bgp/junos_xml_nodes.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

namespace bgpwatch::bgp {

namespace {

using junos::trim;

using junos_xml::attribute_local;
using junos_xml::element_text;
using junos_xml::find_root;
using junos_xml::for_each_element;
using junos_xml::local_name;
using junos_xml::trim;

class XmlSummaryReader
{
public:
  explicit XmlSummaryReader(std::string_view xml) : m_xml(xml)
  {
  }

  // In place: `xml` becomes pugixml's buffer (see parse_junos_xml_inplace).
  explicit XmlSummaryReader(std::string& xml) : m_xml(xml), m_inplace(xml.data())
  {
  }

  Expected<Summary, ParseError> read()
  {
    if (m_xml.size() > k_max_input_bytes) {
      return Unexpected(ParseError{ParseErrc::too_large, 0, 0,
                                   "input is " + std::to_string(m_xml.size()) + " bytes, over the limit of "
                                     + std::to_string(k_max_input_bytes)});
    }
    // XML 1.0 §2.2 forbids NUL; pugixml would stop at it and could accept
    // the part before as a whole document.
    if (const void* nul = std::memchr(m_xml.data(), '\0', m_xml.size()); nul != nullptr) {
      const auto offset = static_cast<std::size_t>(static_cast<const char*>(nul) - m_xml.data());
      return Unexpected(error_at(ParseErrc::syntax, offset, "NUL byte in input: binary data, not XML"));
    }
    // parse_fragment keeps text outside the root element as nodes, so that
    // "user@host> show bgp summary | display xml" pasted above the reply, or
    // a truncated log line after it, is seen and refused; by default
    // pugixml drops it silently. parse_embed_pcdata stores a leaf's text in
    // the element itself: half the nodes for a 10,000-peer reply, and
    // node.text() reads it the same way.
    // In place, the buffer handed over includes std::string's terminating
    // NUL: pugixml takes a buffer's last byte aside as its end marker, and
    // without the NUL that would be the input's last character (a reply
    // ending "<\n" then parsed differently from the copy, which pugixml
    // terminates itself; found by fuzz_junos_xml). It writes only NUL there.
    constexpr unsigned k_flags = pugi::parse_default | pugi::parse_fragment | pugi::parse_embed_pcdata;
    const auto result = m_inplace != nullptr
                          ? m_doc.load_buffer_inplace(m_inplace, m_xml.size() + 1, k_flags, pugi::encoding_utf8)
                          : m_doc.load_buffer(m_xml.data(), m_xml.size(), k_flags, pugi::encoding_utf8);
    if (!result) {
      return Unexpected(error_at(ParseErrc::syntax, static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0)),
                                 std::string("not well-formed XML: ") + result.description()));
    }
    const auto found_root = find_root(m_doc, [this](const pugi::xml_node& node, ParseErrc code, std::string detail) {
      // Text: point at the text itself, not at the whitespace before it.
      const auto start = node.offset_debug();
      if ((node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) && start >= 0) {
        const auto lead = std::string_view(node.value()).find_first_not_of(" \t\r\n");
        return error_at(code, static_cast<std::size_t>(start) + (lead == std::string_view::npos ? 0 : lead),
                        std::move(detail));
      }
      return error_at(node, code, std::move(detail));
    });
    if (!found_root) {
      return Unexpected(found_root.error());
    }
    const pugi::xml_node root = *found_root;
    const auto name = local_name(root.name());
    if (name == "bgp-information") {
      return read_bgp_information(root);
    }
    if (name == "rpc-reply" || name == "multi-routing-engine-results") {
      return read_container(root);
    }
    return Unexpected(error_at(root, ParseErrc::wrong_root,
                               "root element <" + std::string(root.name())
                                 + "> is not <rpc-reply> or <bgp-information>"));
  }

private:
  // 0 (unknown) in place: pugixml has rewritten the text (terminators,
  // decoded escapes), so counting its newlines could be off.
  std::size_t line_of(std::size_t offset) const
  {
    if (m_inplace != nullptr) {
      return 0;
    }
    offset = std::min(offset, m_xml.size());
    return static_cast<std::size_t>(std::count(m_xml.begin(), m_xml.begin() + static_cast<std::ptrdiff_t>(offset), '\n'))
           + 1;
  }

  std::size_t column_of(std::size_t offset) const
  {
    if (m_inplace != nullptr) {
      return 0;
    }
    offset = std::min(offset, m_xml.size());
    const auto nl = m_xml.rfind('\n', offset == 0 ? 0 : offset - 1);
    if (offset == 0) {
      return 1;
    }
    return nl == std::string_view::npos ? offset + 1 : offset - nl;
  }

  ParseError error_at(ParseErrc code, std::size_t offset, std::string detail) const
  {
    return ParseError{code, line_of(offset), column_of(offset), std::move(detail)};
  }

  ParseError error_at(const pugi::xml_node& node, ParseErrc code, std::string detail) const
  {
    const auto offset = node.offset_debug();
    if (offset < 0) {
      return ParseError{code, 0, 0, std::move(detail)};
    }
    return ParseError{code, line_of(static_cast<std::size_t>(offset)), 0, std::move(detail)};
  }

  // A field error from junos_fields gets the element's line.
  ParseError located(const pugi::xml_node& node, ParseError e) const
  {
    auto out = error_at(node, e.code, std::move(e.detail));
    return out;
  }

  Expected<std::uint64_t, ParseError> counter(const pugi::xml_node& node, std::string_view what) const
  {
    auto value = junos::parse_counter(element_text(node), what);
    if (!value) {
      return Unexpected(located(node, std::move(value).error()));
    }
    return *value;
  }

  // <rpc-reply> or <multi-routing-engine-results>: errors first (an error
  // next to data still means the router refused), then every
  // <bgp-information> found, merged in document order.
  Expected<Summary, ParseError> read_container(const pugi::xml_node& container)
  {
    std::vector<pugi::xml_node> blocks;
    std::vector<pugi::xml_node> outputs;
    std::optional<ParseError> warning;
    BGPWATCH_TRY(collect(container, blocks, outputs, warning, 0));
    if (blocks.empty() && outputs.empty()) {
      if (warning) {
        return Unexpected(*warning); // only warnings and no data: say what the router said
      }
      return Unexpected(error_at(container, ParseErrc::missing_field,
                                 "<" + std::string(container.name()) + "> holds no <bgp-information>"));
    }
    Summary merged;
    bool first = true;
    const auto add = [&](Summary&& s) { junos::merge_block(merged, std::move(s), first); };
    for (const auto& block : blocks) {
      Summary s;
      BGPWATCH_TRY_ASSIGN(s, read_bgp_information(block));
      add(std::move(s));
    }
    // <output> is what the RPC returns when asked for format="text".
    for (const auto& output : outputs) {
      auto s = parse_junos_text(output.text().get());
      if (!s) {
        auto e = std::move(s).error();
        const auto base = error_at(output, e.code, "").line;
        if (e.line != 0 && base != 0) {
          e.line += base - 1;
        }
        e.detail = "in <output>: " + e.detail;
        return Unexpected(std::move(e));
      }
      add(std::move(*s));
    }
    return merged;
  }

  // rpc-reply > multi-routing-engine-results > multi-routing-engine-item >
  // bgp-information is as deep as a real reply goes; the bound keeps a
  // hostile nesting from exhausting the stack.
  static constexpr int k_max_wrapper_depth = 3;

  Expected<void, ParseError> collect(const pugi::xml_node& container, std::vector<pugi::xml_node>& blocks,
                                     std::vector<pugi::xml_node>& outputs, std::optional<ParseError>& warning,
                                     int depth)
  {
    return for_each_element(container, [&](const pugi::xml_node& child, std::string_view name)
                                         -> Expected<void, ParseError> {
      if (name == "rpc-error") {
        auto e = read_rpc_error(child);
        if (e.second) {
          return Unexpected(std::move(e.first));
        }
        if (!warning) {
          warning = std::move(e.first);
        }
      } else if (name == "bgp-information") {
        blocks.push_back(child);
      } else if (name == "output") {
        outputs.push_back(child);
      } else if (name == "multi-routing-engine-results" || name == "multi-routing-engine-item") {
        if (depth >= k_max_wrapper_depth) {
          return Unexpected(error_at(child, ParseErrc::syntax, "<" + std::string(child.name()) + "> nested too deep"));
        }
        return collect(child, blocks, outputs, warning, depth + 1);
      }
      // <cli><banner>, <re-name>, <ok/>: nothing to read.
      return {};
    });
  }

  // RFC 6241 §4.3 <rpc-error>: the error, and whether it is fatal.
  std::pair<ParseError, bool> read_rpc_error(const pugi::xml_node& node) const
  {
    auto e = junos_xml::read_rpc_error(node);
    return {error_at(node, ParseErrc::rpc_error, std::move(e.detail)), e.fatal};
  }

  Expected<Summary, ParseError> read_bgp_information(const pugi::xml_node& info)
  {
    Summary summary;
    std::vector<std::string_view> reply_tables;
    std::size_t peers = 0;
    for (auto child = info.first_child(); child; child = child.next_sibling()) {
      peers += child.type() == pugi::node_element && local_name(child.name()) == "bgp-peer" ? 1 : 0;
    }
    summary.sessions.reserve(peers);
    BGPWATCH_TRY(for_each_element(info, [&](const pugi::xml_node& child, std::string_view name)
                                          -> Expected<void, ParseError> {
      if (name == "group-count") {
        BGPWATCH_JUNOS_ASSIGN(summary.groups, counter(child, name));
      } else if (name == "peer-count") {
        BGPWATCH_JUNOS_ASSIGN(summary.peers, counter(child, name));
      } else if (name == "down-peer-count") {
        BGPWATCH_JUNOS_ASSIGN(summary.down_peers, counter(child, name));
      } else if (name == "bgp-rib") {
        const auto rib_name = child.find_child([](const pugi::xml_node& n) {
          return n.type() == pugi::node_element && local_name(n.name()) == "name";
        });
        if (!rib_name) {
          return Unexpected(error_at(child, ParseErrc::missing_field, "<bgp-rib> has no <name>"));
        }
        reply_tables.push_back(element_text(rib_name));
      } else if (name == "bgp-peer") {
        Session session;
        BGPWATCH_TRY_ASSIGN(session, read_peer(child));
        summary.sessions.push_back(std::move(session));
      }
      return {};
    }));
    // Instance rule (docs/junos.md): a peer's own tables name its instance;
    // peers without tables take the reply's when all its tables agree.
    const auto reply_instance = junos::common_instance(reply_tables);
    for (auto& session : summary.sessions) {
      session.instance = junos::peer_instance(session.ribs, reply_instance);
    }
    return summary;
  }

  Expected<Session, ParseError> read_peer(const pugi::xml_node& peer)
  {
    Session s;
    s.source = Source::netconf;
    bool have_address = false;
    bool have_state = false;
    BGPWATCH_TRY(for_each_element(peer, [&](const pugi::xml_node& c, std::string_view name)
                                          -> Expected<void, ParseError> {
      if (name == "peer-address") {
        auto address = junos::parse_peer_address(element_text(c));
        if (!address) {
          return Unexpected(located(c, std::move(address).error()));
        }
        s.address = *address;
        have_address = true;
      } else if (name == "peer-as") {
        auto asn = junos::parse_asn(element_text(c));
        if (!asn) {
          return Unexpected(located(c, std::move(asn).error()));
        }
        s.peer_as = *asn;
      } else if (name == "peer-state") {
        auto state = parse_state_name(element_text(c));
        if (!state) {
          return Unexpected(error_at(c, ParseErrc::bad_value, state.error()));
        }
        s.state = *state;
        have_state = true;
      } else if (name == "elapsed-time") {
        BGPWATCH_JUNOS_ASSIGN(s.uptime_seconds, elapsed(c));
      } else if (name == "flap-count") {
        BGPWATCH_JUNOS_ASSIGN(s.flaps, counter(c, name));
      } else if (name == "input-messages") {
        BGPWATCH_JUNOS_ASSIGN(s.input_messages, counter(c, name));
      } else if (name == "output-messages") {
        BGPWATCH_JUNOS_ASSIGN(s.output_messages, counter(c, name));
      } else if (name == "route-queue-count") {
        BGPWATCH_JUNOS_ASSIGN(s.output_queue, counter(c, name));
      } else if (name == "description") {
        s.description = std::string(element_text(c));
      } else if (name == "bgp-rib") {
        RibCounts rib;
        BGPWATCH_TRY_ASSIGN(rib, read_peer_rib(c));
        s.ribs.push_back(std::move(rib));
      }
      return {};
    }));
    if (!have_address) {
      return Unexpected(error_at(peer, ParseErrc::missing_field, "<bgp-peer> has no <peer-address>"));
    }
    if (!have_state) {
      return Unexpected(error_at(peer, ParseErrc::missing_field,
                                 "<bgp-peer> " + s.address.to_string() + " has no <peer-state>"));
    }
    return s;
  }

  // seconds= (or junos:seconds=) when present, else the human text.
  Expected<std::int64_t, ParseError> elapsed(const pugi::xml_node& node) const
  {
    if (const char* seconds = attribute_local(node, "seconds"); seconds != nullptr) {
      auto value = junos::parse_counter(trim(seconds), "elapsed-time seconds");
      if (!value) {
        return Unexpected(located(node, std::move(value).error()));
      }
      if (*value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Unexpected(error_at(node, ParseErrc::out_of_range,
                                   "elapsed-time seconds '" + std::string(trim(seconds)) + "' is too large"));
      }
      return static_cast<std::int64_t>(*value);
    }
    auto value = parse_junos_elapsed(node.text().get());
    if (!value) {
      return Unexpected(error_at(node, ParseErrc::bad_value, value.error()));
    }
    return *value;
  }

  Expected<RibCounts, ParseError> read_peer_rib(const pugi::xml_node& node) const
  {
    RibCounts rib;
    bool have_name = false;
    BGPWATCH_TRY(for_each_element(node, [&](const pugi::xml_node& c, std::string_view name)
                                          -> Expected<void, ParseError> {
      if (name == "name") {
        rib.name = std::string(element_text(c));
        have_name = true;
      } else if (name == "active-prefix-count") {
        BGPWATCH_JUNOS_ASSIGN(rib.active, counter(c, name));
      } else if (name == "received-prefix-count") {
        BGPWATCH_JUNOS_ASSIGN(rib.received, counter(c, name));
      } else if (name == "accepted-prefix-count") {
        BGPWATCH_JUNOS_ASSIGN(rib.accepted, counter(c, name));
      } else if (name == "suppressed-prefix-count") {
        BGPWATCH_JUNOS_ASSIGN(rib.suppressed, counter(c, name));
      } else if (name == "damped-prefix-count") {
        BGPWATCH_JUNOS_ASSIGN(rib.damped, counter(c, name));
      }
      return {};
    }));
    if (!have_name || rib.name.empty()) {
      return Unexpected(error_at(node, ParseErrc::missing_field, "<bgp-rib> has no <name>"));
    }
    return rib;
  }

  std::string_view m_xml;
  char* m_inplace = nullptr; // m_xml's bytes, when parsed in place
  pugi::xml_document m_doc;
};

} // namespace

Expected<Summary, ParseError> parse_junos_xml(std::string_view xml)
{
  return XmlSummaryReader(xml).read();
}

Expected<Summary, ParseError> parse_junos_xml_inplace(std::string& xml)
{
  return XmlSummaryReader(xml).read();
}

} // namespace bgpwatch::bgp
