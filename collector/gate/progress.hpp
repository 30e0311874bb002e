// collector/gate/progress.hpp: what a person (or a program) sees while
// wait-established / gate wait. Three modes over the same GateReport:
//  - live: on a TTY, a table redrawn in place (one row per expected
//    session: router, family, address, state, uptime, since when, verdict)
//    under a line with elapsed / remaining time. Every line is cut to the
//    terminal's width and the table to its height, so each line takes
//    exactly one row and the redraw moves up by exactly what it drew; the
//    size is measured at every redraw (at most a second after SIGWINCH),
//    and a resize clears the old table before drawing the new one.
//    READY / NOT READY are coloured when the style says so;
//  - log: off a TTY, one line per session state change (and one per
//    session on the first poll), so logs show the story and nothing else;
//  - json: JSON Lines, {"event":"poll",...} per poll.
// The final report is rendered by the command, not here.
#pragma once

#include "collector/base/terminal.hpp"
#include "collector/render/model.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>

namespace bgpwatch::collector {

enum class ProgressMode { live, log, json };

struct ProgressStyle
{
  bool color = false; // colour READY / NOT READY / UNKNOWN (live mode)
  // The terminal's size at each redraw; empty function or empty answer =
  // unbounded (tests, or a terminal that reports no size).
  std::function<std::optional<TerminalSize>()> size;
};

// The style for drawing on `fd`: its size, and colour per `mode`.
ProgressStyle terminal_style(ColorMode mode, int fd);

class Progress
{
public:
  Progress(ProgressMode mode, std::ostream& out, ProgressStyle style = {});

  // After every poll.
  void on_poll(const GateReport& report, std::chrono::milliseconds remaining);
  // Between polls (live mode redraws the elapsed/remaining line).
  void tick(std::chrono::milliseconds elapsed, std::chrono::milliseconds remaining);
  // Before the final report: leave the live table in place.
  void finish();

private:
  void draw();

  ProgressMode m_mode;
  std::ostream& m_out;
  ProgressStyle m_style;
  std::optional<TerminalSize> m_drawn_size; // the size the last draw fitted
  GateReport m_last;
  bool m_have_last = false;
  std::size_t m_drawn_lines = 0;
  std::chrono::milliseconds m_elapsed{0};
  std::chrono::milliseconds m_remaining{0};
  // log mode: last (state, readiness, flaps) per session key.
  std::map<std::string, std::string> m_seen;
};

} // namespace bgpwatch::collector
