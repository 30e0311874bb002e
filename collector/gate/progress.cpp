// collector/gate/progress.cpp: live table, change log and JSON Lines (see .hpp).
#include "collector/gate/progress.hpp"

#include "bgp/duration.hpp"
#include "bgp/timeparse.hpp"
#include "collector/render/json.hpp"
#include "collector/render/table.hpp"
#include "collector/render/json_text.hpp"

namespace bgpwatch::collector {

namespace {

std::string seconds_text(std::chrono::milliseconds d)
{
  return bgp::format_duration(std::chrono::duration_cast<std::chrono::seconds>(d));
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

} // namespace

Progress::Progress(ProgressMode mode, std::ostream& out) : m_mode(mode), m_out(out)
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
  std::vector<std::string> lines;
  lines.push_back("waiting for " + m_last.node.value_or("this node") + ": "
                  + std::string(verdict_word(m_last.verdict.overall)) + ", poll " + std::to_string(m_last.polls)
                  + ", elapsed " + seconds_text(m_elapsed) + ", remaining " + seconds_text(m_remaining));
  TextTable t({"ROUTER", "FAMILY", "ADDRESS", "STATE", "UPTIME", "SINCE", "VERDICT", "WHY"});
  for (const auto& v : m_last.verdict.sessions) {
    const bgp::Session* s = v.primary();
    t.add_row({v.expected.router, std::string(bgp::to_string(v.expected.family())), v.expected.address.to_string(),
               s != nullptr ? std::string(bgp::to_string(s->state)) : "Unknown",
               s != nullptr ? uptime_cell(s->uptime_seconds) : "-", since_when(v, m_last),
               std::string(bgp::to_string(v.readiness)), std::string(reason_phrase(v.reason))});
  }
  for (auto& l : t.lines()) {
    lines.push_back("  " + l);
  }
  // Move up over what we drew last time and overwrite it line by line.
  if (m_drawn_lines > 0) {
    m_out << "\x1b[" << m_drawn_lines << "A";
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
  m_out << std::flush;
}

void Progress::finish()
{
  if (m_mode == ProgressMode::live && m_drawn_lines > 0) {
    m_out << '\n' << std::flush;
  }
}

} // namespace bgpwatch::collector
