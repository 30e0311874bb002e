// collector/roll/progress.hpp: what the operator sees during a roll.
//  - live (stdout is a terminal): a table redrawn in place, one row per node
//    (NODE STEP ELAPSED VERDICT DETAIL), CMD output scrolling above it. Like
//    the gate's table (gate/progress.hpp), every line is cut to the
//    terminal's width (the last column stays free) and the table to its
//    height (rows around the first unfinished node are kept), so the redraw
//    moves up by exactly what it drew. The size is measured at every redraw;
//    with start_redraws() a thread redraws every second (elapsed times, also
//    while the node is being waited for) and within 200 ms of a resize
//    (SIGWINCH), clearing the old table first;
//  - json (otherwise, or --format json): JSON Lines on stdout, the same records
//    as the audit file ({"event":"roll"|"step"|"result",…}) plus
//    {"event":"preflight_wait",…} while the rest of the site is not ready.
// CMD's own output always goes to stderr, each line prefixed "[node] ".
#pragma once

#include "collector/base/terminal.hpp"
#include "collector/roll/audit.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace bgpwatch::collector {

enum class RollProgressMode { live, json };

class RollProgress
{
public:
  // `size`: the terminal's size at each redraw (live mode); an empty
  // function or answer = unbounded (tests, a terminal that reports no size).
  RollProgress(RollProgressMode mode, std::ostream& out, std::ostream& err, std::vector<std::string> nodes,
               std::function<std::optional<TerminalSize>()> size = {});
  ~RollProgress();
  RollProgress(const RollProgress&) = delete;
  RollProgress& operator=(const RollProgress&) = delete;

  // Live mode: redraw from a thread, every second and on a resize, until
  // result() or destruction. No effect in json mode.
  void start_redraws();

  void header(const RollHeader& h);
  void step(const StepRecord& r);
  void preflight_wait(const std::string& blocking_node, const std::string& why, std::chrono::milliseconds left);
  void output(const std::string& node, const std::string& line); // CMD output
  void note(const std::string& line);                            // a line for people (stderr)
  void tick();                                                   // live: redraw elapsed times
  void result(const RollResult& r);

private:
  void draw();
  void clear();
  std::vector<std::string> table_lines(const std::optional<TerminalSize>& size);
  void redraw_loop();

  struct Row
  {
    std::string step = "pending";
    std::string verdict;
    std::string detail;
    std::optional<std::chrono::steady_clock::time_point> since;
  };
  RollProgressMode m_mode;
  std::ostream& m_out;
  std::ostream& m_err;
  std::vector<std::string> m_nodes;
  std::map<std::string, Row> m_rows;
  std::string m_banner;
  std::size_t m_drawn = 0;                 // lines of the table on screen
  std::vector<std::size_t> m_drawn_widths; // their widths, for a resize
  std::function<std::optional<TerminalSize>()> m_size;
  std::optional<TerminalSize> m_drawn_size;
  std::chrono::steady_clock::time_point m_drawn_at{};
  bool m_finished = false;
  bool m_stop = false;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::thread m_redraws;
};

} // namespace bgpwatch::collector
