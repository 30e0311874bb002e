// netconf/reply_scan.cpp: a one-pass well-formedness proof for plain
// <rpc-reply> documents (XML 1.0 productions cited inline). Soundness is
// all that matters here: every path that is not certain returns nullopt.
#include "netconf/reply_scan.hpp"

#include <array>
#include <cstddef>
#include <cstring>

namespace bgpwatch::netconf {

namespace {

// Byte classes (ASCII). Bytes >= 0x80 are taken only as UTF-8 in text,
// attribute values and comments (utf8_char); names stay ASCII; 0x7f and a
// BOM leave the fast path.
enum : unsigned char {
  k_text = 1,       // CharData (§2.4) byte needing no look-ahead: not < & ]
  k_attr = 2,       // AttValue (§3.1) byte: not < & nor either quote
  k_comment = 4,    // Comment (§2.5) byte: not -
  k_name_start = 8, // NameStartChar (§2.3), ASCII letters and _ only
  k_name = 16,      // NameChar (§2.3), ASCII letters, digits, _ : . -
  k_space = 32,     // S (§2.3)
};

constexpr std::array<unsigned char, 256> make_classes()
{
  std::array<unsigned char, 256> t{};
  for (int c = 0x20; c < 0x7f; ++c) {
    t[c] = k_text | k_attr | k_comment;
  }
  for (int c : {'\t', '\n', '\r'}) {
    t[c] = k_text | k_attr | k_comment | k_space;
  }
  t[' '] |= k_space;
  t['<'] &= ~(k_text | k_attr);
  t['&'] &= ~(k_text | k_attr);
  t[']'] &= ~k_text;
  t['"'] &= ~k_attr;
  t['\''] &= ~k_attr;
  t['-'] &= ~k_comment;
  for (int c = 'a'; c <= 'z'; ++c) {
    t[c] |= k_name_start | k_name;
    t[c - 'a' + 'A'] |= k_name_start | k_name;
  }
  for (int c = '0'; c <= '9'; ++c) {
    t[c] |= k_name;
  }
  t['_'] |= k_name_start | k_name;
  for (int c : {':', '.', '-'}) {
    t[c] |= k_name;
  }
  return t;
}

constexpr std::array<unsigned char, 256> k_classes = make_classes();

// Deeper than any reply (rpc-reply > bgp-information > bgp-peer > bgp-rib
// > name is 5); deeper documents take the expat path.
constexpr std::size_t k_max_depth = 64;
constexpr std::size_t k_max_attributes = 16;

// As inspect_reply matches names: the part after the first colon.
std::string_view local_name(std::string_view name) noexcept
{
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// Past one UTF-8 encoded XML Char (§2.2) at p, a byte >= 0x80, as expat
// takes it (XML_ParserCreate("UTF-8")): well-formed UTF-8 (RFC 3629: no
// overlong form, no surrogate, nothing above U+10FFFF) except U+FFFE and
// U+FFFF; nullptr when it is not. Out of line and by value, so the
// scanner's position stays in a register on the ASCII path.
[[gnu::noinline]] const char* utf8_xml_char(const char* p, const char* end) noexcept
{
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const auto left = static_cast<std::size_t>(end - p);
  const auto tail = [&](std::size_t n) {
    if (left <= n) {
      return false;
    }
    for (std::size_t i = 1; i <= n; ++i) {
      if ((u[i] & 0xc0) != 0x80) {
        return false;
      }
    }
    return true;
  };
  std::size_t n = 0;
  if (u[0] >= 0xc2 && u[0] <= 0xdf) {
    n = 1;
  } else if (u[0] >= 0xe0 && u[0] <= 0xef) {
    n = 2;
    if (tail(2) && ((u[0] == 0xe0 && u[1] < 0xa0) || (u[0] == 0xed && u[1] > 0x9f)
                    || (u[0] == 0xef && u[1] == 0xbf && u[2] > 0xbd))) {
      return nullptr;
    }
  } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
    n = 3;
    if (tail(3) && ((u[0] == 0xf0 && u[1] < 0x90) || (u[0] == 0xf4 && u[1] > 0x8f))) {
      return nullptr;
    }
  } else {
    return nullptr;
  }
  return tail(n) ? p + n + 1 : nullptr;
}

class PlainScanner
{
public:
  explicit PlainScanner(std::string_view xml) noexcept : m_p(xml.data()), m_end(xml.data() + xml.size())
  {
  }

