// bgp/junos_neighbor_text.cpp: `show bgp neighbor` CLI text
// (junos-format.md §3a, §6) -> Summary with neighbor detail.
//
// Junos prints some sixty kinds of line per peer, and which ones depends on
// the release, the features configured and the session state. The parser
// reads the lines it needs by their labels ("Peer:", "Type:", "Last State:",
// "Restart time requested by this peer:", "Table inet.0 Bit:", ...) and
// skips the other lines inside a peer block. A line it reads must parse.
// Before the first "Peer:" line only prompts, the command echo, banners and
// blank lines are accepted, so another command's output is refused rather
// than read as "no peers".
#include "bgp/junos.hpp"
#include "bgp/junos_fields.hpp"
#include "bgp/junos_neighbor.hpp"

#include <algorithm>

namespace bgpwatch::bgp {

namespace {

using junos::trim;

std::string quote(std::string_view line)
{
  constexpr std::size_t k_max_quote = 120;
  std::string q(line.substr(0, k_max_quote));
  for (auto& c : q) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      c = '?';
    }
  }
  if (line.size() > k_max_quote) {
    q += "...";
  }
  return "'" + q + "'";
}

// The text after "label" when line starts with it (label includes the
// colon), trimmed; nullopt otherwise.
std::optional<std::string_view> after(std::string_view line, std::string_view label)
{
  if (!line.starts_with(label)) {
    return std::nullopt;
  }
  return trim(line.substr(label.size()));
}

