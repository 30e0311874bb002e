// bgp/junos_text.cpp: `show bgp summary` CLI text as operators paste it
// (junos-format.md §5) -> Summary. Each line is trimmed, split on
// whitespace and classified by its tokens; columns are never located by
// position, because long IPv6 addresses and long elapsed times shift them.
// A line that fits no known shape is an error quoting it: a paste we do not
// understand must not turn into a summary that silently lacks a peer.
//
// Choices where the facts are silent (docs/junos.md):
// - One-line counts "A/R/Acc/D  A/R/Acc/D" mean Established; group i
//   belongs to the i-th table of the Table section (the form only appears
//   when that section lists one or two tables). Without a Table section
//   (a `| match` paste) or beyond its length, the RIB name is empty.
// - The instance comes from the RIB names (per-RIB lines or the Table
//   section), by the same rule as the XML parser.
#include "bgp/junos.hpp"
#include "bgp/junos_fields.hpp"

#include <algorithm>

namespace bgpwatch::bgp {

namespace {

using junos::trim;

// No line of show bgp summary has more than a dozen fields; anything past
// this bound is not ours, and the bound keeps a 64 MiB one-line input from
// becoming tens of millions of tokens.
constexpr std::size_t k_max_tokens = 64;

// Splits on spaces and tabs; stops after k_max_tokens + 1 tokens.
std::vector<std::string_view> split_tokens(std::string_view line)
{
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size() && out.size() <= k_max_tokens) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
      ++i;
    }
    const auto start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
      ++i;
    }
    if (i > start) {
      out.push_back(line.substr(start, i - start));
    }
  }
  return out;
}

bool all_digits(std::string_view s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "12/13/13/0": four unsigned integers.
bool is_counts(std::string_view token)
{
  int fields = 0;
  std::size_t start = 0;
  while (true) {
    const auto slash = token.find('/', start);
    const auto field = token.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!all_digits(field)) {
      return false;
    }
    ++fields;
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return fields == 4;
}

bool is_prefix_of(std::string_view word, std::string_view full, std::size_t min)
{
  return word.size() >= min && word.size() <= full.size() && full.substr(0, word.size()) == word;
}

std::string quote(std::string_view line)
{
  constexpr std::size_t k_max_quote = 120;
  std::string q(line.substr(0, k_max_quote));
  for (auto& c : q) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      c = '?'; // keep error text printable whatever was pasted
    }
  }
  if (line.size() > k_max_quote) {
    q += "...";
  }
  return "'" + q + "'";
}

class TextSummaryReader
{
public:
  explicit TextSummaryReader(std::string_view text) : m_text(text)
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
    std::string scratch;
    while (start <= m_text.size()) {
      auto end = m_text.find('\n', start);
      if (end == std::string_view::npos) {
        end = m_text.size();
      }
      ++number;
      std::string_view line = m_text.substr(start, end - start);
      // HTML <b> around the command in pastes from web pages.
      if (line.find("<b>") != std::string_view::npos || line.find("</b>") != std::string_view::npos) {
        scratch.assign(line);
        for (const std::string_view tag : {"<b>", "</b>"}) {
          for (auto p = scratch.find(tag); p != std::string::npos; p = scratch.find(tag, p)) {
            scratch.erase(p, tag.size());
          }
        }
        line = scratch;
      }
      BGPWATCH_TRY(read_line(number, line));
      start = end + 1;
    }
    return finish();
  }

