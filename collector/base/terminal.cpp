// collector/base/terminal.cpp: terminal size and colour (see .hpp).
#include "collector/base/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace bgpwatch::collector {

Expected<ColorMode, std::string> parse_color_mode(std::string_view text)
{
  if (text == "auto") {
    return ColorMode::auto_detect;
  }
  if (text == "always") {
    return ColorMode::always;
  }
  if (text == "never") {
    return ColorMode::never;
  }
  return Unexpected("unknown colour mode '" + std::string(text) + "' (auto, always or never)");
}

bool color_enabled(ColorMode mode, int fd)
{
  switch (mode) {
  case ColorMode::always:
    return true;
  case ColorMode::never:
    return false;
  case ColorMode::auto_detect:
    break;
  }
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') {
    return false;
  }
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) {
    return false;
  }
  return ::isatty(fd) == 1;
}

std::optional<TerminalSize> terminal_size(int fd)
{
  struct winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 || ws.ws_row == 0) {
    return std::nullopt;
  }
  return TerminalSize{ws.ws_col, ws.ws_row};
}

} // namespace bgpwatch::collector
