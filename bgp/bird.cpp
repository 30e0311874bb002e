// bgp/bird.cpp: BIRD `show protocols [all]` and `show status` into the
// session model (see bird.hpp for the field mapping and its reasons).
//
// Layout facts used here (BIRD 1.6 nest/proto.c proto_cmd_show,
// proto/bgp/bgp.c bgp_get_status/bgp_show_proto_info; BIRD 2 the same plus
// per-channel blocks; checked against captures in fixtures/bird/):
//   2002  heading   "name     proto    table    state  since       info"
//   1002  one row per protocol: name proto table state since info
//   1006  detail lines of the row above (show protocols all), indented
//   0000  end
// The BGP info column is "%-14s%s%s": the BGP state padded to 14, then the
// error class ("Socket: ", "Received: ", "BGP Error: ", ...) and message;
// for a protocol that is down only the error is printed.
#include "bgp/bird.hpp"

#include "bgp/bird_reply.hpp"

#include <array>
#include <charconv>

namespace bgpwatch::bgp {

namespace {

constexpr int k_code_end = 0;         // 0000: command completed
constexpr int k_code_table_row = 1002; // show protocols: one protocol
constexpr int k_code_detail = 1006;    // show protocols all: details of the row above
constexpr int k_code_heading = 2002;   // show protocols: column heading
constexpr int k_code_version = 1000;   // show status: "BIRD x.y.z"
constexpr int k_code_status = 1011;    // show status: router id, times
constexpr int k_code_gr = 24;          // show status: graceful restart recovery
constexpr int k_code_daemon = 13;      // show status: final "Daemon is up and running"

std::string_view trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

struct Token
{
  std::string_view text;
  std::size_t end = 0; // offset just past the token in the line
};

std::vector<Token> tokens_of(std::string_view line)
{
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
      ++i;
    }
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
      ++i;
    }
    if (i > start) {
      out.push_back(Token{line.substr(start, i - start), i});
    }
  }
  return out;
}


