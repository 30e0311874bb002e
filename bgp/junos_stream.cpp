// bgp/junos_stream.cpp: the <get-bgp-summary-information/> reply read in one
// pass over its bytes, without a DOM (issue 17). The DOM path
// (junos_xml.cpp, pugixml) stays the reference: this reader answers only
// when it can show the DOM path would give the same Summary, and says
// "fall back" (nullopt) for everything else, errors included, so every
// error text and line number is still the DOM path's.
//
// What it reads is the subset of XML that Junos replies are made of
// (junos-format.md §2): an optional <?xml ...?> declaration first,
// comments, whitespace, one <rpc-reply> or <bgp-information> root, start and
// end tags with attributes (any prefixes: names are matched on local names
// as junos_xml.cpp does), text with the five predefined entities and
// numeric character references, and a trailing NETCONF 1.0 "]]>]]>".
// It falls back on: CDATA, DOCTYPE, processing instructions other than the
// leading declaration, a byte-order mark, NUL, references pugixml would leave
// undecoded, markup inside a text field it reads, <rpc-error>, <output>,
// multi-routing-engine wrappers, nesting deeper than k_max_depth, any field
// that does not parse, and anything malformed. Each rule mirrors what
// pugixml (1.13, parse_default | parse_fragment | parse_embed_pcdata) does
// with the same bytes; tests/fuzz/fuzz_junos_stream.cpp checks the two
// against each other on every input.
//
// No tree and no per-element allocation: names and texts are views into
// the input; a text holding a reference or a CR is decoded into one reused
// buffer. The only allocations are the Summary's own (sessions, strings).
#include "bgp/junos.hpp"
#include "bgp/junos_fields.hpp"
#include "bgp/junos_stream.hpp"

#include <array>
#include <cstring>
#include <limits>