// "Flags: <Sync Idled>" / "Options: <Preference GracefulRestart>" ->
// the words inside the angle brackets (Junos always prints them).
std::string_view strip_angles(std::string_view v)
{
  v = trim(v);
  if (v.starts_with('<')) {
    v.remove_prefix(1);
  }
  if (v.ends_with('>')) {
    v.remove_suffix(1);
  }
  return v;
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

// The value of `key` in a line of "Key: value   Key2: value2" pairs: from
// after "key" up to the next of `stops` (or the end of the line).
std::optional<std::string_view> field(std::string_view line, std::string_view key,
                                      std::initializer_list<std::string_view> stops)
{
  const auto at = line.find(key);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  auto rest = line.substr(at + key.size());
  rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t")));
  auto end = rest.size();
  for (const auto stop : stops) {
    end = std::min(end, rest.find(stop));
  }
  return trim(rest.substr(0, end));
}

class NeighborTextReader
{
public:
  explicit NeighborTextReader(std::string_view text) : m_text(text)
  {
  }

  Expected<Summary, ParseError> read()
  {
    if (m_text.size() > k_max_input_bytes) {
      return Unexpected(ParseError{ParseErrc::too_large, 0, 0,
                                   "input is " + std::to_string(m_text.size()) + " bytes, over the limit of "
                                     + std::to_string(k_max_input_bytes)});
    }
    std::size_t start = 0;
    std::size_t number = 0;
    while (start <= m_text.size()) {
      auto end = m_text.find('\n', start);
      if (end == std::string_view::npos) {
        end = m_text.size();
      }
      ++number;
      BGPWATCH_TRY(read_line(number, trim(m_text.substr(start, end - start))));
      start = end + 1;
    }
    BGPWATCH_TRY(end_peer());
    if (m_summary.sessions.empty() && !m_seen_command) {
      return Unexpected(ParseError{ParseErrc::missing_field, 0, 0,
                                   "no 'Peer:' line: not show bgp neighbor output"});
    }
    return std::move(m_summary);
  }

private:
  ParseError error(ParseErrc code, std::size_t line, std::string detail) const
  {
    return ParseError{code, line, 0, std::move(detail)};
  }

  Expected<std::uint32_t, ParseError> seconds(std::size_t number, std::string_view value, std::string_view what) const
  {
    auto v = junos::parse_counter(value, what);
    if (!v) {
      auto e = std::move(v).error();
      e.line = number;
      return Unexpected(std::move(e));
    }
    if (*v > 0xFFFFFFFFull) {
      return Unexpected(error(ParseErrc::out_of_range, number, std::string(what) + " '" + std::string(value)
                                                                 + "' is too large"));
    }
    return static_cast<std::uint32_t>(*v);
  }

  Expected<std::uint64_t, ParseError> count(std::size_t number, std::string_view value, std::string_view what) const
  {
    auto v = junos::parse_counter(value, what);
    if (!v) {
      auto e = std::move(v).error();
      e.line = number;
      return Unexpected(std::move(e));
    }
    return *v;
  }

  Expected<void, ParseError> read_line(std::size_t number, std::string_view line)
  {
    if (line.empty()) {
      return {};
    }
    if (line.find('\0') != std::string_view::npos) {
      return Unexpected(error(ParseErrc::syntax, number, "NUL byte: binary data, not show bgp neighbor text"));
    }
    if (line.starts_with("Peer:")) {
      return start_peer(number, line);
    }
    if (!m_peer) {
      return read_preamble(number, line);
    }
    return read_peer_line(number, line);
  }

  // Prompt + command, the command alone, RE banners, [edit] context.
  Expected<void, ParseError> read_preamble(std::size_t number, std::string_view line)
  {
    const auto words = split_words(line);
    std::size_t i = 0;
    const auto& first = words.front();
    if ((first.back() == '>' || first.back() == '#') && (first.size() == 1 || first.find('@') != std::string::npos)) {
      i = 1;
      if (words.size() == 1) {
        return {}; // a bare prompt
      }
    } else if (first.size() >= 2 && first.front() == '{' && first.back() == '}' && words.size() == 1) {
      return {}; // {master:0}
    } else if (first.starts_with("[edit") && line.back() == ']') {
      return {};
    }
    if (i < words.size() && words[i] == "run") {
      ++i;
    }
    const auto is_prefix = [](std::string_view w, std::string_view full) {
      return w.size() >= 2 && w.size() <= full.size() && full.substr(0, w.size()) == w;
    };
    if (words.size() >= i + 3 && is_prefix(words[i], "show") && words[i + 1] == "bgp"
        && is_prefix(words[i + 2], "neighbor")) {
      m_seen_command = true;
      return {};
    }
    return Unexpected(error(ParseErrc::syntax, number,
                            (i == 1 || (!words.empty() && words[0] == "show") ? "not a show bgp neighbor command "
                                                                               : "unrecognised line before the first 'Peer:' ")
                              + quote(line)));
  }

  // "Peer: 10.64.0.121+179 AS 64601 Local: 10.64.0.1+56172 AS 14907"
  Expected<void, ParseError> start_peer(std::size_t number, std::string_view line)
  {
    BGPWATCH_TRY(end_peer());
    const auto words = split_words(line);
    if (words.size() < 4 || words[2] != "AS") {
      return Unexpected(error(ParseErrc::syntax, number, "bad 'Peer:' line " + quote(line)));
    }
    Session s;
    s.source = Source::netconf;
    s.has_detail = true;
    auto address = junos::parse_peer_address(words[1]);
    if (!address) {
      auto e = std::move(address).error();
      e.line = number;
      return Unexpected(std::move(e));
    }
    s.address = *address;
    auto asn = junos::parse_asn(words[3]);
    if (!asn) {
      auto e = std::move(asn).error();
      e.line = number;
      return Unexpected(std::move(e));
    }
    s.peer_as = *asn;
    if (words.size() >= 8 && words[4] == "Local:" && words[6] == "AS") {
      if (auto local = junos::parse_peer_address(words[5])) {
        s.local_address = *local; // "unspecified" on a down peer: unknown
      }
      if (auto local_as = junos::parse_asn(words[7])) {
        s.local_as = *local_as;
      }
    }
    m_peer = std::move(s);
    m_peer_line = number;
    m_have_state = false;
    m_rib.reset();
    return {};
  }

  Expected<void, ParseError> end_peer()
  {
    end_rib();
    if (!m_peer) {
      return {};
    }
    if (!m_have_state) {
      return Unexpected(error(ParseErrc::missing_field, m_peer_line,
                              "peer " + m_peer->address.to_string() + " has no 'State:'"));
    }
    if (!m_instance_named) {
      m_peer->instance = junos::peer_instance(m_peer->ribs, std::nullopt);
    }
    m_instance_named = false;
    m_summary.sessions.push_back(std::move(*m_peer));
    m_peer.reset();
    return {};
  }

  void end_rib()
  {
    if (m_rib && m_peer) {
      m_peer->ribs.push_back(std::move(*m_rib));
    }
    m_rib.reset();
  }

  Expected<void, ParseError> read_peer_line(std::size_t number, std::string_view line)
  {
    Session& s = *m_peer;
    if (auto v = after(line, "Type:")) {
      // "Type: External    State: Established    Flags: <Sync>"
      const auto state = field(line, "State:", {"Flags:"});
      if (!state || state->empty()) {
        return Unexpected(error(ParseErrc::missing_field, number, "no 'State:' in " + quote(line)));
      }
      auto parsed = parse_state_name(*state);
      if (!parsed) {
        return Unexpected(error(ParseErrc::bad_value, number, parsed.error() + " in " + quote(line)));
      }
      s.state = *parsed;
      m_have_state = true;
      if (const auto flags = field(line, "Flags:", {})) {
        append_words(s.peer_flags, strip_angles(*flags));
      }
      return {};
    }
    if (auto v = after(line, "Last State:")) {
      if (const auto last = field(line, "Last State:", {"Last Event:"}); last && !last->empty()) {
        s.last_state = std::string(*last);
      }
      return {};
    }
    if (auto v = after(line, "Last Error:")) {
      s.last_error = std::string(*v);
      return {};
    }
    if (auto v = after(line, "Description:")) {
      s.description = std::string(*v);
      return {};
    }
    if (auto v = after(line, "Group:")) {
      // "Group: Kubernetes4   Routing-Instance: master"
      if (const auto rti = field(line, "Routing-Instance:", {" "}); rti && !rti->empty()) {
        s.instance = *rti == "master" ? std::nullopt : std::optional<std::string>(std::string(*rti));
        m_instance_named = true;
      }
      return {};
    }
    if (auto v = after(line, "Options:")) {
      append_words(s.options, strip_angles(*v));
      return {};
    }
    if (auto v = after(line, "Number of flaps:")) {
      BGPWATCH_JUNOS_ASSIGN(s.flaps, count(number, *v, "Number of flaps"));
      return {};
    }
    if (auto v = after(line, "Restart time requested by this peer:")) {
      BGPWATCH_JUNOS_ASSIGN(s.restart_time_received, seconds(number, *v, "restart time requested by the peer"));
      return {};
    }
    if (auto v = after(line, "Stale routes from peer are kept for:")) {
      BGPWATCH_JUNOS_ASSIGN(s.stale_route_time, seconds(number, *v, "stale route time"));
      return {};
    }
    if (auto v = after(line, "NLRI that restart is negotiated for:")) {
      append_words(s.restart_negotiated, *v);
      return {};
    }
    if (auto v = after(line, "NLRI of received end-of-rib markers:")) {
      append_words(s.end_of_rib_received, *v);
      return {};
    }
    if (auto v = after(line, "NLRI of all end-of-rib markers sent:")) {
      append_words(s.end_of_rib_sent, *v);
      return {};
    }
    if (auto v = after(line, "Restart flag received from the peer:")) {
      s.restart_flags_received = std::string(*v);
      return {};
    }
    if (auto v = after(line, "Input messages:")) {
      if (const auto total = field(line, "Total", {" Updates", "\t"})) {
        BGPWATCH_JUNOS_ASSIGN(s.input_messages, count(number, *total, "input messages"));
      }
      return {};
    }
    if (auto v = after(line, "Output messages:")) {
      if (const auto total = field(line, "Total", {" Updates", "\t"})) {
        BGPWATCH_JUNOS_ASSIGN(s.output_messages, count(number, *total, "output messages"));
      }
      return {};
    }
    if (auto v = after(line, "Table ")) {
      // "Table inet.0 Bit: 20001"
      end_rib();
      const auto words = split_words(*v);
      if (words.empty()) {
        return Unexpected(error(ParseErrc::missing_field, number, "table line without a name " + quote(line)));
      }
      m_rib.emplace();
      m_rib->name = words.front();
      return {};
    }
    if (m_rib) {
      if (auto v = after(line, "RIB State:")) {
        m_rib->state = std::string(*v);
      } else if (auto a = after(line, "Active prefixes:")) {
        BGPWATCH_JUNOS_ASSIGN(m_rib->active, count(number, *a, "active prefixes"));
      } else if (auto r = after(line, "Received prefixes:")) {
        BGPWATCH_JUNOS_ASSIGN(m_rib->received, count(number, *r, "received prefixes"));
      } else if (auto c = after(line, "Accepted prefixes:")) {
        BGPWATCH_JUNOS_ASSIGN(m_rib->accepted, count(number, *c, "accepted prefixes"));
      } else if (auto d = after(line, "Suppressed due to damping:")) {
        BGPWATCH_JUNOS_ASSIGN(m_rib->suppressed, count(number, *d, "suppressed prefixes"));
      } else if (line.starts_with("Send state:") || line.starts_with("Advertised prefixes:")
                 || line.starts_with("Accepted behind") || line.starts_with("Received") || line.starts_with("Active")) {
        // other per-table lines
      } else {
        end_rib(); // the first line after the table block
      }
    }
    return {}; // one of the many lines bgpwatch does not need
  }

  std::string_view m_text;
  Summary m_summary;
  std::optional<Session> m_peer;
  std::optional<RibCounts> m_rib;
  std::size_t m_peer_line = 0;
  bool m_have_state = false;
  bool m_instance_named = false;
  bool m_seen_command = false;
};

} // namespace

Expected<Summary, ParseError> parse_junos_neighbor_text(std::string_view text)
{
  return NeighborTextReader(text).read();
}

} // namespace bgpwatch::bgp