template <class T>
std::optional<T> parse_unsigned(std::string_view text)
{
  T value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// BIRD's BGP state names (bgp_state_names[] plus bgp_state_dsc's extras).
struct BirdBgpState
{
  std::string_view name;
  SessionState state;
};
constexpr std::array<BirdBgpState, 9> k_bird_bgp_states{{
  {"Idle", SessionState::idle},
  {"Connect", SessionState::connect},
  {"Active", SessionState::active},
  {"OpenSent", SessionState::open_sent},
  {"OpenConfirm", SessionState::open_confirm},
  {"Established", SessionState::established},
  // Closing the connection (BS_CLOSE): on its way back to Idle.
  {"Close", SessionState::idle},
  // Idle with `passive`: waiting for the peer to connect. RFC 4271 8.2.1.1
  // (PassiveTcpEstablishment) listens in Active.
  {"Passive", SessionState::active},
  // The protocol is down (bgp_state_dsc for PS_DOWN).
  {"Down", SessionState::idle},
}};

std::optional<SessionState> map_bgp_state(std::string_view word)
{
  for (const auto& s : k_bird_bgp_states) {
    if (s.name == word) {
      return s.state;
    }
  }
  return std::nullopt;
}

// BIRD's protocol (core) states: proto_state_name() in 1.6 and 2.
constexpr std::array<std::string_view, 8> k_proto_states = {"down", "start", "up", "feed",
                                                            "suspended", "wait", "stop", "flush"};

bool known_proto_state(std::string_view s)
{
  for (auto known : k_proto_states) {
    if (known == s) {
      return true;
    }
  }
  return false;
}

enum class LineKind { blank, heading, row, detail, end, other };

LineKind classify(const BirdLine& l)
{
  if (l.code) {
    switch (*l.code) {
    case k_code_heading:
      return LineKind::heading;
    case k_code_table_row:
      return LineKind::row;
    case k_code_detail:
      return trim(l.text).empty() ? LineKind::blank : LineKind::detail;
    case k_code_end:
      return LineKind::end;
    default:
      return LineKind::other;
    }
  }
  // birdc's human output: rows start in column 0, details are indented.
  if (trim(l.text).empty()) {
    return LineKind::blank;
  }
  if (l.text.front() == ' ' || l.text.front() == '\t') {
    return LineKind::detail;
  }
  const auto t = tokens_of(l.text);
  if (t.size() >= 2 && (t[0].text == "name" || t[0].text == "Name") && (t[1].text == "proto" || t[1].text == "Proto")) {
    return LineKind::heading;
  }
  return LineKind::row;
}

// "10_64_0_1" -> 10.64.0.1 (exactly four decimal parts), else IPv6 with
// every '_' as ':' ("2620_0_861_101__1" -> 2620:0:861:101::1).
std::optional<Address> address_from_underscores(std::string_view text)
{
  if (text.empty()) {
    return std::nullopt;
  }
  std::string v4(text);
  std::size_t parts = 1;
  bool decimal = true;
  for (char& c : v4) {
    if (c == '_') {
      c = '.';
      ++parts;
    } else if (c < '0' || c > '9') {
      decimal = false;
    }
  }
  if (decimal && parts == 4) {
    return Address::parse(v4);
  }
  std::string v6(text);
  for (char& c : v6) {
    if (c == '_') {
      c = ':';
    }
  }
  auto a = Address::parse(v6);
  if (a && a->family() == Family::ipv6) {
    return a;
  }
  return std::nullopt;
}

// One BGP protocol being assembled.
struct Pending
{
  Session session;
  std::size_t row_line = 0;
  std::string table;                 // the row's table column (BIRD 1.6 RIB name)
  std::optional<BirdTime> since;
  bool proto_down = false;
  bool in_channel = false;           // BIRD 2: inside a "Channel X" block
  std::optional<std::string> message; // "Message:" (RFC 8203 shutdown text)
  std::optional<std::string> info_error;
  bool have_address = false;
  // Graceful restart (issue 14). BIRD 2 prints the OPEN's capabilities in
  // "Local capabilities" / "Neighbor capabilities" blocks; inside them, a
  // "Graceful restart" capability's own lines follow it.
  enum class Caps { none, local, neighbor } caps = Caps::none;
  bool in_gr_cap = false;       // the lines after "Graceful restart" in a caps block
  bool neighbor_gr_active = false; // "Neighbor graceful restart active" (BIRD 1.6 and 2)
};

// The graceful-restart lines of `show protocols all` (BIRD 1.6 and 2):
// true when the line was one of them. The facts are stated as the router
// sees them, so that `router,bird` compares like with like: the restart
// time and flags the node announced in its OPEN are what the router
// received. BIRD shows no End-of-RIB state, so restart_negotiated and the
// End-of-RIB lists stay empty (docs/bird.md).
bool parse_gr_line(Pending& p, std::string_view body, std::string_view key, std::string_view value, bool has_colon)
{
  using Caps = Pending::Caps;
  if (!has_colon) {
    if (body == "Local capabilities") {
      p.caps = Caps::local;
      p.in_gr_cap = false;
      return true;
    }
    if (body == "Neighbor capabilities") {
      p.caps = Caps::neighbor;
      p.in_gr_cap = false;
      return true;
    }
    if (body == "Neighbor graceful restart active") {
      // The router restarted and BIRD keeps its routes as stale (helper).
      p.neighbor_gr_active = true;
      return true;
    }
    if (p.caps != Caps::none) {
      if (p.in_gr_cap && body == "Restart recovery") {
        // The R bit (RFC 4724 §3): BIRD started with -R, as calico-node does.
        if (p.caps == Caps::local) {
          p.session.restart_flags_received = "Restarting";
        }
        return true;
      }
      p.in_gr_cap = body == "Graceful restart"; // another capability's name ends the block
      return true;
    }
    return false;
  }
  if (p.caps != Caps::none && p.in_gr_cap) {
    if (key == "Restart time" && p.caps == Caps::local) {
      if (const auto t = parse_unsigned<std::uint32_t>(value)) {
        p.session.restart_time_received = *t;
      }
      return true;
    }
    return key == "AF supported" || key == "AF preserved" || key == "Restart time";
  }
  if (p.caps != Caps::none && (key == "Session" || key == "Source address" || key == "Hold timer")) {
    p.caps = Caps::none; // the capability blocks are over
    p.in_gr_cap = false;
  }
  return false;
}

Expected<void, ParseError> parse_routes(std::string_view value, std::size_t line, RibCounts& rib)
{
  // "1 imported, 2 exported, 1 preferred" / "1 imported, 0 filtered, 2 exported, 1 preferred"
  std::optional<std::uint64_t> imported;
  std::optional<std::uint64_t> filtered;
  std::optional<std::uint64_t> preferred;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) {
      comma = value.size();
    }
    const std::string_view part = trim(value.substr(start, comma - start));
    const auto t = tokens_of(part);
    std::optional<std::uint64_t> n;
    if (t.size() == 2) {
      n = parse_unsigned<std::uint64_t>(t[0].text);
    }
    if (!n) {
      return Unexpected(bird_error_at(ParseErrc::bad_value, line, "bad BIRD route count " + quote_bird_line(part)
                                                               + " (expected 'N imported, N exported, N preferred')"));
    }
    if (t[1].text == "imported") {
      imported = n;
    } else if (t[1].text == "filtered") {
      filtered = n;
    } else if (t[1].text == "preferred") {
      preferred = n;
    } // "exported" and kinds a later BIRD may add: no field in the model
    start = comma + 1;
  }
  if (!imported) {
    return Unexpected(bird_error_at(ParseErrc::missing_field, line, "BIRD route counts without 'imported': " + quote_bird_line(value)));
  }
  rib.accepted = imported;
  rib.active = preferred;
  if (filtered) {
    rib.received = *imported + *filtered;
  }
  return {};
}