namespace bgpwatch::bgp {

namespace {

// pugixml's character classes (chartype_table): ct_space, ct_start_symbol
// (letters, '_', ':', any byte >= 0x80) and ct_symbol (those, digits, '-',
// '.'), as one table: tags are most of a reply's bytes.
enum : std::uint8_t { k_space = 1, k_start = 2, k_symbol = 4 };

constexpr std::array<std::uint8_t, 256> make_classes() noexcept
{
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
    const bool symbol = start || (c >= '0' && c <= '9') || c == '-' || c == '.';
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>((space ? k_space : 0) | (start ? k_start : 0)
                                                               | (symbol ? k_symbol : 0));
  }
  return t;
}

constexpr std::array<std::uint8_t, 256> k_classes = make_classes();

constexpr bool is_space(char c) noexcept
{
  return (k_classes[static_cast<unsigned char>(c)] & k_space) != 0;
}

constexpr bool is_start_symbol(char c) noexcept
{
  return (k_classes[static_cast<unsigned char>(c)] & k_start) != 0;
}

constexpr bool is_symbol(char c) noexcept
{
  return (k_classes[static_cast<unsigned char>(c)] & k_symbol) != 0;
}

// A reference or a CR (pugixml rewrites both). A plain loop: the texts are
// short, and string_view::find_first_of calls memchr per byte.
bool needs_decoding(std::string_view s) noexcept
{
  for (const char c : s) {
    if (c == '&' || c == '\r') {
      return true;
    }
  }
  return false;
}

std::string_view trim_space(std::string_view s) noexcept
{
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// One start tag: its raw name, the part after the last ':', whether it
// closed itself ("<x/>"), and the raw value of its first attribute whose
// local name is "seconds" (junos_xml's attribute_local).
struct Tag
{
  std::string_view name;
  std::string_view local;
  bool empty = false;
  bool has_seconds = false;
  std::string_view seconds;
};

class StreamReader
{
public:
  explicit StreamReader(std::string_view xml) : m_begin(xml.data()), m_p(xml.data()), m_end(xml.data() + xml.size())
  {
  }

  std::optional<Summary> read()
  {
    const auto size = static_cast<std::size_t>(m_end - m_begin);
    // The DOM path's refusals (too large, NUL) are errors: its answer.
    if (size > k_max_input_bytes || std::memchr(m_begin, '\0', size) != nullptr) {
      return std::nullopt;
    }
    // "<?xml" + space ... "?>" at the very start: pugixml skips it (it
    // does not keep declarations). Anywhere else, or any other PI: fall back.
    if (size >= 6 && std::memcmp(m_p, "<?xml", 5) == 0 && is_space(m_p[5])) {
      const char* close = find("?>", m_p + 6);
      if (close == nullptr) {
        return std::nullopt;
      }
      m_p = close + 2;
    }
    std::optional<Summary> out;
    bool have_root = false;
    while (m_p < m_end) {
      // Text between top-level nodes: the DOM path accepts whitespace and
      // RFC 6242's "]]>]]>" only.
      const char* lt = next_lt(m_p);
      const auto text = trim_space(std::string_view(m_p, static_cast<std::size_t>(lt - m_p)));
      if (!text.empty() && text != "]]>]]>") {
        return std::nullopt;
      }
      m_p = lt;
      if (m_p == m_end) {
        break;
      }
      if (starts_with("<!--")) {
        if (!skip_comment()) {
          return std::nullopt;
        }
        continue;
      }
      if (have_root || m_p + 1 >= m_end || !is_start_symbol(m_p[1])) {
        return std::nullopt; // a second root, a PI, CDATA, DOCTYPE, a stray end tag
      }
      have_root = true;
      Tag root;
      if (!start_tag(root)) {
        return std::nullopt;
      }
      if (root.local == "bgp-information") {
        out.emplace();
        if (!read_bgp_information(root, *out)) {
          return std::nullopt;
        }
      } else if (root.local == "rpc-reply") {
        out = read_container(root);
        if (!out) {
          return std::nullopt;
        }
      } else {
        return std::nullopt; // multi-routing-engine-results or a wrong root
      }
    }
    return out; // nullopt when there was no root: the DOM path's error
  }

private:
  // One vector for all the sessions instead of a doubling's worth of
  // Session moves and fresh pages: once the first peer is read, room for
  // the rest of the input in peers of its size, and half as many again
  // (a hint only: unused room is never touched; too little just grows).
  // Counting "<bgp-peer" first cost a pass over the input (memmem: 4%).
  void reserve_after_first(Summary& summary, const char* peer_start) const
  {
    const auto span = static_cast<std::size_t>(m_p - peer_start);
    const auto rest = static_cast<std::size_t>(m_end - m_p);
    if (span > 0) {
      summary.sessions.reserve(1 + rest / span + rest / span / 2);
    }
  }

  // rpc-reply > multi-routing-engine-results > multi-routing-engine-item >
  // bgp-information > bgp-peer > bgp-rib > name is 7; unknown elements may
  // nest a little deeper, a hostile input much deeper: fall back.
  static constexpr int k_max_depth = 64;

  bool starts_with(const char* s) const noexcept
  {
    const auto n = std::strlen(s);
    return static_cast<std::size_t>(m_end - m_p) >= n && std::memcmp(m_p, s, n) == 0;
  }

  const char* find(const char* needle, const char* from) const noexcept
  {
    const std::string_view hay(from, static_cast<std::size_t>(m_end - from));
    const auto at = hay.find(needle);
    return at == std::string_view::npos ? nullptr : from + at;
  }

  // The next '<' at or after `from`, or m_end. Between tags it is a few
  // bytes of indentation away: looked at inline before memchr's call.
  const char* next_lt(const char* from) const noexcept
  {
    for (int i = 0; i < 16 && from < m_end; ++i, ++from) {
      if (*from == '<') {
        return from;
      }
    }
    const void* lt = std::memchr(from, '<', static_cast<std::size_t>(m_end - from));
    return lt == nullptr ? m_end : static_cast<const char*>(lt);
  }

  void skip_space() noexcept
  {
    while (m_p < m_end && is_space(*m_p)) {
      ++m_p;
    }
  }

  // At "<!--": past the first "-->" (pugixml's scan: "--" inside is fine).
  bool skip_comment() noexcept
  {
    const char* close = find("-->", m_p + 4);
    if (close == nullptr) {
      return false;
    }
    m_p = close + 3;
    return true;
  }

  // At a name (is_symbol bytes): past it; the whole name, and in `local`
  // the part after its last ':'.
  std::string_view scan_name(std::string_view& local) noexcept
  {
    const char* name = m_p;
    const char* local_start = m_p;
    while (m_p < m_end && is_symbol(*m_p)) {
      if (*m_p == ':') {
        local_start = m_p + 1;
      }
      ++m_p;
    }
    local = std::string_view(local_start, static_cast<std::size_t>(m_p - local_start));
    return std::string_view(name, static_cast<std::size_t>(m_p - name));
  }

  // At '<' followed by a start symbol: reads the whole start tag.
  bool start_tag(Tag& tag) noexcept
  {
    ++m_p;
    tag.name = scan_name(tag.local);
    for (;;) {
      // After the name or an attribute's value: '>', "/>", or, after a
      // space (pugixml wants one: a name straight after a value is an
      // error), the next attribute.
      const char* before = m_p;
      skip_space();
      if (m_p == m_end) {
        return false;
      }
      if (*m_p == '>') {
        ++m_p;
        return true;
      }
      if (*m_p == '/') {
        return close_empty(tag);
      }
      if (m_p == before || !is_start_symbol(*m_p)) {
        return false;
      }
      std::string_view attr_name;
      scan_name(attr_name);
      skip_space();
      if (m_p == m_end || *m_p != '=') {
        return false;
      }
      ++m_p;
      skip_space();
      if (m_p == m_end || (*m_p != '"' && *m_p != '\'')) {
        return false;
      }
      const char quote = *m_p++;
      const void* close = std::memchr(m_p, quote, static_cast<std::size_t>(m_end - m_p));
      if (close == nullptr) {
        return false;
      }
      const std::string_view value(m_p, static_cast<std::size_t>(static_cast<const char*>(close) - m_p));
      m_p = static_cast<const char*>(close) + 1;
      if (attr_name == "seconds" && !tag.has_seconds) {
        tag.has_seconds = true;
        tag.seconds = value;
      }
    }
  }

  bool close_empty(Tag& tag) noexcept
  {
    ++m_p; // '/'
    if (m_p == m_end || *m_p != '>') {
      return false;
    }
    ++m_p;
    tag.empty = true;
    return true;
  }

  // At "</": the end tag of `tag`, its raw name exactly, then spaces, '>'.
  bool end_tag(const Tag& tag) noexcept
  {
    m_p += 2;
    const auto left = static_cast<std::size_t>(m_end - m_p);
    if (left < tag.name.size() || std::memcmp(m_p, tag.name.data(), tag.name.size()) != 0) {
      return false;
    }
    m_p += tag.name.size();
    if (m_p < m_end && is_symbol(*m_p)) {
      return false;
    }
    skip_space();
    if (m_p == m_end || *m_p != '>') {
      return false;
    }
    ++m_p;
    return true;
  }

  // The children of `tag` (whose start tag was just read), one at a time:
  // `on_child(child)` must consume the child's content and end tag (it is
  // called after the child's start tag) and return false to fall back.
  // Text between children is skipped, as the DOM path's for_each_element
  // skips it.
  template <class F>
  bool children(const Tag& tag, int depth, F&& on_child)
  {
    if (tag.empty) {
      return true;
    }
    if (depth > k_max_depth) {
      return false;
    }
    for (;;) {
      m_p = next_lt(m_p);
      if (m_end - m_p < 2) {
        return false; // unclosed
      }
      const char c = m_p[1];
      if (c == '/') {
        return end_tag(tag);
      }
      if (c == '!') {
        if (!starts_with("<!--") || !skip_comment()) {
          return false;
        }
        continue;
      }
      if (!is_start_symbol(c)) {
        return false;
      }
      Tag child;
      if (!start_tag(child) || !on_child(child, depth + 1)) {
        return false;
      }
    }
  }

  // An element the DOM path does not read: well-formed, or fall back.
  bool skip(const Tag& tag, int depth)
  {
    return children(tag, depth, [this](const Tag& child, int d) { return skip(child, d); });
  }

  // A text field: its content must be text only (no child element, no
  // comment: the DOM path's node.text() would then see a part of it), then
  // its end tag. `out` is the text with references and line ends decoded
  // as pugixml does, untrimmed; it may point into m_scratch.
  bool leaf(const Tag& tag, std::string_view& out)
  {
    if (tag.empty) {
      out = {};
      return true;
    }
    const char* lt = next_lt(m_p);
    const std::string_view raw(m_p, static_cast<std::size_t>(lt - m_p));
    m_p = lt;
    if (m_end - m_p < 2 || m_p[1] != '/' || !end_tag(tag)) {
      return false;
    }
    // Whitespace only: pugixml keeps no text node, node.text() is "".
    if (trim_space(raw).empty()) {
      out = {};
      return true;
    }
    if (!needs_decoding(raw)) {
      out = raw;
      return true;
    }
    if (!decode(raw)) {
      return false;
    }
    out = m_scratch;
    return true;
  }

  // pugixml's strconv_pcdata with parse_eol | parse_escapes, for the
  // references it decodes; any other '&' falls back.
  bool decode(std::string_view raw)
  {
    m_scratch.clear();
    for (std::size_t i = 0; i < raw.size();) {
      const char c = raw[i];
      if (c == '\r') {
        m_scratch.push_back('\n');
        i += i + 1 < raw.size() && raw[i + 1] == '\n' ? 2 : 1;
        continue;
      }
      if (c != '&') {
        m_scratch.push_back(c);
        ++i;
        continue;
      }
      const auto semi = raw.find(';', i + 1);
      if (semi == std::string_view::npos) {
        return false;
      }
      const auto name = raw.substr(i + 1, semi - i - 1);
      i = semi + 1;
      if (name == "lt") {
        m_scratch.push_back('<');
      } else if (name == "gt") {
        m_scratch.push_back('>');
      } else if (name == "amp") {
        m_scratch.push_back('&');
      } else if (name == "apos") {
        m_scratch.push_back('\'');
      } else if (name == "quot") {
        m_scratch.push_back('"');
      } else if (name.size() >= 2 && name[0] == '#') {
        if (!append_code_point(name.substr(1))) {
          return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  // "65" or "x41": a character reference, written as UTF-8. Only XML Chars
  // (no NUL, no surrogates, nothing past U+10FFFF): pugixml would write
  // other values too, but differently from what a reader expects.
  bool append_code_point(std::string_view digits)
  {
    const bool hex = digits.front() == 'x';
    if (hex) {
      digits.remove_prefix(1);
    }
    if (digits.empty()) {
      return false;
    }
    std::uint32_t cp = 0;
    for (const char d : digits) {
      std::uint32_t v = 0;
      if (d >= '0' && d <= '9') {
        v = static_cast<std::uint32_t>(d - '0');
      } else if (hex && (d | ' ') >= 'a' && (d | ' ') <= 'f') {
        v = static_cast<std::uint32_t>((d | ' ') - 'a' + 10);
      } else {
        return false;
      }
      cp = cp * (hex ? 16 : 10) + v;
      if (cp > 0x10FFFF) {
        return false;
      }
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    if (cp < 0x80) {
      m_scratch.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      m_scratch.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      m_scratch.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      m_scratch.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      m_scratch.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      m_scratch.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      m_scratch.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      m_scratch.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      m_scratch.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      m_scratch.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    return true;
  }

  bool counter(const Tag& tag, std::optional<std::uint64_t>& out)
  {
    std::string_view text;
    if (!leaf(tag, text)) {
      return false;
    }
    return digits(trim_space(text), out);
  }

  // junos::parse_counter's accepted set (one or more ASCII digits, at most
  // 2^64 - 1) without its Expected and error text: anything else falls
  // back, and the DOM path words the error. 10 counters per peer.
  static bool digits(std::string_view text, std::optional<std::uint64_t>& out) noexcept
  {
    if (text.empty()) {
      return false;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
      const auto d = static_cast<unsigned>(static_cast<unsigned char>(c)) - '0';
      if (d > 9 || __builtin_mul_overflow(value, 10u, &value) || __builtin_add_overflow(value, d, &value)) {
        return false;
      }
    }
    out = value;
    return true;
  }

  bool text_field(const Tag& tag, std::string& out)
  {
    std::string_view text;
    if (!leaf(tag, text)) {
      return false;
    }
    out.assign(trim_space(text));
    return true;
  }

  // <rpc-reply>: every <bgp-information> child, merged in document order.
  // <rpc-error> (fatal or a warning) and <output> fall back: the DOM path
  // words them.
  std::optional<Summary> read_container(const Tag& container)
  {
    Summary merged;
    bool first = true;
    const bool ok = children(container, 1, [&](const Tag& child, int depth) {
      const auto name = child.local;
      if (name == "bgp-information") {
        Summary block;
        if (!read_bgp_information(child, block)) {
          return false;
        }
        junos::merge_block(merged, std::move(block), first);
        return true;
      }
      if (name == "rpc-error" || name == "output" || name == "multi-routing-engine-results"
          || name == "multi-routing-engine-item") {
        return false;
      }
      return skip(child, depth); // <cli><banner>, <ok/>, ...
    });
    if (!ok || first) {
      return std::nullopt; // no <bgp-information>: the DOM path's error
    }
    return merged;
  }

  bool read_bgp_information(const Tag& info, Summary& summary)
  {
    // Reply-level table names (few: one per table), kept until the
    // instance rule has read them.
    std::vector<std::string> tables;
    const bool ok = children(info, 2, [&](const Tag& child, int depth) {
      const auto name = child.local;
      if (name == "bgp-peer") {
        const char* start = m_p;
        summary.sessions.emplace_back();
        if (!read_peer(child, depth, summary.sessions.back())) {
          return false;
        }
        if (summary.sessions.size() == 1) {
          reserve_after_first(summary, start);
        }
        return true;
      }
      if (name == "group-count") {
        return counter(child, summary.groups);
      }
      if (name == "peer-count") {
        return counter(child, summary.peers);
      }
      if (name == "down-peer-count") {
        return counter(child, summary.down_peers);
      }
      if (name == "bgp-rib") {
        // The first <name> child, wherever it is.
        bool found = false;
        const bool rib_ok = children(child, depth, [&](const Tag& c, int d) {
          if (!found && c.local == "name") {
            found = true;
            tables.emplace_back();
            return text_field(c, tables.back());
          }
          return skip(c, d);
        });
        return rib_ok && found;
      }
      return skip(child, depth);
    });
    if (!ok) {
      return false;
    }
    std::vector<std::string_view> views(tables.begin(), tables.end());
    const auto reply_instance = junos::common_instance(views);
    for (auto& session : summary.sessions) {
      session.instance = junos::peer_instance(session.ribs, reply_instance);
    }
    return true;
  }

  bool read_peer(const Tag& peer, int depth, Session& s)
  {
    s.source = Source::netconf;
    bool have_address = false;
    bool have_state = false;
    const bool ok = children(peer, depth, [&](const Tag& c, int d) {
      const auto name = c.local;
      std::string_view text;
      if (name == "peer-address") {
        if (!leaf(c, text)) {
          return false;
        }
        auto address = junos::parse_peer_address(trim_space(text));
        if (!address) {
          return false;
        }
        s.address = *address;
        have_address = true;
        return true;
      }
      if (name == "peer-as") {
        if (!leaf(c, text)) {
          return false;
        }
        auto asn = junos::parse_asn(trim_space(text));
        if (!asn) {
          return false;
        }
        s.peer_as = *asn;
        return true;
      }
      if (name == "peer-state") {
        if (!leaf(c, text)) {
          return false;
        }
        auto state = parse_state_name(trim_space(text));
        if (!state) {
          return false;
        }
        s.state = *state;
        have_state = true;
        return true;
      }
      if (name == "elapsed-time") {
        return elapsed(c, d, s.uptime_seconds);
      }
      if (name == "flap-count") {
        return counter(c, s.flaps);
      }
      if (name == "input-messages") {
        return counter(c, s.input_messages);
      }
      if (name == "output-messages") {
        return counter(c, s.output_messages);
      }
      if (name == "route-queue-count") {
        return counter(c, s.output_queue);
      }
      if (name == "description") {
        if (!leaf(c, text)) {
          return false;
        }
        s.description = std::string(trim_space(text));
        return true;
      }
      if (name == "bgp-rib") {
        s.ribs.emplace_back();
        return read_peer_rib(c, d, s.ribs.back());
      }
      return skip(c, d);
    });
    return ok && have_address && have_state;
  }

  // seconds= (or junos:seconds=) when present, else the human text.
  bool elapsed(const Tag& tag, int depth, std::optional<std::int64_t>& out)
  {
    if (tag.has_seconds) {
      // pugixml rewrites references and tab/CR/LF in attribute values:
      // only the plain form is read here.
      for (const char c : tag.seconds) {
        if (c == '&' || c == '\t' || c == '\r' || c == '\n') {
          return false;
        }
      }
      std::optional<std::uint64_t> value;
      if (!digits(trim_space(tag.seconds), value)
          || *value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return false;
      }
      out = static_cast<std::int64_t>(*value);
      return skip(tag, depth); // the text is not read
    }
    std::string_view text;
    if (!leaf(tag, text)) {
      return false;
    }
    auto value = parse_junos_elapsed(text);
    if (!value) {
      return false;
    }
    out = *value;
    return true;
  }

  bool read_peer_rib(const Tag& rib_tag, int depth, RibCounts& rib)
  {
    bool have_name = false;
    const bool ok = children(rib_tag, depth, [&](const Tag& c, int d) {
      const auto name = c.local;
      if (name == "name") {
        have_name = true;
        return text_field(c, rib.name);
      }
      if (name == "active-prefix-count") {
        return counter(c, rib.active);
      }
      if (name == "received-prefix-count") {
        return counter(c, rib.received);
      }
      if (name == "accepted-prefix-count") {
        return counter(c, rib.accepted);
      }
      if (name == "suppressed-prefix-count") {
        return counter(c, rib.suppressed);
      }
      if (name == "damped-prefix-count") {
        return counter(c, rib.damped);
      }
      return skip(c, d);
    });
    return ok && have_name && !rib.name.empty();
  }

  const char* m_begin;
  const char* m_p;
  const char* m_end;
  std::string m_scratch; // decoded text of the current field, when it needed decoding
};

} // namespace

std::optional<Summary> parse_junos_xml_stream(std::string_view xml)
{
  return StreamReader(xml).read();
}

bool same_summary(const Summary& a, const Summary& b)
{
  return a.groups == b.groups && a.peers == b.peers && a.down_peers == b.down_peers && a.sessions == b.sessions;
}

} // namespace bgpwatch::bgp
