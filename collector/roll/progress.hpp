// collector/roll/progress.hpp: what the operator sees during a roll.
//  - live (stdout is a terminal): a table redrawn in place, one row per node
//    (NODE STEP ELAPSED VERDICT DETAIL), CMD output scrolling above it;
//  - json (otherwise, or --format json): JSON Lines on stdout, the same records
//    as the audit file ({"event":"roll"|"step"|"result",…}) plus
//    {"event":"preflight_wait",…} while the rest of the site is not ready.
// CMD's own output always goes to stderr, each line prefixed "[node] ".
#pragma once

#include "collector/roll/audit.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace bgpwatch::collector {

enum class RollProgressMode { live, json };

class RollProgress
{
public:
  RollProgress(RollProgressMode mode, std::ostream& out, std::ostream& err, std::vector<std::string> nodes);

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
  std::size_t m_drawn = 0;
  std::mutex m_mutex;
};

} // namespace bgpwatch::collector