Expected<void, ParseError> parse_detail(Pending& p, const BirdLine& l)
{
  const std::string_view body = trim(l.text);
  if (body.starts_with("Channel ")) {
    p.in_channel = true;
    RibCounts rib;
    rib.name = std::string(trim(body.substr(8)));
    p.session.ribs.push_back(rib);
    // A channel without a "Routes:" line (DOWN) is dropped at the end.
    return {};
  }
  const auto colon = body.find(':');
  if (colon == std::string_view::npos) {
    parse_gr_line(p, body, {}, {}, false);
    return {}; // capability names, ...
  }
  const std::string_view key = trim(body.substr(0, colon));
  const std::string_view value = trim(body.substr(colon + 1));

  if (p.in_channel) {
    if (key == "Table") {
      p.session.ribs.back().name = std::string(value);
    } else if (key == "Routes") {
      BGPWATCH_TRY(parse_routes(value, l.line, p.session.ribs.back()));
    } else if (key == "Neighbor GR" && value != "None") {
      // BIRD 2, per channel while the router restarts: "Regular" / "Long-lived".
      p.session.ribs.back().state = "Neighbor GR: " + std::string(value);
    }
    return {};
  }
  if (parse_gr_line(p, body, key, value, true)) {
    return {};
  }
  if (key == "Description") {
    p.session.description = std::string(value);
  } else if (key == "BGP state") {
    p.session.has_detail = true; // `show protocols all`
    if (!p.proto_down) {
      const auto s = map_bgp_state(value);
      if (!s) {
        return Unexpected(bird_error_at(ParseErrc::bad_value, l.line, "unknown BIRD BGP state " + quote_bird_line(value)));
      }
      p.session.state = *s;
    }
  } else if (key == "Neighbor address") {
    // Link-local neighbors carry the interface: "fe80::1%eth0".
    std::string_view addr = value.substr(0, value.find('%'));
    const auto a = Address::parse(addr);
    if (!a) {
      return Unexpected(bird_error_at(ParseErrc::bad_value, l.line, "bad BIRD neighbor address " + quote_bird_line(value)));
    }
    p.session.address = *a;
    p.have_address = true;
  } else if (key == "Neighbor AS" || key == "Local AS") {
    const auto as = parse_unsigned<std::uint32_t>(value);
    if (!as) {
      return Unexpected(bird_error_at(ParseErrc::bad_value, l.line, "bad BIRD " + std::string(key) + " " + quote_bird_line(value)));
    }
    (key == "Neighbor AS" ? p.session.peer_as : p.session.local_as) = *as;
  } else if (key == "Source address") {
    const auto a = Address::parse(value.substr(0, value.find('%')));
    if (!a) {
      return Unexpected(bird_error_at(ParseErrc::bad_value, l.line, "bad BIRD source address " + quote_bird_line(value)));
    }
    p.session.local_address = *a;
  } else if (key == "Last error") {
    p.session.last_error = std::string(value);
  } else if (key == "Message") {
    p.message = std::string(value);
  } else if (key == "Routes") {
    RibCounts rib;
    rib.name = p.table;
    BGPWATCH_TRY(parse_routes(value, l.line, rib));
    p.session.ribs.push_back(rib);
  }
  return {};
}