private:
  enum class Section { preamble, tables, peers };

  ParseError error(ParseErrc code, std::size_t line, std::string detail) const
  {
    return ParseError{code, line, 0, std::move(detail)};
  }

  ParseError located(std::size_t line, ParseError e) const
  {
    e.line = line;
    return e;
  }

  Expected<void, ParseError> read_line(std::size_t number, std::string_view raw)
  {
    const auto line = trim(raw);
    if (line.empty()) {
      return {};
    }
    if (line.find('\0') != std::string_view::npos) {
      return Unexpected(error(ParseErrc::syntax, number, "NUL byte: binary data, not a show bgp summary paste"));
    }
    const auto tokens = split_tokens(line);
    if (tokens.size() > k_max_tokens) {
      return Unexpected(error(ParseErrc::syntax, number, "unrecognised line " + quote(line)));
    }
    if (m_wrapped) {
      // A peer whose address filled the column and whose other columns went
      // to the next line.
      auto wrapped = *m_wrapped;
      m_wrapped.reset();
      std::vector<std::string_view> joined{wrapped.first};
      joined.insert(joined.end(), tokens.begin(), tokens.end());
      return read_peer(number, line, joined);
    }
    if (is_command_or_prompt(tokens)) {
      return read_command(number, line, tokens);
    }
    const auto& first = tokens.front();
    if (tokens.size() == 1 && first.size() >= 2 && first.front() == '{' && first.back() == '}') {
      return {}; // routing-engine banner: {master:0}, {primary:node0}
    }
    if (first.rfind("[edit", 0) == 0 && line.back() == ']') {
      return {}; // configuration-mode context line before `run show ...`
    }
    if (first.rfind("---(more", 0) == 0 && line.size() >= 4 && line.substr(line.size() - 4) == ")---") {
      return {}; // the pager prompt
    }
    if (tokens.size() >= 2 && first == "Threading" && tokens[1] == "mode:") {
      return {};
    }
    if (tokens.size() >= 3 && first == "Default" && tokens[1] == "eBGP" && tokens[2] == "mode:") {
      return {};
    }
    if (first == "Unconfigured" && tokens.size() >= 2 && tokens[1] == "peers:") {
      if (tokens.size() != 3 || !all_digits(tokens[2])) {
        return Unexpected(error(ParseErrc::bad_value, number, "bad 'Unconfigured peers:' line " + quote(line)));
      }
      return {};
    }
    if (first == "Groups:") {
      return read_groups(number, line, tokens);
    }
    if (first == "Table" && tokens.size() >= 3 && tokens[1] == "Tot" && tokens[2] == "Paths") {
      BGPWATCH_TRY(end_tables(number));
      m_section = Section::tables;
      m_table_columns = std::find(tokens.begin(), tokens.end(), "Pending") != tokens.end() ? 6 : 5;
      return {};
    }
    if (first == "Peer" && tokens.size() >= 2 && tokens[1] == "AS") {
      BGPWATCH_TRY(end_tables(number));
      m_section = Section::peers;
      m_seen_peer_header = true;
      m_establ_peer.reset();
      return {};
    }
    if (tokens.size() == 2 && first.size() >= 2 && first.back() == ':' && is_counts(tokens[1])) {
      return read_rib_line(number, line, tokens);
    }
    if (m_section == Section::tables && !first.empty() && !junos::parse_peer_address(first)) {
      return read_table_line(number, line, tokens);
    }
    if (junos::parse_peer_address(first)) {
      BGPWATCH_TRY(end_tables(number));
      if (tokens.size() == 1) {
        m_wrapped = {first, number};
        return {};
      }
      return read_peer(number, line, tokens);
    }
    return Unexpected(error(ParseErrc::syntax, number, "unrecognised line " + quote(line)));
  }

  // "user@host>", "user@host:LSYS>", "user@host#", a bare ">" or "#" (the
  // runbook's redacted prompt), or the command echoed without a prompt.
  static bool is_command_or_prompt(const std::vector<std::string_view>& tokens)
  {
    const auto& first = tokens.front();
    const char last = first.back();
    if ((last == '>' || last == '#') && (first.size() == 1 || first.find('@') != std::string_view::npos)) {
      return true;
    }
    return first == "show" || first == "run";
  }

  Expected<void, ParseError> read_command(std::size_t number, std::string_view line,
                                          const std::vector<std::string_view>& tokens)
  {
    std::size_t i = 0;
    const auto& first = tokens.front();
    const char last = first.back();
    if (last == '>' || last == '#') {
      i = 1;
    }
    if (i == tokens.size()) {
      return {}; // a bare prompt before or after the output
    }
    if (tokens[i] == "run") {
      ++i;
    }
    // Junos accepts unique abbreviations: "sh bgp sum".
    if (tokens.size() < i + 3 || !is_prefix_of(tokens[i], "show", 2) || tokens[i + 1] != "bgp"
        || !is_prefix_of(tokens[i + 2], "summary", 2)) {
      return Unexpected(error(ParseErrc::syntax, number, "not a show bgp summary command " + quote(line)));
    }
    for (std::size_t j = i + 3; j + 1 < tokens.size(); ++j) {
      if (tokens[j] == "|") {
        const auto filter = tokens[j + 1];
        if (filter == "match" || filter == "except" || filter == "find" || filter == "last" || filter == "grep") {
          m_filtered = true;
        }
      }
    }
    m_seen_command = true;
    return {};
  }

  Expected<void, ParseError> read_groups(std::size_t number, std::string_view line,
                                         const std::vector<std::string_view>& tokens)
  {
    // Groups: N Peers: N Down peers: N
    if (tokens.size() != 7 || tokens[2] != "Peers:" || tokens[4] != "Down" || tokens[5] != "peers:") {
      return Unexpected(error(ParseErrc::syntax, number, "bad 'Groups:' line " + quote(line)));
    }
    if (m_seen_groups) {
      return Unexpected(error(ParseErrc::syntax, number,
                              "second 'Groups:' line: more than one summary in the input"));
    }
    m_seen_groups = true;
    const auto count = [&](std::string_view t, std::string_view what) -> Expected<std::uint64_t, ParseError> {
      auto v = junos::parse_counter(t, what);
      if (!v) {
        return Unexpected(located(number, std::move(v).error()));
      }
      return *v;
    };
    BGPWATCH_JUNOS_ASSIGN(m_summary.groups, count(tokens[1], "group count"));
    BGPWATCH_JUNOS_ASSIGN(m_summary.peers, count(tokens[3], "peer count"));
    BGPWATCH_JUNOS_ASSIGN(m_summary.down_peers, count(tokens[6], "down peer count"));
    return {};
  }

  // Table section: the name alone (possibly right-padded: trimmed away),
  // then a line of counts; older layouts put both on one line.
  Expected<void, ParseError> read_table_line(std::size_t number, std::string_view line,
                                             const std::vector<std::string_view>& tokens)
  {
    std::size_t i = 0;
    if (!all_digits(tokens.front())) {
      if (m_pending_table) {
        return Unexpected(error(ParseErrc::missing_field, m_pending_table->second,
                                "table '" + m_pending_table->first + "' has no counts line"));
      }
      m_pending_table = {std::string(tokens.front()), number};
      i = 1;
      if (tokens.size() == 1) {
        return {};
      }
    }
    if (!m_pending_table) {
      return Unexpected(error(ParseErrc::syntax, number, "table counts without a table name " + quote(line)));
    }
    if (tokens.size() - i != m_table_columns) {
      return Unexpected(error(ParseErrc::syntax, number,
                              "table counts line has " + std::to_string(tokens.size() - i) + " fields, expected "
                                + std::to_string(m_table_columns) + " " + quote(line)));
    }
    for (; i < tokens.size(); ++i) {
      auto v = junos::parse_counter(tokens[i], "table count");
      if (!v) {
        return Unexpected(located(number, std::move(v).error()));
      }
    }
    m_tables.push_back(std::move(m_pending_table->first));
    m_pending_table.reset();
    return {};
  }

  Expected<void, ParseError> end_tables(std::size_t)
  {
    if (m_pending_table) {
      return Unexpected(error(ParseErrc::missing_field, m_pending_table->second,
                              "table '" + m_pending_table->first + "' has no counts line"));
    }
    return {};
  }

  Expected<RibCounts, ParseError> counts(std::size_t number, std::string name, std::string_view token) const
  {
    RibCounts rib;
    rib.name = std::move(name);
    std::optional<std::uint64_t>* fields[] = {&rib.active, &rib.received, &rib.accepted, &rib.damped};
    std::size_t start = 0;
    for (auto* field : fields) {
      const auto slash = token.find('/', start);
      const auto part = token.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
      auto v = junos::parse_counter(part, "prefix count");
      if (!v) {
        return Unexpected(located(number, std::move(v).error()));
      }
      *field = *v;
      start = slash + 1;
    }
    return rib;
  }

  // "  inet.0: 1/2/2/0" under an Establ peer.
  Expected<void, ParseError> read_rib_line(std::size_t number, std::string_view line,
                                           const std::vector<std::string_view>& tokens)
  {
    if (!m_establ_peer) {
      return Unexpected(error(ParseErrc::syntax, number, "RIB line without an Establ peer above it " + quote(line)));
    }
    RibCounts rib;
    BGPWATCH_TRY_ASSIGN(rib, counts(number, std::string(tokens[0].substr(0, tokens[0].size() - 1)), tokens[1]));
    m_summary.sessions[*m_establ_peer].ribs.push_back(std::move(rib));
    return {};
  }

  // address AS InPkt OutPkt OutQ Flaps elapsed(1-2 tokens) state
  Expected<void, ParseError> read_peer(std::size_t number, std::string_view line,
                                       const std::vector<std::string_view>& tokens)
  {
    m_establ_peer.reset();
    if (tokens.size() < 8) {
      return Unexpected(error(ParseErrc::missing_field, number, "peer line has too few columns " + quote(line)));
    }
    Session s;
    s.source = Source::netconf;
    const auto field = [&](auto parsed) {
      if (!parsed) {
        return decltype(parsed)(Unexpected(located(number, std::move(parsed).error())));
      }
      return parsed;
    };
    BGPWATCH_JUNOS_ASSIGN(s.address, field(junos::parse_peer_address(tokens[0])));
    BGPWATCH_JUNOS_ASSIGN(s.peer_as, field(junos::parse_asn(tokens[1])));
    BGPWATCH_JUNOS_ASSIGN(s.input_messages, field(junos::parse_counter(tokens[2], "InPkt")));
    BGPWATCH_JUNOS_ASSIGN(s.output_messages, field(junos::parse_counter(tokens[3], "OutPkt")));
    BGPWATCH_JUNOS_ASSIGN(s.output_queue, field(junos::parse_counter(tokens[4], "OutQ")));
    BGPWATCH_JUNOS_ASSIGN(s.flaps, field(junos::parse_counter(tokens[5], "Flaps")));

    const std::size_t rest = 6;
    std::size_t groups = 0;
    while (tokens.size() - groups > rest && is_counts(tokens[tokens.size() - 1 - groups])) {
      ++groups;
    }
    std::size_t state_tokens = groups;
    bool takes_rib_lines = false;
    if (groups > 0) {
      // One-line form: counts instead of a state word means Established.
      s.state = SessionState::established;
      for (std::size_t g = 0; g < groups; ++g) {
        RibCounts rib;
        BGPWATCH_TRY_ASSIGN(rib, counts(number, g < m_tables.size() ? m_tables[g] : std::string(),
                                        tokens[tokens.size() - groups + g]));
        s.ribs.push_back(std::move(rib));
      }
    } else {
      auto state = parse_state_name(tokens.back());
      if (!state) {
        return Unexpected(error(ParseErrc::bad_value, number, state.error() + " in " + quote(line)));
      }
      s.state = *state;
      state_tokens = 1;
      takes_rib_lines = s.state == SessionState::established;
    }
    const std::size_t elapsed_tokens = tokens.size() - rest - state_tokens;
    if (elapsed_tokens == 0 || elapsed_tokens > 2) {
      return Unexpected(error(elapsed_tokens == 0 ? ParseErrc::missing_field : ParseErrc::syntax, number,
                              "cannot find the Last Up/Dwn column in " + quote(line)));
    }
    std::string elapsed(tokens[rest]);
    if (elapsed_tokens == 2) {
      elapsed += ' ';
      elapsed += tokens[rest + 1];
    }
    auto seconds = parse_junos_elapsed(elapsed);
    if (!seconds) {
      return Unexpected(error(ParseErrc::bad_value, number, seconds.error()));
    }
    s.uptime_seconds = *seconds;
    m_summary.sessions.push_back(std::move(s));
    if (takes_rib_lines) {
      m_establ_peer = m_summary.sessions.size() - 1;
    }
    return {};
  }

  Expected<Summary, ParseError> finish()
  {
    if (m_wrapped) {
      return Unexpected(error(ParseErrc::missing_field, m_wrapped->second,
                              "peer " + std::string(m_wrapped->first) + " has no columns after its address"));
    }
    BGPWATCH_TRY(end_tables(0));
    if (!m_seen_groups && !m_seen_peer_header && m_summary.sessions.empty() && !m_filtered) {
      return Unexpected(error(ParseErrc::missing_field, 0,
                              m_seen_command ? "the paste ends after the command: no 'Groups:' line, no peer lines"
                                             : "no 'Groups:' line and no peer lines: not show bgp summary output"));
    }
    if (m_seen_groups && !m_seen_peer_header && m_summary.sessions.empty() && m_summary.peers.value_or(0) > 0) {
      return Unexpected(error(ParseErrc::missing_field, 0,
                              "'Groups:' line counts " + std::to_string(*m_summary.peers)
                                + " peers but the paste ends before the peer list"));
    }
    std::vector<std::string_view> names(m_tables.begin(), m_tables.end());
    const auto reply_instance = junos::common_instance(names);
    for (auto& session : m_summary.sessions) {
      session.instance = junos::peer_instance(session.ribs, reply_instance);
    }
    return std::move(m_summary);
  }

  std::string_view m_text;
  Summary m_summary;
  Section m_section = Section::preamble;
  std::size_t m_table_columns = 6;
  std::vector<std::string> m_tables;
  std::optional<std::pair<std::string, std::size_t>> m_pending_table;
  std::optional<std::size_t> m_establ_peer;
  std::optional<std::pair<std::string_view, std::size_t>> m_wrapped;
  bool m_seen_groups = false;
  bool m_seen_peer_header = false;
  bool m_seen_command = false;
  bool m_filtered = false;
};

} // namespace

Expected<Summary, ParseError> parse_junos_text(std::string_view text)
{
  return TextSummaryReader(text).read();
}

} // namespace bgpwatch::bgp
