// collector/roll/progress.cpp: live table and JSON Lines (see progress.hpp).
#include "collector/roll/progress.hpp"

#include "collector/render/ansi.hpp"
#include "bgp/duration.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
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

RollProgress::RollProgress(RollProgressMode mode, std::ostream& out, std::ostream& err, std::vector<std::string> nodes,
                           std::function<std::optional<TerminalSize>()> size)
  : m_mode(mode), m_out(out), m_err(err), m_nodes(std::move(nodes)), m_size(std::move(size))
{
  for (const auto& n : m_nodes) {
    m_rows[n];
  }
}

RollProgress::~RollProgress()
{
  {
    std::lock_guard<std::mutex> g(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_redraws.joinable()) {
    m_redraws.join();
  }
}

void RollProgress::start_redraws()
{
  if (m_mode != RollProgressMode::live || m_redraws.joinable()) {
    return;
  }
  m_redraws = std::thread([this] { redraw_loop(); });
}

void RollProgress::redraw_loop()
{
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_stop && !m_finished) {
    m_wake.wait_for(lock, std::chrono::milliseconds(200));
    if (m_stop || m_finished || m_banner.empty()) {
      continue; // nothing drawn yet (before header()) or nothing to draw any more
    }
    // Measured every 200 ms: a resize is redrawn at once, elapsed times every second.
    const std::optional<TerminalSize> size = m_size ? m_size() : std::nullopt;
    const bool resized = m_drawn_size.has_value() != size.has_value()
                         || (size && m_drawn_size
                             && (size->columns != m_drawn_size->columns || size->rows != m_drawn_size->rows));
    if (resized || std::chrono::steady_clock::now() - m_drawn_at >= std::chrono::seconds(1)) {
      clear();
      draw();
    }
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
  m_finished = true;
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
  // After a resize to fewer columns, a terminal that reflows (tmux, VTE,
  // kitty...) has wrapped each old line longer than the new width over
  // several rows: move up over those rows too. (One that does not reflow
  // loses a few lines of CMD output above the table from the screen.)
  std::size_t rows = m_drawn;
  if (const std::optional<TerminalSize> now = m_size ? m_size() : std::nullopt; now && now->columns > 0) {
    rows = 0;
    for (std::size_t w : m_drawn_widths) {
      rows += w > now->columns ? (w + now->columns - 1) / now->columns : 1;
    }
  }
  m_out << "\x1b[" << rows << "F\x1b[J";
  m_drawn = 0;
  m_drawn_widths.clear();
}

std::vector<std::string> RollProgress::table_lines(const std::optional<TerminalSize>& size)
{
  std::size_t w = 4;
  for (const auto& n : m_nodes) {
    w = std::max(w, n.size());
  }
  std::vector<std::string> lines;
  lines.push_back(m_banner);
  lines.push_back(pad("NODE", w + 2) + pad("STEP", 11) + pad("ELAPSED", 9) + pad("VERDICT", 13) + "DETAIL");
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::string> rows;
  std::size_t first_open = m_nodes.size(); // the first node not done: the one the roll is at
  for (std::size_t i = 0; i < m_nodes.size(); ++i) {
    const Row& row = m_rows[m_nodes[i]];
    if (first_open == m_nodes.size() && row.step != "done") {
      first_open = i;
    }
    rows.push_back(pad(m_nodes[i], w + 2) + pad(row.step, 11) + pad(row.since ? elapsed_text(now - *row.since) : "-", 9)
                   + pad(row.verdict, 13) + row.detail.substr(0, 100));
  }
  // No more lines than rows (less one), or the cursor cannot move back up
  // over what scrolled away: keep a window of rows that starts just before
  // the node the roll is at, and say how many are hidden.
  const std::size_t max_lines = size ? (size->rows > 1 ? size->rows - 1 : 1) : SIZE_MAX;
  if (lines.size() + rows.size() <= max_lines) {
    lines.insert(lines.end(), rows.begin(), rows.end());
  } else {
    const std::size_t room = max_lines > lines.size() + 1 ? max_lines - lines.size() - 1 : 0;
    const std::size_t start = std::min(first_open > 0 ? first_open - 1 : 0, rows.size() - std::min(room, rows.size()));
    const std::size_t end = std::min(rows.size(), start + room);
    lines.insert(lines.end(), rows.begin() + static_cast<std::ptrdiff_t>(start),
                 rows.begin() + static_cast<std::ptrdiff_t>(end));
    lines.push_back("(" + std::to_string(start) + " nodes above, " + std::to_string(rows.size() - end)
                    + " below: the terminal is too short)");
    if (lines.size() > max_lines) {
      lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(lines.size() - max_lines));
    }
  }
  if (size) {
    const std::size_t columns = size->columns > 1 ? size->columns - 1 : 1;
    for (auto& l : lines) {
      l = fit_width(l, columns);
    }
  }
  return lines;
}

void RollProgress::draw()
{
  if (m_mode != RollProgressMode::live) {
    return;
  }
  const std::optional<TerminalSize> size = m_size ? m_size() : std::nullopt;
  for (const auto& l : table_lines(size)) {
    m_out << l << "\n";
    ++m_drawn;
    m_drawn_widths.push_back(display_width(l));
  }
  m_drawn_size = size;
  m_drawn_at = std::chrono::steady_clock::now();
  m_out << std::flush;
}

} // namespace bgpwatch::collector