// A row of `show protocols`: name proto table state since info. `since` is
// one token, or two when BIRD prints "%F %T" (iso long).
struct Row
{
  std::string_view name;
  std::string_view proto;
  std::string_view table;
  std::string_view state;
  std::string_view since;
  std::string_view info;
};

Expected<Row, ParseError> split_row(const BirdLine& l)
{
  const auto t = tokens_of(l.text);
  if (t.size() < 5) {
    return Unexpected(bird_error_at(ParseErrc::syntax, l.line,
                               "not a BIRD protocol row (name proto table state since info): " + quote_bird_line(l.text)));
  }
  Row r{t[0].text, t[1].text, t[2].text, t[3].text, t[4].text, {}};
  std::size_t since_end = t[4].end;
  if (t.size() >= 6) {
    const std::string_view two = l.text.substr(t[4].end - t[4].text.size(), t[5].end - (t[4].end - t[4].text.size()));
    const auto both = parse_bird_time(two);
    if (both && both->has_date() && both->time_of_day) {
      r.since = two;
      since_end = t[5].end;
    }
  }
  r.info = trim(l.text.substr(since_end));
  return r;
}

Expected<Pending, ParseError> start_bgp_protocol(const Row& r, const BirdLine& l)
{
  Pending p;
  p.row_line = l.line;
  p.table = std::string(r.table);
  p.session.source = Source::bird;
  p.session.protocol = std::string(r.name);
  if (!known_proto_state(r.state)) {
    return Unexpected(bird_error_at(ParseErrc::bad_value, l.line,
                               "unknown BIRD protocol state " + quote_bird_line(r.state) + " for " + quote_bird_line(r.name)));
  }
  auto since = parse_bird_time(r.since);
  if (!since) {
    return Unexpected(bird_error_at(ParseErrc::bad_value, l.line, since.error() + " for " + quote_bird_line(r.name)));
  }
  p.since = *since;
  if (r.state == "down") {
    // Disabled, or shut down after an error: only the error is printed.
    p.proto_down = true;
    p.session.state = SessionState::idle;
    if (!r.info.empty()) {
      p.info_error = std::string(r.info);
    }
  } else {
    const auto t = tokens_of(r.info);
    if (t.empty()) {
      return Unexpected(bird_error_at(ParseErrc::missing_field, l.line, "BGP protocol " + quote_bird_line(r.name) + " in state "
                                                                     + quote_bird_line(r.state) + " has no BGP state"));
    }
    const auto s = map_bgp_state(t[0].text);
    if (!s) {
      return Unexpected(bird_error_at(ParseErrc::bad_value, l.line,
                                 "unknown BIRD BGP state " + quote_bird_line(t[0].text) + " for " + quote_bird_line(r.name)));
    }
    p.session.state = *s;
    const std::string_view error = trim(r.info.substr(t[0].end));
    if (!error.empty()) {
      p.info_error = std::string(error);
    }
  }
  if (const auto a = address_from_calico_name(r.name)) {
    p.session.address = *a;
    p.have_address = true;
  }
  return p;
}

