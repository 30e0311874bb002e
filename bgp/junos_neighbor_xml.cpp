// bgp/junos_neighbor_xml.cpp: the <get-bgp-neighbor-information> reply
// (junos-format.md §3, §3a) -> Summary with neighbor detail, through
// pugixml like the summary parser. Elements and attributes are matched on
// local names: the junos-routing namespace changes with the release, and
// bgp-option-information redeclares it in some captures.
//
// Unknown elements are skipped (a detail peer has ~60 children, most of
// which bgpwatch does not need); the ones read must parse, or the whole
// reply is an error.
#include "bgp/junos.hpp"
#include "bgp/junos_fields.hpp"
#include "bgp/junos_xml_nodes.hpp"
#include "bgp/junos_neighbor.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <map>
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

// Junos prints "master" for the default instance in peer-cfg-rti.
std::optional<std::string> instance_of(std::string_view rti)
{
  if (rti.empty() || rti == "master") {
    return std::nullopt;
  }
  return std::string(rti);
}

void append_words(std::optional<std::vector<std::string>>& into, std::string_view text)
{
  if (!into) {
    into.emplace();
  }
  for (auto& w : split_words(text)) {
    into->push_back(std::move(w));
  }
}

class NeighborXmlReader
{
public:
  explicit NeighborXmlReader(std::string_view xml) : m_xml(xml)
  {
  }

  Expected<Summary, ParseError> read()
  {
    if (m_xml.size() > k_max_input_bytes) {
      return Unexpected(ParseError{ParseErrc::too_large, 0, 0,
                                   "input is " + std::to_string(m_xml.size()) + " bytes, over the limit of "
                                     + std::to_string(k_max_input_bytes)});
    }
    if (const void* nul = std::memchr(m_xml.data(), '\0', m_xml.size()); nul != nullptr) {
      const auto offset = static_cast<std::size_t>(static_cast<const char*>(nul) - m_xml.data());
      return Unexpected(ParseError{ParseErrc::syntax, line_of(offset), 0, "NUL byte in input: binary data, not XML"});
    }
    // parse_fragment keeps text outside the root so that it can be refused
    // (a pasted prompt line, a truncated log line), as the summary parser does.
    const auto result = m_doc.load_buffer(m_xml.data(), m_xml.size(),
                                          pugi::parse_default | pugi::parse_fragment | pugi::parse_embed_pcdata,
                                          pugi::encoding_utf8);
    if (!result) {
      const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0));
      return Unexpected(ParseError{ParseErrc::syntax, line_of(offset), 0,
                                   std::string("not well-formed XML: ") + result.description()});
    }
    const auto found_root = find_root(m_doc, [this](const pugi::xml_node& node, ParseErrc code, std::string detail) {
      return error_at(node, code, std::move(detail));
    });
    if (!found_root) {
      return Unexpected(found_root.error());
    }
    const pugi::xml_node root = *found_root;
    const auto name = local_name(root.name());
    Summary summary;
    if (name == "bgp-information") {
      BGPWATCH_TRY(read_bgp_information(root, summary));
      return summary;
    }
    if (name != "rpc-reply" && name != "multi-routing-engine-results") {
      return Unexpected(error_at(root, ParseErrc::wrong_root,
                                 "root element <" + std::string(root.name())
                                   + "> is not <rpc-reply> or <bgp-information>"));
    }
    std::optional<ParseError> warning;
    bool found = false;
    BGPWATCH_TRY(collect(root, summary, warning, found, 0));
    if (!found) {
      if (warning) {
        return Unexpected(*warning);
      }
      return Unexpected(error_at(root, ParseErrc::missing_field,
                                 "<" + std::string(root.name()) + "> holds no <bgp-information>"));
    }
    return summary;
  }

