// bgp/detect.cpp: content-based format detection (see detect.hpp).
#include "bgp/detect.hpp"

#include "bgp/session.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace bgpwatch::bgp {

namespace {

bool has_pcap_magic(std::string_view c) noexcept
{
  if (c.size() < 4) {
    return false;
  }
  // libpcap: a1b2c3d4 (us) / a1b23c4d (ns) in either byte order; pcapng:
  // Section Header Block type 0a0d0d0a.
  constexpr std::array<std::array<unsigned char, 4>, 5> k_magics{{
    {0xa1, 0xb2, 0xc3, 0xd4},
    {0xd4, 0xc3, 0xb2, 0xa1},
    {0xa1, 0xb2, 0x3c, 0x4d},
    {0x4d, 0x3c, 0xb2, 0xa1},
    {0x0a, 0x0d, 0x0d, 0x0a},
  }};
  for (const auto& m : k_magics) {
    if (std::memcmp(c.data(), m.data(), 4) == 0) {
      return true;
    }
  }
  return false;
}

bool is_space(char c) noexcept
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) noexcept
{
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_xml(std::string_view c) noexcept
{
  if (c.starts_with("\xEF\xBB\xBF")) {
    c.remove_prefix(3);
  }
  bool declared = false;
  for (;;) {
    c = trim(c);
    if (c.starts_with("<?")) {
      declared = declared || c.starts_with("<?xml");
      const auto end = c.find("?>");
      if (end == std::string_view::npos) {
        return false;
      }
      c.remove_prefix(end + 2);
    } else if (c.starts_with("<!--")) {
      const auto end = c.find("-->");
      if (end == std::string_view::npos) {
        return false;
      }
      c.remove_prefix(end + 3);
    } else {
      break;
    }
  }
  if (!c.starts_with("<")) {
    return false;
  }
  c.remove_prefix(1);
  std::size_t n = 0;
  while (n < c.size() && !is_space(c[n]) && c[n] != '>' && c[n] != '/') {
    ++n;
  }
  std::string_view name = c.substr(0, n);
  const auto colon = name.rfind(':');
  if (colon != std::string_view::npos) {
    name.remove_prefix(colon + 1);
  }
  if (name == "rpc-reply" || name == "bgp-information" || name == "multi-routing-engine-results") {
    return true;
  }
  // Another XML document (declared, or a Junos-style hyphenated or prefixed
  // root such as <route-information>): still XML, so the XML parser can say
  // precisely that the root is wrong. A bare <b> (HTML bold around a pasted
  // command) is not.
  return declared || name.find('-') != std::string_view::npos || colon != std::string_view::npos;
}

// Words of a line, split on blanks.
template <class F>
void for_each_word(std::string_view line, F&& f)
{
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
      ++i;
    }
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') {
      ++j;
    }
    if (j > i) {
      f(line.substr(i, j - i));
    }
    i = j;
  }
}

bool starts_with_words(std::string_view line, std::initializer_list<std::string_view> words) noexcept
{
  auto it = words.begin();
  bool ok = true;
  for_each_word(line, [&](std::string_view w) {
    if (it == words.end() || !ok) {
      return;
    }
    ok = w == *it;
    ++it;
  });
  return ok && it == words.end();
}

bool is_bird_line(std::string_view line) noexcept
{
  // Control-socket replies prefix each line with a 4-digit code and '-' or
  // ' ' (BIRD doc/reply_codes): "0001 BIRD 1.6.8 ready.", "2002-name ...".
  std::string_view body = line;
  if (line.size() >= 5 && (line[4] == '-' || line[4] == ' ')) {
    bool digits = true;
    for (std::size_t k = 0; k < 4; ++k) {
      digits = digits && line[k] >= '0' && line[k] <= '9';
    }
    if (digits) {
      body = line.substr(5);
    }
  }
  if (body.starts_with("BIRD ") && body.find("ready.") != std::string_view::npos) {
    return true;
  }
  return starts_with_words(body, {"name", "proto", "table", "state", "since", "info"})
         || starts_with_words(body, {"Name", "Proto", "Table", "State", "Since", "Info"});
}

bool is_junos_text_line(std::string_view line) noexcept
{
  const auto t = trim(line);
  if (t.starts_with("Groups:") && t.find("Peers:") != std::string_view::npos) {
    return true;
  }
  if (starts_with_words(t, {"Peer", "AS", "InPkt"})) {
    return true;
  }
  if (t.find("show bgp summary") != std::string_view::npos) {
    return true;
  }
  // A Junos CLI prompt with a command ("user@cr1-eqiad> show route"): a
  // paste, so the text parser can say which command it is not.
  std::string_view first;
  for_each_word(t, [&](std::string_view w) {
    if (first.empty()) {
      first = w;
    }
  });
  const auto at = first.find('@');
  return at != std::string_view::npos && at > 0 && first.size() > at + 2
         && (first.back() == '>' || first.back() == '#') && first != t;
}

// The start tag of the first <bgp-peer> (any prefix) and what follows up to
// its end tag (bounded), or empty when there is none.
std::string_view first_peer(std::string_view c) noexcept
{
  for (std::size_t at = c.find("bgp-peer"); at != std::string_view::npos; at = c.find("bgp-peer", at + 1)) {
    // "<bgp-peer" or "<junos:bgp-peer", not "</bgp-peer" or "<x-bgp-peer".
    if (at == 0 || (c[at - 1] != '<' && c[at - 1] != ':')) {
      continue;
    }
    const std::size_t after = at + 8;
    if (after < c.size() && (c[after] == '>' || is_space(c[after]) || c[after] == '/')) {
      const auto end = c.find("bgp-peer>", after);
      constexpr std::size_t k_max_peer_bytes = 64u << 10;
      const auto len = end == std::string_view::npos ? std::min(c.size() - at, k_max_peer_bytes) : end - at;
      return c.substr(at, len);
    }
  }
  return {};
}

