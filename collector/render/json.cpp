// collector/render/json.cpp: JSON renderers (nlohmann_json).
#include "collector/render/json.hpp"

#include "bgp/timeparse.hpp"
#include "collector/render/session_json.hpp"
#include "collector/render/json_text.hpp"

namespace bgpwatch::collector {

namespace {

template <class T>
nlohmann::json opt(const std::optional<T>& v)
{
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// When the verdict's router was read in this report (for the stale-route budget).
std::optional<bgp::WallClock::time_point> polled_at_of(const GateReport& report, const bgp::SessionVerdict& v)
{
  for (const auto& r : report.routers) {
    if (r.ok && r.name == v.expected.router) {
      return r.polled_at;
    }
  }
  return std::nullopt;
}

// [{"source":"netconf","detail":"NETCONF as ...","username":...}, ...]
nlohmann::json sources_json(const std::vector<SourceInfo>& sources)
{
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : sources) {
    nlohmann::json j = {{"source", std::string(bgp::to_string(s.kind))}, {"detail", s.detail}};
    for (const auto& p : s.params) {
      j[p.key] = p.list ? nlohmann::json(p.values) : nlohmann::json(p.values.empty() ? "" : p.values.front());
    }
    out.push_back(std::move(j));
  }
  return out;
}

// Which view the i-th verdict session belongs to (GateReport::first_view_sessions).
bgp::Source view_of(const GateReport& report, std::size_t i)
{
  if (report.sources.empty()) {
    return bgp::Source::netconf;
  }
  return i < report.first_view_sessions || report.sources.size() < 2 ? report.sources[0].kind : report.sources[1].kind;
}

nlohmann::json verdict_sessions(const GateReport& report)
{
  nlohmann::json sessions = nlohmann::json::array();
  for (std::size_t i = 0; i < report.verdict.sessions.size(); ++i) {
    const auto& v = report.verdict.sessions[i];
    sessions.push_back(session_verdict_to_json(v, polled_at_of(report, v), view_of(report, i)));
  }
  return sessions;
}

nlohmann::json report_body(const GateReport& report)
{
  nlohmann::json sessions = verdict_sessions(report);
  nlohmann::json routers = nlohmann::json::array();
  for (const auto& r : report.routers) {
    routers.push_back({{"name", r.name},
                       {"source", std::string(bgp::to_string(r.source))},
                       {"ok", r.ok},
                       {"error", r.ok ? nlohmann::json(nullptr) : nlohmann::json(r.error)},
                       {"polled_at", r.ok ? nlohmann::json(bgp::format_rfc3339(r.polled_at)) : nlohmann::json(nullptr)}});
  }
  return {
    {"command", report.command},
    {"node", opt(report.node)},
    {"site", opt(report.site)},
    {"ready", report.verdict.overall == bgp::Readiness::ready},
    {"verdict", std::string(bgp::to_string(report.verdict.overall))},
    {"exit", report.exit_code},
    {"reasons", report_reasons(report)},
    {"now", bgp::format_rfc3339(report.now)},
    {"since", report.since ? nlohmann::json(bgp::format_rfc3339(*report.since)) : nlohmann::json(nullptr)},
    {"since_from", opt(report.since_from)},
    {"source", report.sources.empty() ? nlohmann::json(nullptr) : nlohmann::json(bgp::to_string(report.sources.front().kind))},
    {"source_detail", report.source},
    {"sources", sources_json(report.sources)},
    {"routers", std::move(routers)},
    {"sessions", std::move(sessions)},
  };
}

} // namespace

nlohmann::json parse_to_json(bgp::InputFormat format, const bgp::Summary& summary)
{
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& s : summary.sessions) {
    sessions.push_back(session_to_json(s));
  }
  return {{"format", std::string(bgp::to_string(format))},
          {"groups", opt(summary.groups)},
          {"peers", opt(summary.peers)},
          {"down_peers", opt(summary.down_peers)},
          {"sessions", std::move(sessions)}};
}