  std::optional<PlainEnvelope> scan() noexcept
  {
    if (!declaration() || !misc() || !element_content()) {
      return std::nullopt;
    }
    // Misc* after the root (§2.1 document), then the end.
    if (!misc() || m_p != m_end) {
      return std::nullopt;
    }
    return m_envelope;
  }

private:
  bool is(unsigned char cls) const noexcept
  {
    return m_p < m_end && (k_classes[static_cast<unsigned char>(*m_p)] & cls) != 0;
  }

  bool at(std::string_view s) const noexcept
  {
    return static_cast<std::size_t>(m_end - m_p) >= s.size() && std::string_view(m_p, s.size()) == s;
  }

  // Past one UTF-8 character at m_p (a byte >= 0x80), or false.
  bool utf8_char() noexcept
  {
    const char* next = utf8_xml_char(m_p, m_end);
    if (next == nullptr) {
      return false;
    }
    m_p = next;
    return true;
  }

  bool non_ascii() const noexcept
  {
    return m_p < m_end && static_cast<unsigned char>(*m_p) >= 0x80;
  }

  bool space() noexcept
  {
    const char* from = m_p;
    while (is(k_space)) {
      ++m_p;
    }
    return m_p != from;
  }

  // The hottest loop (every tag has a name): a local cursor keeps it tight.
  bool name(std::string_view& out) noexcept
  {
    if (!is(k_name_start)) {
      return false;
    }
    const char* p = m_p + 1;
    while (p != m_end && (k_classes[static_cast<unsigned char>(*p)] & k_name) != 0) [[likely]] {
      ++p;
    }
    out = std::string_view(m_p, static_cast<std::size_t>(p - m_p));
    m_p = p;
    return true;
  }

  // XMLDecl (§2.8) only in the forms NETCONF servers write; any other
  // "<?" (another declaration, a PI) is left to expat.
  bool declaration() noexcept
  {
    for (std::string_view decl : {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
                                  "<?xml version=\"1.0\"?>"}) {
      if (at(decl)) {
        m_p += decl.size();
        return true;
      }
    }
    return true;
  }

  // Misc* (§2.1 without PI): whitespace and comments.
  bool misc() noexcept
  {
    for (;;) {
      space();
      if (!at("<!--")) {
        return true;
      }
      if (!comment()) {
        return false;
      }
    }
  }

  // Comment (§2.5): no "--" inside, not ending in "-".
  bool comment() noexcept
  {
    m_p += 4;
    for (;;) {
      while (is(k_comment)) {
        ++m_p;
      }
      if (non_ascii()) {
        if (!utf8_char()) {
          return false;
        }
        continue;
      }
      if (m_p == m_end || *m_p != '-') {
        return false; // end of input or a byte outside the subset
      }
      if (at("-->")) {
        m_p += 3;
        return true;
      }
      if (at("--")) {
        return false;
      }
      ++m_p;
    }
  }

  // Reference (§4.1) to one of the five predefined entities (§4.6); any
  // other (undeclared: there is no DTD) or a character reference: unsure.
  bool reference() noexcept
  {
    for (std::string_view ref : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
      if (at(ref)) {
        m_p += ref.size();
        return true;
      }
    }
    return false;
  }