Expected<Session, ParseError> finish_bgp_protocol(Pending p, const std::optional<BirdTime>& now)
{
  if (!p.have_address) {
    return Unexpected(bird_error_at(ParseErrc::missing_field, p.row_line,
                               "BGP protocol " + quote_bird_line(*p.session.protocol)
                                 + " has no neighbor address: not a Calico name (Mesh_/Node_/Global_<address>)"
                                   " and no \"Neighbor address:\" line ('show protocols all' prints it)"));
  }
  if (!p.session.last_error && p.info_error) {
    p.session.last_error = p.info_error;
  }
  // BIRD keeps the last "Message:" (an RFC 8203 shutdown communication, or
  // `disable "text"`) after later errors replace it: attach it only to the
  // notification that carried it, or to a protocol that was disabled.
  if (p.message) {
    if (p.session.last_error && p.session.last_error->starts_with("Received: Administrative")) {
      *p.session.last_error += ": \"" + *p.message + "\"";
    } else if (!p.session.last_error && p.proto_down) {
      p.session.last_error = "Message: \"" + *p.message + "\"";
    }
  }
  // Channels that are down print no "Routes:" line: they have no counts.
  std::erase_if(p.session.ribs, [](const RibCounts& r) { return !r.accepted && !r.active && !r.received; });
  if (p.neighbor_gr_active) {
    // BIRD 1.6 has one table per protocol and no per-channel line.
    for (auto& rib : p.session.ribs) {
      if (!rib.state) {
        rib.state = "Neighbor graceful restart active";
      }
    }
  }
  if (now && p.since) {
    p.session.uptime_seconds = bird_uptime_seconds(*p.since, *now);
  }
  return std::move(p.session);
}

} // namespace

std::optional<Address> address_from_calico_name(std::string_view name)
{
  // calico/confd bird.cfg templates: "Mesh_" (node-to-node mesh), "Node_"
  // (node-specific peers), "Global_" (global peers), then the peer IP with
  // '.' or ':' replaced by '_'.
  constexpr std::array<std::string_view, 3> k_prefixes = {"Mesh_", "Node_", "Global_"};
  for (auto prefix : k_prefixes) {
    if (!name.starts_with(prefix)) {
      continue;
    }
    std::string_view rest = name.substr(prefix.size());
    if (const auto port = rest.find("_port_"); port != std::string_view::npos) {
      rest = rest.substr(0, port);
    }
    return address_from_underscores(rest);
  }
  return std::nullopt;
}


Expected<Summary, ParseError> parse_bird_protocols(std::string_view reply, const std::optional<BirdTime>& now)
{
  auto lines_r = split_bird_reply(reply);
  if (!lines_r) {
    return Unexpected(std::move(lines_r).error());
  }
  const auto lines = std::move(*lines_r);
  Summary summary;
  bool heading = false;
  std::optional<Pending> current; // the BGP protocol whose details follow
  bool in_other = false;          // details of a skipped (non-BGP) protocol
  auto flush = [&]() -> Expected<void, ParseError> {
    if (current) {
      auto session_r = finish_bgp_protocol(std::move(*current), now);
      if (!session_r) {
        return Unexpected(std::move(session_r).error());
      }
      auto session = std::move(*session_r);
      summary.sessions.push_back(std::move(session));
      current.reset();
    }
    return {};
  };
  for (const auto& l : lines) {
    switch (classify(l)) {
    case LineKind::blank:
    case LineKind::end:
      break;
    case LineKind::heading:
      if (heading) {
        return Unexpected(bird_error_at(ParseErrc::syntax, l.line, "second heading line in one BIRD reply"));
      }
      heading = true;
      break;
    case LineKind::row: {
      if (!heading) {
        return Unexpected(bird_error_at(ParseErrc::wrong_root, l.line,
                                   "not a BIRD 'show protocols' reply (no heading line before " + quote_bird_line(l.text) + ")"));
      }
      BGPWATCH_TRY(flush());
      auto row_r = split_row(l);
      if (!row_r) {
        return Unexpected(std::move(row_r).error());
      }
      const Row row = std::move(*row_r);
      in_other = row.proto != "BGP";
      if (!in_other) {
        auto p_r = start_bgp_protocol(row, l);
        if (!p_r) {
          return Unexpected(std::move(p_r).error());
        }
        Pending p = std::move(*p_r);
        current = std::move(p);
      }
      break;
    }
    case LineKind::detail:
      if (!heading || (!current && !in_other)) {
        return Unexpected(bird_error_at(ParseErrc::syntax, l.line, "BIRD detail line outside a protocol: " + quote_bird_line(l.text)));
      }
      if (current) {
        BGPWATCH_TRY(parse_detail(*current, l));
      }
      break;
    case LineKind::other:
      return Unexpected(bird_error_at(ParseErrc::syntax, l.line, "unexpected BIRD reply code " + std::to_string(*l.code)
                                                              + " in 'show protocols': " + quote_bird_line(l.text)));
    }
  }
  if (!heading) {
    return Unexpected(bird_error_at(ParseErrc::wrong_root, 0, "not a BIRD 'show protocols' reply (no heading line)"));
  }
  BGPWATCH_TRY(flush());
  return summary;
}

