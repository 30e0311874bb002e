// collector/gate/progress.hpp: what a person (or a program) sees while
// wait-established / gate wait. Three modes over the same GateReport:
//  - live: on a TTY, a table redrawn in place (one row per expected
//    session: router, family, address, state, uptime, since when, verdict)
//    under a line with elapsed / remaining time;
//  - log: off a TTY, one line per session state change (and one per
//    session on the first poll), so logs show the story and nothing else;
//  - json: JSON Lines, {"event":"poll",...} per poll.
// The final report is rendered by the command, not here.
#pragma once

#include "collector/render/model.hpp"

#include <chrono>
#include <map>
#include <ostream>
#include <string>

namespace bgpwatch::collector {

enum class ProgressMode { live, log, json };

class Progress
{
public:
  Progress(ProgressMode mode, std::ostream& out);

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
  GateReport m_last;
  bool m_have_last = false;
  std::size_t m_drawn_lines = 0;
  std::chrono::milliseconds m_elapsed{0};
  std::chrono::milliseconds m_remaining{0};
  // log mode: last (state, readiness, flaps) per session key.
  std::map<std::string, std::string> m_seen;
};

} // namespace bgpwatch::collector