  // STag / EmptyElemTag (§3.1), m_p at '<'. `empty` tells which.
  bool start_tag(std::string_view& tag, bool& empty, bool root) noexcept
  {
    ++m_p;
    if (!name(tag)) {
      return false;
    }
    auto& seen = m_attributes;
    std::size_t attributes = 0;
    for (;;) {
      const bool separated = space();
      if (at(">")) {
        ++m_p;
        empty = false;
        return true;
      }
      if (at("/>")) {
        m_p += 2;
        empty = true;
        return true;
      }
      // Attribute ::= Name Eq AttValue, after at least one S.
      std::string_view attribute;
      if (!separated || !name(attribute)) {
        return false;
      }
      // §3.1 WFC Unique Att Spec.
      for (std::size_t i = 0; i < attributes; ++i) {
        if (seen[i] == attribute) {
          return false;
        }
      }
      if (attributes == seen.size()) {
        return false;
      }
      seen[attributes++] = attribute;
      space();
      if (!at("=")) {
        return false;
      }
      ++m_p;
      space();
      if (!at("\"") && !at("'")) {
        return false;
      }
      const char quote = *m_p++;
      const char* from = m_p;
      bool literal = true; // no reference, no whitespace to normalise (§3.3.3)
      const char other_quote = quote == '"' ? '\'' : '"';
      for (;;) {
        if (m_p == m_end) {
          return false;
        }
        const char c = *m_p;
        if (c == quote) {
          break;
        }
        if (is(k_attr) || c == other_quote) {
          literal = literal && c != '\t' && c != '\n' && c != '\r';
          ++m_p;
        } else if (c == '&') {
          literal = false;
          if (!reference()) {
            return false;
          }
        } else if (non_ascii()) {
          if (!utf8_char()) {
            return false;
          }
        } else {
          return false; // '<' (§3.1 WFC No < in Attribute Values) or outside the subset
        }
      }
      const std::string_view value(from, static_cast<std::size_t>(m_p - from));
      ++m_p;
      if (root && attribute == "message-id") {
        if (!literal) {
          return false; // expat would hand over the normalised value: let it
        }
        m_envelope.message_id = value;
      }
    }
  }

  // The root element and everything in it (§3 element, §3.1 content).
  bool element_content() noexcept
  {
    auto& open = m_open;
    std::size_t depth = 0;
    if (!at("<")) {
      return false;
    }
    bool empty = false;
    if (!start_tag(m_envelope.root, empty, true)) {
      return false;
    }
    if (empty) {
      return true;
    }
    open[depth++] = m_envelope.root;
    while (depth > 0) {
      const char* p = m_p;
      while (p != m_end && (k_classes[static_cast<unsigned char>(*p)] & k_text) != 0) {
        ++p;
      }
      m_p = p;
      if (m_p == m_end) {
        return false;
      }
      switch (*m_p) {
      case ']':
        // §2.4: CharData must not contain "]]>".
        if (at("]]>")) {
          return false;
        }
        ++m_p;
        break;
      case '&':
        if (!reference()) {
          return false;
        }
        break;
      case '<':
        if (m_end - m_p > 1 && m_p[1] == '/') {
          // ETag (§3.1), WFC Element Type Match: the open name, then no
          // more name characters.
          m_p += 2;
          const std::string_view tag = open[depth - 1];
          if (static_cast<std::size_t>(m_end - m_p) <= tag.size() || std::memcmp(m_p, tag.data(), tag.size()) != 0) {
            return false;
          }
          m_p += tag.size();
          if (is(k_name)) {
            return false;
          }
          if (*m_p != '>') {
            space();
            if (!at(">")) {
              return false;
            }
          }
          ++m_p;
          --depth;
        } else if (at("<!--")) {
          if (!comment()) {
            return false;
          }
        } else {
          // CDATA sections and PIs ("<![", "<?") are left to expat.
          std::string_view tag;
          if (!start_tag(tag, empty, false)) {
            return false;
          }
          // The children inspect_reply reads need the full scan.
          if (depth == 1 && (local_name(tag) == "rpc-error" || local_name(tag) == "ok")) {
            return false;
          }
          if (!empty) {
            if (depth == open.size()) {
              return false;
            }
            open[depth++] = tag;
          }
        }
        break;
      default:
        if (!non_ascii() || !utf8_char()) {
          return false; // a control character, 0x7f or bad UTF-8
        }
      }
    }
    return true;
  }

  const char* m_p;
  const char* m_end;
  PlainEnvelope m_envelope;
  std::array<std::string_view, k_max_attributes> m_attributes; // of the tag being read
  std::array<std::string_view, k_max_depth> m_open;             // names of the open elements
};

} // namespace

std::optional<PlainEnvelope> scan_plain_reply(std::string_view xml) noexcept
{
  return PlainScanner(xml).scan();
}

} // namespace bgpwatch::netconf
