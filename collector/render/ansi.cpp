// collector/render/ansi.cpp: terminal text widths and colour (see .hpp).
#include "collector/render/ansi.hpp"

namespace bgpwatch::collector {

namespace {

// Length of the CSI sequence ("\x1b[" params final-byte) at text[i], or 0.
std::size_t escape_length(std::string_view text, std::size_t i) noexcept
{
  if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[') {
    return 0;
  }
  std::size_t j = i + 2;
  while (j < text.size() && !(text[j] >= 0x40 && text[j] <= 0x7e)) {
    ++j;
  }
  return j < text.size() ? j - i + 1 : text.size() - i;
}

bool is_continuation(char c) noexcept
{
  return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

} // namespace

std::string paint(std::string_view text, std::string_view sgr)
{
  if (sgr.empty()) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + sgr.size() + 7);
  out.append("\x1b[").append(sgr).append("m").append(text).append("\x1b[0m");
  return out;
}

std::size_t display_width(std::string_view text) noexcept
{
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t esc = escape_length(text, i)) {
      i += esc;
      continue;
    }
    if (!is_continuation(text[i])) {
      ++width;
    }
    ++i;
  }
  return width;
}

std::string fit_width(std::string_view text, std::size_t columns)
{
  if (display_width(text) <= columns) {
    return std::string(text);
  }
  std::string out;
  if (columns == 0) {
    return out;
  }
  bool coloured = false;
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t esc = escape_length(text, i)) {
      const std::string_view seq = text.substr(i, esc);
      coloured = !(seq == "\x1b[0m" || seq == "\x1b[m");
      out.append(seq);
      i += esc;
      continue;
    }
    std::size_t len = 1;
    while (i + len < text.size() && is_continuation(text[i + len])) {
      ++len;
    }
    // Keep one column for the ellipsis.
    if (width + 1 >= columns) {
      break;
    }
    out.append(text.substr(i, len));
    ++width;
    i += len;
  }
  out.append("…");
  if (coloured) {
    out.append("\x1b[0m");
  }
  return out;
}

} // namespace bgpwatch::collector