private:
  std::size_t line_of(std::size_t offset) const
  {
    offset = std::min(offset, m_xml.size());
    return static_cast<std::size_t>(std::count(m_xml.begin(), m_xml.begin() + static_cast<std::ptrdiff_t>(offset), '\n'))
           + 1;
  }

  ParseError error_at(const pugi::xml_node& node, ParseErrc code, std::string detail) const
  {
    const auto offset = node.offset_debug();
    return ParseError{code, offset < 0 ? 0 : line_of(static_cast<std::size_t>(offset)), 0, std::move(detail)};
  }

  ParseError located(const pugi::xml_node& node, ParseError e) const
  {
    return error_at(node, e.code, std::move(e.detail));
  }

  Expected<std::uint64_t, ParseError> counter(const pugi::xml_node& node, std::string_view what) const
  {
    auto value = junos::parse_counter(element_text(node), what);
    if (!value) {
      return Unexpected(located(node, std::move(value).error()));
    }
    return *value;
  }

  Expected<std::uint32_t, ParseError> seconds32(const pugi::xml_node& node, std::string_view what) const
  {
    std::uint64_t v = 0;
    BGPWATCH_TRY_ASSIGN(v, counter(node, what));
    if (v > std::numeric_limits<std::uint32_t>::max()) {
      return Unexpected(error_at(node, ParseErrc::out_of_range,
                                 std::string(what) + " '" + std::string(element_text(node)) + "' is too large"));
    }
    return static_cast<std::uint32_t>(v);
  }

  // rpc-reply > multi-routing-engine-results > multi-routing-engine-item >
  // bgp-information at most; the bound keeps hostile nesting off the stack.
  static constexpr int k_max_wrapper_depth = 3;

  Expected<void, ParseError> collect(const pugi::xml_node& container, Summary& summary,
                                     std::optional<ParseError>& warning, bool& found, int depth)
  {
    return for_each_element(container, [&](const pugi::xml_node& child, std::string_view name)
                                         -> Expected<void, ParseError> {
      if (name == "rpc-error") {
        auto [error, fatal] = read_rpc_error(child);
        if (fatal) {
          return Unexpected(std::move(error));
        }
        if (!warning) {
          warning = std::move(error);
        }
      } else if (name == "bgp-information") {
        found = true;
        Summary block;
        BGPWATCH_TRY(read_bgp_information(child, block));
        // Several routing engines: the first listed wins per identity.
        junos::merge_sessions(summary.sessions, std::move(block.sessions));
      } else if (name == "multi-routing-engine-results" || name == "multi-routing-engine-item") {
        if (depth >= k_max_wrapper_depth) {
          return Unexpected(error_at(child, ParseErrc::syntax, "<" + std::string(child.name()) + "> nested too deep"));
        }
        return collect(child, summary, warning, found, depth + 1);
      } else if (name == "output") {
        // format="text": the CLI text inside XML. Line numbers are the
        // text's own plus the element's line.
        auto text = parse_junos_neighbor_text(child.text().get());
        if (!text) {
          auto e = std::move(text).error();
          const auto base = error_at(child, e.code, "").line;
          if (e.line != 0 && base != 0) {
            e.line += base - 1;
          }
          e.detail = "in <output>: " + e.detail;
          return Unexpected(std::move(e));
        }
        found = true;
        junos::merge_sessions(summary.sessions, std::move(text->sessions));
      }
      return {};
    });
  }

  // RFC 6241 §4.3 <rpc-error>: the error, and whether it is fatal.
  std::pair<ParseError, bool> read_rpc_error(const pugi::xml_node& node) const
  {
    auto e = junos_xml::read_rpc_error(node);
    return {error_at(node, ParseErrc::rpc_error, std::move(e.detail)), e.fatal};
  }

  Expected<void, ParseError> read_bgp_information(const pugi::xml_node& info, Summary& summary)
  {
    return for_each_element(info, [&](const pugi::xml_node& child, std::string_view name)
                                    -> Expected<void, ParseError> {
      if (name == "bgp-peer") {
        Session session;
        BGPWATCH_TRY_ASSIGN(session, read_peer(child));
        summary.sessions.push_back(std::move(session));
      }
      return {};
    });
  }

  Expected<Session, ParseError> read_peer(const pugi::xml_node& peer)
  {
    Session s;
    s.source = Source::netconf;
    s.has_detail = true;
    bool have_address = false;
    bool have_state = false;
    std::optional<std::string> cfg_rti;
    BGPWATCH_TRY(for_each_element(peer, [&](const pugi::xml_node& c, std::string_view name)
                                          -> Expected<void, ParseError> {
      const auto text = element_text(c);
      if (name == "peer-address") {
        auto address = junos::parse_peer_address(text);
        if (!address) {
          return Unexpected(located(c, std::move(address).error()));
        }
        s.address = *address;
        have_address = true;
      } else if (name == "peer-as") {
        auto asn = junos::parse_asn(text);
        if (!asn) {
          return Unexpected(located(c, std::move(asn).error()));
        }
        s.peer_as = *asn;
      } else if (name == "local-address") {
        // "unspecified" on a peer that is not Established (§3): unknown.
        if (auto address = junos::parse_peer_address(text)) {
          s.local_address = *address;
        } else if (text != "unspecified" && !text.empty()) {
          return Unexpected(located(c, std::move(address).error()));
        }
      } else if (name == "local-as") {
        auto asn = junos::parse_asn(text);
        if (!asn) {
          return Unexpected(located(c, std::move(asn).error()));
        }
        s.local_as = *asn;
      } else if (name == "peer-state") {
        auto state = parse_state_name(text);
        if (!state) {
          return Unexpected(error_at(c, ParseErrc::bad_value, state.error()));
        }
        s.state = *state;
        have_state = true;
      } else if (name == "peer-cfg-rti") {
        cfg_rti = std::string(text);
      } else if (name == "description") {
        s.description = std::string(text);
      } else if (name == "peer-flags") {
        append_words(s.peer_flags, text);
      } else if (name == "last-state") {
        s.last_state = std::string(text);
      } else if (name == "last-error") {
        s.last_error = std::string(text);
      } else if (name == "bgp-option-information") {
        BGPWATCH_TRY(for_each_element(c, [&](const pugi::xml_node& o, std::string_view oname)
                                           -> Expected<void, ParseError> {
          if (oname == "bgp-options" || oname == "bgp-options2" || oname == "bgp-options-extended") {
            append_words(s.options, element_text(o));
          }
          return {};
        }));
        if (!s.options) {
          s.options.emplace(); // the block is there and lists no option
        }
      } else if (name == "flap-count") {
        BGPWATCH_JUNOS_ASSIGN(s.flaps, counter(c, name));
      } else if (name == "elapsed-time") {
        BGPWATCH_JUNOS_ASSIGN(s.uptime_seconds, elapsed(c));
      } else if (name == "input-messages") {
        BGPWATCH_JUNOS_ASSIGN(s.input_messages, counter(c, name));
      } else if (name == "output-messages") {
        BGPWATCH_JUNOS_ASSIGN(s.output_messages, counter(c, name));
      } else if (name == "peer-restart-time-received") {
        BGPWATCH_JUNOS_ASSIGN(s.restart_time_received, seconds32(c, name));
      } else if (name == "peer-stale-route-time-configured") {
        BGPWATCH_JUNOS_ASSIGN(s.stale_route_time, seconds32(c, name));
      } else if (name == "peer-restart-nlri-negotiated") {
        append_words(s.restart_negotiated, text);
      } else if (name == "peer-end-of-rib-received") {
        append_words(s.end_of_rib_received, text);
      } else if (name == "peer-end-of-rib-sent") {
        append_words(s.end_of_rib_sent, text);
      } else if (name == "peer-restart-flags-received") {
        s.restart_flags_received = std::string(text);
      } else if (name == "bgp-rib") {
        RibCounts rib;
        BGPWATCH_TRY_ASSIGN(rib, read_rib(c));
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
    // The configured routing instance when the reply names it; else the
    // summary parser's rule on the peer's own tables.
    s.instance = cfg_rti ? instance_of(*cfg_rti) : junos::peer_instance(s.ribs, std::nullopt);
    return s;
  }

  Expected<std::int64_t, ParseError> elapsed(const pugi::xml_node& node) const
  {
    if (const char* seconds = attribute_local(node, "seconds"); seconds != nullptr) {
      auto value = junos::parse_counter(trim(std::string_view(seconds)), "elapsed-time seconds");
      if (!value) {
        return Unexpected(located(node, std::move(value).error()));
      }
      if (*value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Unexpected(error_at(node, ParseErrc::out_of_range, "elapsed-time seconds is too large"));
      }
      return static_cast<std::int64_t>(*value);
    }
    auto value = parse_junos_elapsed(node.text().get());
    if (!value) {
      return Unexpected(error_at(node, ParseErrc::bad_value, value.error()));
    }
    return *value;
  }

  Expected<RibCounts, ParseError> read_rib(const pugi::xml_node& node) const
  {
    RibCounts rib;
    BGPWATCH_TRY(for_each_element(node, [&](const pugi::xml_node& c, std::string_view name)
                                          -> Expected<void, ParseError> {
      if (name == "name") {
        rib.name = std::string(element_text(c));
      } else if (name == "bgp-rib-state") {
        rib.state = std::string(element_text(c));
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
    if (rib.name.empty()) {
      return Unexpected(error_at(node, ParseErrc::missing_field, "<bgp-rib> has no <name>"));
    }
    return rib;
  }

  std::string_view m_xml;
  pugi::xml_document m_doc;
};

} // namespace

std::vector<std::string> split_words(std::string_view text)
{
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) {
      ++i;
    }
    const auto start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n') {
      ++i;
    }
    if (i > start) {
      out.emplace_back(text.substr(start, i - start));
    }
  }
  return out;
}

std::size_t merge_neighbor_detail(std::vector<Session>& sessions, const std::vector<Session>& detail)
{
  std::size_t merged = 0;
  // Detail peers by address, in their order: the collector merges a whole
  // table (2,000 peers) per poll, a linear search per session would be
  // 4 M comparisons. The first compatible peer wins, as before.
  std::multimap<Address, const Session*> by_address;
  for (const auto& x : detail) {
    by_address.emplace(x.address, &x);
  }
  for (auto& s : sessions) {
    const Session* d = nullptr;
    for (auto [it, end] = by_address.equal_range(s.address); it != end; ++it) {
      const Session& x = *it->second;
      if (!x.instance || !s.instance || *x.instance == *s.instance) {
        d = &x;
        break;
      }
    }
    if (d == nullptr || d->state != s.state) {
      continue;
    }
    s.has_detail = true;
    s.last_state = d->last_state;
    if (d->last_error) {
      s.last_error = d->last_error;
    }
    s.peer_flags = d->peer_flags;
    s.options = d->options;
    s.restart_time_received = d->restart_time_received;
    s.stale_route_time = d->stale_route_time;
    s.restart_negotiated = d->restart_negotiated;
    s.end_of_rib_received = d->end_of_rib_received;
    s.end_of_rib_sent = d->end_of_rib_sent;
    s.restart_flags_received = d->restart_flags_received;
    if (!s.local_address) {
      s.local_address = d->local_address;
    }
    if (!s.local_as) {
      s.local_as = d->local_as;
    }
    for (const auto& rib : d->ribs) {
      const auto mine = std::find_if(s.ribs.begin(), s.ribs.end(), [&](const RibCounts& r) { return r.name == rib.name; });
      if (mine != s.ribs.end()) {
        mine->state = rib.state;
      } else if (rib.state) {
        // A table the summary does not list (a down peer's stale routes):
        // its state still says a restart is in progress.
        s.ribs.push_back(rib);
      }
    }
    ++merged;
  }
  return merged;
}

Expected<Summary, ParseError> parse_junos_neighbor_xml(std::string_view xml)
{
  return NeighborXmlReader(xml).read();
}

} // namespace bgpwatch::bgp