bool is_detail_peer(std::string_view peer) noexcept
{
  const auto tag_end = peer.find('>');
  const auto tag = peer.substr(0, tag_end);
  if (tag.find("style=\"detail\"") != std::string_view::npos || tag.find("style='detail'") != std::string_view::npos) {
    return true;
  }
  for (const std::string_view element : {"peer-flags>", "last-state>", "peer-type>", "local-address>",
                                         "bgp-option-information>"}) {
    if (peer.find(element) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

bool is_neighbor_text(std::string_view content) noexcept
{
  constexpr std::size_t k_max_lines = 64;
  std::string_view rest = content;
  for (std::size_t lines = 0; !rest.empty() && lines < k_max_lines; ++lines) {
    const auto nl = rest.find('\n');
    const auto t = trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (t.empty() || (t.front() == '{' && t.back() == '}') || t.starts_with("[edit")) {
      continue;
    }
    std::vector<std::string_view> words;
    for_each_word(t, [&](std::string_view w) {
      if (words.size() < 4) {
        words.push_back(w);
      }
    });
    if (words.size() >= 4 && words[0] == "Peer:" && words[2] == "AS") {
      auto address = words[1].substr(0, words[1].rfind('+'));
      return Address::parse(address).has_value();
    }
    // A prompt and/or the command: keep looking.
    std::size_t i = 0;
    if (words[0].back() == '>' || words[0].back() == '#') {
      i = 1;
    }
    if (i < words.size() && words[i] == "run") {
      ++i;
    }
    if (i == words.size()) {
      continue;
    }
    if (i + 2 < words.size() && words[i].starts_with("sh") && words[i + 1] == "bgp" && words[i + 2].starts_with("nei")) {
      continue;
    }
    return false;
  }
  return false;
}

} // namespace

std::string_view to_string(NeighborFormat format) noexcept
{
  switch (format) {
  case NeighborFormat::junos_neighbor_xml:
    return "junos-neighbor-xml";
  case NeighborFormat::junos_neighbor_text:
    return "junos-neighbor-text";
  case NeighborFormat::none:
    return "none";
  }
  return "none";
}

namespace {
InputFormat detect_base(std::string_view content) noexcept;
}

NeighborFormat detect_neighbor_format(std::string_view content) noexcept
{
  const auto format = detect_base(content);
  if (format == InputFormat::junos_xml) {
    const auto peer = first_peer(content);
    return !peer.empty() && is_detail_peer(peer) ? NeighborFormat::junos_neighbor_xml : NeighborFormat::none;
  }
  if (format == InputFormat::pcap || content.find('\0') != std::string_view::npos) {
    return NeighborFormat::none;
  }
  return is_neighbor_text(content) ? NeighborFormat::junos_neighbor_text : NeighborFormat::none;
}

std::string_view to_string(InputFormat format) noexcept
{
  switch (format) {
  case InputFormat::junos_xml:
    return "junos-xml";
  case InputFormat::junos_text:
    return "junos-text";
  case InputFormat::bird:
    return "bird";
  case InputFormat::pcap:
    return "pcap";
  case InputFormat::unknown:
    return "unknown";
  case InputFormat::junos_neighbor_xml:
    return "junos-neighbor-xml";
  case InputFormat::junos_neighbor_text:
    return "junos-neighbor-text";
  }
  return "unknown";
}

InputFormat detect_format(std::string_view content) noexcept
{
  switch (detect_neighbor_format(content)) {
  case NeighborFormat::junos_neighbor_xml:
    return InputFormat::junos_neighbor_xml;
  case NeighborFormat::junos_neighbor_text:
    return InputFormat::junos_neighbor_text;
  case NeighborFormat::none:
    break;
  }
  return detect_base(content);
}

namespace {

InputFormat detect_base(std::string_view content) noexcept
{
  if (has_pcap_magic(content)) {
    return InputFormat::pcap;
  }
  if (is_xml(content)) {
    return InputFormat::junos_xml;
  }
  // Text: look at the first lines only (a summary's markers come first;
  // bounded so a huge file is not scanned twice).
  constexpr std::size_t k_max_lines = 64;
  std::string_view rest = content;
  std::size_t lines = 0;
  bool first_nonblank = true;
  while (!rest.empty() && lines < k_max_lines) {
    const auto nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++lines;
    if (line.find('\0') != std::string_view::npos) {
      return InputFormat::unknown; // binary junk
    }
    if (is_bird_line(line)) {
      return InputFormat::bird;
    }
    if (is_junos_text_line(line)) {
      return InputFormat::junos_text;
    }
    const auto t = trim(line);
    if (t.empty()) {
      continue;
    }
    if (first_nonblank) {
      first_nonblank = false;
      std::string_view word;
      for_each_word(t, [&](std::string_view w) {
        if (word.empty()) {
          word = w;
        }
      });
      if (Address::parse(word)) {
        return InputFormat::junos_text;
      }
    }
  }
  return InputFormat::unknown;
}

} // namespace

} // namespace bgpwatch::bgp
