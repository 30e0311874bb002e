// collector/render/ansi.hpp: text for terminals. Widths count what a
// terminal shows: SGR escapes ("\x1b[31m") take no column, a UTF-8
// character takes one (bgpwatch prints no wide characters). Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bgpwatch::collector {

// SGR parameters for the verdict colours (ECMA-48): green, red, yellow.
inline constexpr std::string_view k_sgr_ready = "32";
inline constexpr std::string_view k_sgr_not_ready = "1;31";
inline constexpr std::string_view k_sgr_unknown = "33";

// "\x1b[<sgr>m" + text + "\x1b[0m"; text unchanged when sgr is empty.
std::string paint(std::string_view text, std::string_view sgr);

// Columns `text` takes on a terminal.
std::size_t display_width(std::string_view text) noexcept;

// `text` cut to at most `columns` columns: a line that would wrap cannot be
// redrawn in place. A cut line ends in "…" and, if it was inside a colour,
// a reset, so the colour does not leak into the next line.
std::string fit_width(std::string_view text, std::size_t columns);

} // namespace bgpwatch::collector