void append_parse_json(std::string& out, bgp::InputFormat format, const bgp::Summary& summary,
                       const std::string* file, int indent, const std::function<void(std::string&)>& drain)
{
  // The head without "sessions": nlohmann objects are std::maps, so keys
  // dump sorted and "sessions" comes last after down_peers, file, format,
  // groups and peers; the head is dumped whole and reopened before its "}".
  nlohmann::json head = {{"format", std::string(bgp::to_string(format))},
                         {"groups", opt(summary.groups)},
                         {"peers", opt(summary.peers)},
                         {"down_peers", opt(summary.down_peers)}};
  if (file != nullptr) {
    head["file"] = *file;
  }
  constexpr std::size_t k_drain_at = 64 * 1024;
  const bool pretty = indent >= 0;
  if (!drain) {
    // A pretty Junos session with one RIB is ~600 bytes: reserving avoids
    // regrowing (and copying) a multi-megabyte output several times.
    out.reserve(out.size() + 4096 + summary.sessions.size() * 768);
  }
  const auto step = static_cast<std::size_t>(pretty ? indent : 0);
  std::string head_text = json_text(head, indent);
  head_text.pop_back(); // "}"
  if (pretty) {
    head_text.pop_back(); // "\n"
  }
  out += head_text;
  out += pretty ? ",\n" + std::string(step, ' ') + "\"sessions\": " : std::string(",\"sessions\":");
  if (summary.sessions.empty()) {
    out += "[]";
  } else {
    out += '[';
    bool first = true;
    for (const auto& s : summary.sessions) {
      if (pretty) {
        out += first ? "\n" : ",\n";
        out.append(2 * step, ' ');
      } else if (!first) {
        out += ',';
      }
      first = false;
      append_session_json(out, s, indent, 2 * step);
      if (drain && out.size() >= k_drain_at) {
        drain(out);
      }
    }
    if (pretty) {
      out += '\n';
      out.append(step, ' ');
    }
    out += ']';
  }
  if (pretty) {
    out += '\n';
  }
  out += '}';
}

nlohmann::json session_verdict_to_json(const bgp::SessionVerdict& v, std::optional<bgp::WallClock::time_point> polled_at,
                                       bgp::Source view)
{
  bgp::Session s;
  if (const bgp::Session* p = v.primary()) {
    s = *p;
  } else {
    s.address = v.expected.address;
    s.state = bgp::SessionState::unknown;
    s.source = view;
  }
  s.router = v.expected.router;
  if (!v.expected.site.empty()) {
    s.site = v.expected.site;
  }
  if (!v.expected.node.empty()) {
    s.node = v.expected.node;
  }
  auto j = session_to_json(s);
  if (polled_at) {
    if (const auto expire = bgp::stale_routes_expire_at(s, *polled_at)) {
      j["stale_routes_expire_at"] = bgp::format_rfc3339(*expire);
    }
  }
  j["readiness"] = std::string(bgp::to_string(v.readiness));
  j["reason"] = std::string(bgp::to_string(v.reason));
  j["text"] = v.text;
  return j;
}

nlohmann::json report_to_json(const GateReport& report)
{
  auto j = report_body(report);
  if (report.command == "wait-established" || report.command == "gate") {
    j["stopped"] = opt(report.stopped);
    j["elapsed_ms"] = report.elapsed.count();
    j["polls"] = report.polls;
    j["sessions_opened"] = opt(report.sessions_opened);
  }
  return j;
}

nlohmann::json poll_event(const GateReport& report, std::chrono::milliseconds remaining)
{
  nlohmann::json sessions = verdict_sessions(report);
  return {{"event", "poll"},
          {"poll", report.polls},
          {"time", bgp::format_rfc3339(report.now)},
          {"elapsed_ms", report.elapsed.count()},
          {"remaining_ms", remaining.count()},
          {"ready", report.verdict.overall == bgp::Readiness::ready},
          {"verdict", std::string(bgp::to_string(report.verdict.overall))},
          {"reasons", report_reasons(report)},
          {"sessions", std::move(sessions)}};
}

nlohmann::json result_event(const GateReport& report)
{
  nlohmann::json j = report_to_json(report);
  j["event"] = "result";
  return j;
}

} // namespace bgpwatch::collector