Expected<BirdStatus, ParseError> parse_bird_status(std::string_view reply)
{
  auto lines_r = split_bird_reply(reply);
  if (!lines_r) {
    return Unexpected(std::move(lines_r).error());
  }
  const auto lines = std::move(*lines_r);
  BirdStatus st;
  bool have_version = false;
  const auto time_after = [](std::string_view text, std::string_view prefix) -> std::optional<BirdTime> {
    // A `timeformat base` we do not know leaves the time empty (uptimes
    // then stay empty: unknown, never guessed) rather than failing the poll.
    auto t = parse_bird_time(text.substr(prefix.size()));
    return t ? std::optional<BirdTime>(*t) : std::nullopt;
  };
  for (const auto& l : lines) {
    const std::string_view text = trim(l.text);
    const int code = l.code.value_or(-1);
    if (text.empty()) {
      continue;
    }
    if (code == k_code_version || (code == -1 && !have_version && text.starts_with("BIRD "))) {
      // "BIRD 1.6.8"; a 1000 line without the word is still a version line.
      st.version = std::string(trim(text.starts_with("BIRD ") ? text.substr(5) : text));
      have_version = true;
    } else if (text.starts_with("Router ID is ")) {
      st.router_id = std::string(text.substr(13));
    } else if (text.starts_with("Hostname is ")) {
      st.hostname = std::string(text.substr(12));
    } else if (text.starts_with("Current server time is ")) {
      st.server_time = time_after(text, "Current server time is ");
    } else if (text.starts_with("Last reboot on ")) {
      st.last_reboot = time_after(text, "Last reboot on ");
    } else if (text.starts_with("Last reconfiguration on ")) {
      st.last_reconfiguration = time_after(text, "Last reconfiguration on ");
    } else if (text == "Graceful restart recovery in progress") {
      st.graceful_restart_recovery = true;
    } else if (text.starts_with("Waiting for ")) {
      const auto t = tokens_of(text);
      if (t.size() >= 3) {
        st.graceful_restart_waiting = parse_unsigned<std::uint32_t>(t[2].text);
      }
    } else if (text.starts_with("Wait timer is ")) {
      st.graceful_restart_wait_timer = std::string(text.substr(14));
    } else if (code == k_code_daemon || l.final || (code == -1 && (text.ends_with(" in progress") || text == "Daemon is up and running"))) {
      st.daemon_state = std::string(text);
    } else if (code != k_code_status && code != k_code_gr && code != -1) {
      return Unexpected(bird_error_at(ParseErrc::syntax, l.line, "unexpected BIRD reply code " + std::to_string(code)
                                                              + " in 'show status': " + quote_bird_line(l.text)));
    }
    // Other 1011 lines (a later BIRD's additions) are ignored.
  }
  if (!have_version) {
    return Unexpected(bird_error_at(ParseErrc::wrong_root, 0, "not a BIRD 'show status' reply (no \"BIRD x.y.z\" line)"));
  }
  return st;
}

} // namespace bgpwatch::bgp
