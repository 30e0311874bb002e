// collector/base/terminal.hpp: what bgpwatch asks of the terminal it draws
// on: its size (the live table measures it at every redraw, so a resize,
// SIGWINCH, is picked up within a second) and whether to use colour
// (--color=auto|always|never; auto honours NO_COLOR, https://no-color.org).
#pragma once

#include "bgp/expected.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bgpwatch::collector {

enum class ColorMode { auto_detect, always, never };

// "auto" | "always" | "never"; anything else is an error quoting the input.
Expected<ColorMode, std::string> parse_color_mode(std::string_view text);

// always: yes; never: no; auto: `fd` is a terminal, NO_COLOR is unset or
// empty, and TERM is not "dumb".
bool color_enabled(ColorMode mode, int fd);

struct TerminalSize
{
  unsigned columns = 0;
  unsigned rows = 0;
};

// The size of the terminal on `fd`; empty when it is not a terminal or the
// kernel reports 0 x 0 (a pty nobody sized).
std::optional<TerminalSize> terminal_size(int fd);

} // namespace bgpwatch::collector
