// collector/roll/progress.cpp: live table and JSON Lines (see progress.hpp).
#include "collector/roll/progress.hpp"

#include "bgp/duration.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace bgpwatch::collector {

namespace {

std::string elapsed_text(std::chrono::steady_clock::duration d)
{
  // Issue 16: the one elapsed-time spelling of every command ("4m28s").
  return bgp::format_elapsed(std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

std::string pad(std::string s, std::size_t w)
{
  if (s.size() < w) {
    s.append(w - s.size(), ' ');
  }
  return s;
}

} // namespace

RollProgress::RollProgress(RollProgressMode mode, std::ostream& out, std::ostream& err, std::vector<std::string> nodes)
  : m_mode(mode), m_out(out), m_err(err), m_nodes(std::move(nodes))
{
  for (const auto& n : m_nodes) {
    m_rows[n];
  }
}

void RollProgress::header(const RollHeader& h)
{
  std::lock_guard<std::mutex> g(m_mutex);
  if (m_mode == RollProgressMode::json) {
    m_out << format_header(h, AuditClock::now()) << std::flush;
    return;
  }
  m_banner = "roll of " + h.site + " (" + std::to_string(h.nodes.size()) + " nodes, "
             + std::to_string(h.max_unavailable) + " at a time), lock owner " + h.owner;
  draw();
}

void RollProgress::step(const StepRecord& r)
{
  std::lock_guard<std::mutex> g(m_mutex);
  if (m_mode == RollProgressMode::json) {
    m_out << format_step(r, AuditClock::now()) << std::flush;
    return;
  }
  Row& row = m_rows[r.node];
  row.step = std::string(to_string(r.step));
  row.verdict = r.verdict == StepVerdict::started ? "" : std::string(to_string(r.verdict));
  row.detail = r.detail;
  if (r.verdict == StepVerdict::started) {
    row.since = std::chrono::steady_clock::now();
  }
  if (r.step == RollStep::done) {
    row.since.reset();
  }
  clear();
  draw();
}

void RollProgress::preflight_wait(const std::string& blocking, const std::string& why, std::chrono::milliseconds left)
{
  std::lock_guard<std::mutex> g(m_mutex);
  if (m_mode == RollProgressMode::json) {
    m_out << nlohmann::json{{"event", "preflight_wait"},
                            {"time", rfc3339_ms(AuditClock::now())},
                            {"blocking_node", blocking},
                            {"why", why},
                            {"seconds_left", left.count() / 1000}}
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
          << "\n"
          << std::flush;
    return;
  }
  m_banner = "pre-flight: waiting for " + blocking + " (" + why + "), " + std::to_string(left.count() / 1000)
             + "s left";
  clear();
  draw();
}

void RollProgress::output(const std::string& node, const std::string& line)
{
  std::lock_guard<std::mutex> g(m_mutex);
  if (m_mode == RollProgressMode::live) {
    clear();
  }
  m_err << "[" << node << "] " << line << "\n" << std::flush;
  if (m_mode == RollProgressMode::live) {
    draw();
  }
}

void RollProgress::note(const std::string& line)
{
  std::lock_guard<std::mutex> g(m_mutex);
  if (m_mode == RollProgressMode::live) {
    clear();
  }
  m_err << "bgpwatch roll: " << line << "\n" << std::flush;
  if (m_mode == RollProgressMode::live) {
    draw();
  }
}

void RollProgress::tick()
{
  std::lock_guard<std::mutex> g(m_mutex);
  if (m_mode == RollProgressMode::live) {
    clear();
    draw();
  }
}

void RollProgress::result(const RollResult& r)
{
  std::lock_guard<std::mutex> g(m_mutex);
  if (m_mode == RollProgressMode::json) {
    m_out << format_result(r, AuditClock::now()) << std::flush;
    return;
  }
  clear();
  draw();
  m_drawn = 0; // leave the table on screen
  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& n : v) {
      s += (s.empty() ? "" : ", ") + n;
    }
    return s.empty() ? std::string("none") : s;
  };
  m_out << "done (" << r.done.size() << "): " << list(r.done) << "\n"
        << "not done (" << r.not_done.size() << "): " << list(r.not_done) << "\n"
        << "roll of " << r.site << ": " << (r.exit == 0 ? "complete" : "stopped") << " (exit " << r.exit << ")\n"
        << std::flush;
}

void RollProgress::clear()
{
  if (m_mode != RollProgressMode::live || m_drawn == 0) {
    return;
  }
  // Up to the first line of the table and erase to the end of the screen.
  m_out << "\x1b[" << m_drawn << "F\x1b[J";
  m_drawn = 0;
}

void RollProgress::draw()
{
  if (m_mode != RollProgressMode::live) {
    return;
  }
  std::size_t w = 4;
  for (const auto& n : m_nodes) {
    w = std::max(w, n.size());
  }
  m_out << m_banner << "\n" << pad("NODE", w + 2) << pad("STEP", 11) << pad("ELAPSED", 9) << pad("VERDICT", 13)
        << "DETAIL\n";
  m_drawn = 2;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& n : m_nodes) {
    const Row& row = m_rows[n];
    m_out << pad(n, w + 2) << pad(row.step, 11) << pad(row.since ? elapsed_text(now - *row.since) : "-", 9)
          << pad(row.verdict, 13) << row.detail.substr(0, 100) << "\n";
    ++m_drawn;
  }
  m_out << std::flush;
}

} // namespace bgpwatch::collector
