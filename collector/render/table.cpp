// collector/render/table.cpp: the text table renderers.
#include "collector/render/table.hpp"

#include "bgp/duration.hpp"
#include "bgp/instant.hpp"
#include "bgp/timeparse.hpp"
#include "collector/render/ansi.hpp"

#include <algorithm>
#include <sstream>

namespace bgpwatch::collector {

TextTable::TextTable(std::vector<std::string> header) : m_header(std::move(header))
{
}

void TextTable::add_row(std::vector<std::string> cells, std::vector<std::string> sgr)
{
  cells.resize(m_header.size());
  sgr.resize(m_header.size());
  m_rows.push_back(std::move(cells));
  m_sgr.push_back(std::move(sgr));
}

std::vector<std::string> TextTable::lines() const
{
  std::vector<std::size_t> width(m_header.size());
  for (std::size_t c = 0; c < m_header.size(); ++c) {
    width[c] = m_header[c].size();
    for (const auto& row : m_rows) {
      width[c] = std::max(width[c], row[c].size());
    }
  }
  const std::vector<std::string> plain(m_header.size());
  auto line = [&](const std::vector<std::string>& cells, const std::vector<std::string>& sgr) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      out += paint(cells[c], sgr[c]);
      if (c + 1 < cells.size()) {
        out.append(width[c] - cells[c].size() + 2, ' ');
      }
    }
    while (!out.empty() && out.back() == ' ') {
      out.pop_back();
    }
    return out;
  };
  std::vector<std::string> out;
  out.push_back(line(m_header, plain));
  for (std::size_t r = 0; r < m_rows.size(); ++r) {
    out.push_back(line(m_rows[r], m_sgr[r]));
  }
  return out;
}

void TextTable::render(std::ostream& out) const
{
  for (const auto& l : lines()) {
    out << l << '\n';
  }
}

std::string uptime_cell(const std::optional<std::int64_t>& seconds)
{
  if (!seconds || *seconds < 0) {
    return "-";
  }
  return bgp::format_uptime(*seconds); // checked: a router's uptime may be any int64
}

namespace {

template <class T>
std::string cell(const std::optional<T>& v)
{
  return v ? std::to_string(*v) : std::string("-");
}

std::string count_text(const std::optional<std::uint64_t>& v, std::string_view what)
{
  return v ? std::to_string(*v) + " " + std::string(what) : "? " + std::string(what);
}

std::string prefixes_cell(const bgp::Session& s)
{
  // "Acc/Rcv" summed over RIBs; "-" when the source lists none.
  std::optional<std::uint64_t> received;
  for (const auto& r : s.ribs) {
    if (r.received) {
      received = received.value_or(0) + *r.received;
    }
  }
  const auto accepted = s.accepted_prefixes();
  if (!accepted && !received) {
    return "-";
  }
  return cell(accepted) + "/" + cell(received);
}

} // namespace

void render_parse_text(bgp::InputFormat format, const bgp::Summary& summary, std::ostream& out)
{
  out << to_string(format) << ": " << count_text(summary.groups, "groups") << ", "
      << count_text(summary.peers, "peers") << ", " << count_text(summary.down_peers, "down") << ", "
      << summary.sessions.size() << " sessions listed\n";
  TextTable t({"PEER", "AS", "STATE", "UPTIME", "FLAPS", "IN", "OUT", "OUTQ", "ACC/RCV", "INSTANCE", "DESCRIPTION"});
  for (const auto& s : summary.sessions) {
    t.add_row({s.address.to_string(), cell(s.peer_as), std::string(bgp::to_string(s.state)),
               uptime_cell(s.uptime_seconds), cell(s.flaps), cell(s.input_messages), cell(s.output_messages),
               cell(s.output_queue), prefixes_cell(s), s.instance.value_or("-"), s.description.value_or("-")});
  }
  t.render(out);
}

TextTable verdict_table(const GateReport& report)
{
  TextTable t({"ROUTER", "FAMILY", "ADDRESS", "AS", "STATE", "UPTIME", "FLAPS", "VERDICT", "WHY"});
  for (const auto& v : report.verdict.sessions) {
    const bgp::Session* s = v.primary();
    std::string address = v.expected.address.to_string();
    if (s != nullptr && s->instance && !s->instance->empty()) {
      address += " [" + *s->instance + "]";
    }
    t.add_row({v.expected.router, std::string(bgp::to_string(v.expected.family())), address,
               s != nullptr ? cell(s->peer_as) : "-",
               s != nullptr ? std::string(bgp::to_string(s->state)) : "Unknown",
               s != nullptr ? uptime_cell(s->uptime_seconds) : "-", s != nullptr ? cell(s->flaps) : "-",
               std::string(bgp::to_string(v.readiness)), std::string(reason_phrase(v.reason))});
  }
  return t;
}

void render_verdict_text(const GateReport& report, std::ostream& out)
{
  out << "node " << report.node.value_or("(this node)");
  if (report.site) {
    out << ", site " << *report.site;
  }
  out << ": " << report.verdict.sessions.size() << " expected session"
      << (report.verdict.sessions.size() == 1 ? "" : "s") << " (" << report.source << ", at "
      << bgp::format_rfc3339(report.now);
  if (report.since) {
    out << ", since " << bgp::format_rfc3339(*report.since);
  }
  out << ")\n";
  if (report.since_from) {
    out << "since: " << *report.since_from << '\n';
  }
  render_router_errors(report, out);
  verdict_table(report).render(out);
  out << "verdict: " << verdict_word(report.verdict.overall) << " (exit " << report.exit_code << ")";
  if (report.stopped) {
    out << ", " << *report.stopped;
  }
  out << '\n';
  for (const auto& r : report_reasons(report)) {
    out << "  " << r << '\n';
  }
}

void render_check_text(const GateReport& report, std::ostream& out)
{
  std::size_t ready = 0;
  for (const auto& v : report.verdict.sessions) {
    ready += v.readiness == bgp::Readiness::ready ? 1 : 0;
  }
  out << report.node.value_or("this node") << ": " << verdict_word(report.verdict.overall) << ", " << ready << "/"
      << report.verdict.sessions.size() << " expected sessions ready (exit " << report.exit_code << ")";
  if (report.since_from) {
    out << ", since " << (report.since ? bgp::format_rfc3339(*report.since) : std::string("-")) << " ("
        << *report.since_from << ")";
  }
  if (report.stopped) {
    out << ", " << *report.stopped;
  }
  out << '\n';
  render_router_errors(report, out);
  for (const auto& r : report_reasons(report)) {
    out << "  " << r << '\n';
  }
}

void render_router_errors(const GateReport& report, std::ostream& out)
{
  for (const auto& r : report.routers) {
    if (r.ok) {
      continue;
    }
    out << "router " << r.name;
    if (report.sources.size() > 1) {
      out << " (" << bgp::to_string(r.source) << ")";
    }
    out << ": unreadable: " << r.error << '\n';
  }
}

} // namespace bgpwatch::collector
