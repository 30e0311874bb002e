// collector/gate/progress.cpp: live table, change log and JSON Lines (see .hpp).
#include "collector/gate/progress.hpp"

#include "bgp/duration.hpp"
#include "bgp/timeparse.hpp"
#include "collector/render/ansi.hpp"
#include "collector/render/json.hpp"
#include "collector/render/table.hpp"
#include "collector/render/json_text.hpp"

namespace bgpwatch::collector {

namespace {

std::string seconds_text(std::chrono::milliseconds d)
{
  return bgp::format_elapsed(d);
}

std::string key_of(const bgp::SessionVerdict& v)
{
  return v.expected.router + " " + std::string(bgp::to_string(v.expected.family())) + " "
         + v.expected.address.to_string();
}

// "Established up 12s, 3 flaps" / "Active for 41s" / "Unknown".
std::string state_text(const bgp::SessionVerdict& v)
{
  const bgp::Session* s = v.primary();
  if (s == nullptr) {
    return "Unknown";
  }
  std::string out(bgp::to_string(s->state));
  if (s->uptime_seconds && *s->uptime_seconds >= 0) {
    out += " for " + bgp::format_uptime(*s->uptime_seconds);
  }
  if (s->flaps) {
    out += ", " + std::to_string(*s->flaps) + (*s->flaps == 1 ? " flap" : " flaps");
  }
  return out;
}

// "HH:MM:SS" (UTC) the session entered its state, "-" if unknown.
std::string since_when(const bgp::SessionVerdict& v, const GateReport& report)
{
  const bgp::Session* s = v.primary();
  if (s == nullptr || !s->uptime_seconds || *s->uptime_seconds < 0) {
    return "-";
  }
  bgp::WallClock::time_point sent = report.now;
  for (const auto& r : report.routers) {
    if (r.name == v.expected.router && r.ok) {
      sent = r.request_sent_at.value_or(r.polled_at);
    }
  }
  // Checked, and as the verdict judges it (session_came_up): an implausible
  // uptime shows "-", never a wrapped-around time.
  const auto came_up = bgp::session_came_up(sent, *s->uptime_seconds);
  if (!came_up) {
    return "-";
  }
  return bgp::format_rfc3339(*came_up).substr(11, 8);
}

std::string_view sgr_for(bgp::Readiness r) noexcept
{
  switch (r) {
  case bgp::Readiness::ready:
    return k_sgr_ready;
  case bgp::Readiness::not_ready:
    return k_sgr_not_ready;
  case bgp::Readiness::unknown:
    return k_sgr_unknown;
  }
  return k_sgr_unknown;
}

} // namespace

ProgressStyle terminal_style(ColorMode mode, int fd)
{
  return ProgressStyle{color_enabled(mode, fd), [fd] { return terminal_size(fd); }};
}

Progress::Progress(ProgressMode mode, std::ostream& out, ProgressStyle style)
  : m_mode(mode), m_out(out), m_style(std::move(style))
{
}

void Progress::on_poll(const GateReport& report, std::chrono::milliseconds remaining)
{
  m_last = report;
  m_have_last = true;
  m_elapsed = report.elapsed;
  m_remaining = remaining;
  switch (m_mode) {
  case ProgressMode::json:
    m_out << json_text(poll_event(report, remaining)) << '\n' << std::flush;
    return;
  case ProgressMode::live:
    draw();
    return;
  case ProgressMode::log:
    break;
  }
  const std::string stamp = bgp::format_rfc3339(report.now);
  for (const auto& v : report.verdict.sessions) {
    const std::string key = key_of(v);
    const bgp::Session* s = v.primary();
    // A change is a new state, a new verdict, or a flap; uptime ticking is not.
    const std::string signature = std::string(s != nullptr ? bgp::to_string(s->state) : "Unknown") + "|"
                                  + std::string(bgp::to_string(v.reason)) + "|"
                                  + (s != nullptr && s->flaps ? std::to_string(*s->flaps) : "-");
    const auto it = m_seen.find(key);
    if (it != m_seen.end() && it->second == signature) {
      continue;
    }
    m_out << stamp << " " << key << ": " << state_text(v) << " -> " << bgp::to_string(v.readiness);
    if (v.readiness != bgp::Readiness::ready) {
      m_out << " (" << reason_phrase(v.reason) << ")";
    }
    m_out << '\n';
    m_seen[key] = signature;
  }
  m_out << std::flush;
}

void Progress::tick(std::chrono::milliseconds elapsed, std::chrono::milliseconds remaining)
{
  if (m_mode != ProgressMode::live || !m_have_last) {
    return;
  }
  m_elapsed = elapsed;
  m_remaining = remaining;
  draw();
}

void Progress::draw()
{
  const auto paint_if = [&](std::string_view text, std::string_view sgr) {
    return m_style.color ? paint(text, sgr) : std::string(text);
  };
  std::vector<std::string> lines;
  lines.push_back("waiting for " + m_last.node.value_or("this node") + ": "
                  + paint_if(verdict_word(m_last.verdict.overall), sgr_for(m_last.verdict.overall)) + ", poll "
                  + std::to_string(m_last.polls) + ", elapsed " + seconds_text(m_elapsed) + ", remaining "
                  + seconds_text(m_remaining));
  TextTable t({"ROUTER", "FAMILY", "ADDRESS", "STATE", "UPTIME", "SINCE", "VERDICT", "WHY"});
  for (const auto& v : m_last.verdict.sessions) {
    const bgp::Session* s = v.primary();
    std::vector<std::string> sgr;
    if (m_style.color) {
      sgr.resize(8);
      sgr[6] = std::string(sgr_for(v.readiness));
    }
    t.add_row({v.expected.router, std::string(bgp::to_string(v.expected.family())), v.expected.address.to_string(),
               s != nullptr ? std::string(bgp::to_string(s->state)) : "Unknown",
               s != nullptr ? uptime_cell(s->uptime_seconds) : "-", since_when(v, m_last),
               std::string(bgp::to_string(v.readiness)), std::string(reason_phrase(v.reason))},
              std::move(sgr));
  }
  for (auto& l : t.lines()) {
    lines.push_back("  " + l);
  }

  // Fit the terminal: one row per line (the last column stays free, so no
  // terminal wraps at the margin), and no more lines than rows, or the
  // cursor cannot move back up over what scrolled away.
  const std::optional<TerminalSize> size = m_style.size ? m_style.size() : std::nullopt;
  if (size) {
    const std::size_t max_lines = size->rows > 1 ? size->rows - 1 : 1;
    if (lines.size() > max_lines) {
      const std::size_t keep = max_lines > 1 ? max_lines - 1 : 0;
      const std::size_t hidden = lines.size() - keep;
      lines.resize(keep);
      lines.push_back("  (" + std::to_string(hidden) + " more lines: the terminal is too short)");
    }
    const std::size_t columns = size->columns > 1 ? size->columns - 1 : 1;
    for (auto& l : lines) {
      l = fit_width(l, columns);
    }
  }

  // Move up over exactly what we drew last time. After a resize the old
  // lines may have been reflowed by the terminal: clear to the end of the
  // screen instead of overwriting line by line.
  const bool resized = m_drawn_lines > 0
                       && (m_drawn_size.has_value() != size.has_value()
                           || (size && m_drawn_size
                               && (size->columns != m_drawn_size->columns || size->rows != m_drawn_size->rows)));
  if (m_drawn_lines > 0) {
    m_out << "\x1b[" << m_drawn_lines << "A\r";
  }
  if (resized) {
    m_out << "\x1b[J";
  }
  for (const auto& l : lines) {
    m_out << "\r\x1b[2K" << l << '\n';
  }
  // If the table shrank, clear the leftovers.
  for (std::size_t i = lines.size(); i < m_drawn_lines; ++i) {
    m_out << "\r\x1b[2K\n";
  }
  if (m_drawn_lines > lines.size()) {
    m_out << "\x1b[" << (m_drawn_lines - lines.size()) << "A";
  }
  m_drawn_lines = lines.size();
  m_drawn_size = size;
  m_out << std::flush;
}

void Progress::finish()
{
  if (m_mode == ProgressMode::live && m_drawn_lines > 0) {
    m_out << '\n' << std::flush;
  }
}

} // namespace bgpwatch::collector
