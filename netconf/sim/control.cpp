// netconf/sim/control.cpp: the control file (JSON Lines) and its overlay on
// the scenario timelines (format in control.hpp and fixtures/scenarios/README.md).
#include "netconf/sim/control.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace bgpwatch::netconf::sim {

namespace {

using nlohmann::json;

std::string first_label(std::string_view name)
{
  return std::string(name.substr(0, name.find('.')));
}

bool names_node(const ControlEvent& e, const std::string& node)
{
  return e.node == node || e.node == first_label(node);
}

// The script's timeline from `at` (scenario seconds).
std::vector<TimelineEvent> script_events(const ControlEvent& e, double at)
{
  using S = bgp::SessionState;
  if (e.script == ControlScript::down) {
    return {{at, S::idle, {}, {}, {}}, {at + 2, S::active, {}, {}, {}}};
  }
  // The intermediate states fit before Established however short up_after is.
  const double up = std::max(e.up_after, 0.5);
  return {{at, S::idle, {}, {}, {}},
          {at + up * 2 / 8, S::connect, {}, {}, {}},
          {at + up * 4 / 8, S::active, {}, {}, {}},
          {at + up * 6 / 8, S::open_sent, {}, {}, {}},
          {at + up, S::established, {}, {}, {}}};
}

} // namespace

Expected<std::vector<ControlEvent>, std::string> parse_control(std::string_view text)
{
  std::vector<ControlEvent> out;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      break; // a line still being written
    }
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    const std::string where = "control line " + std::to_string(line_no) + ": ";
    json v = json::parse(line.begin(), line.end(), nullptr, false);
    if (v.is_discarded() || !v.is_object()) {
      return Unexpected(where + "not a JSON object");
    }
    for (const auto& [key, value] : v.items()) {
      if (key != "node" && key != "at_unix" && key != "script" && key != "up_after") {
        return Unexpected(where + "unknown key '" + key + "'");
      }
    }
    ControlEvent e;
    if (!v.contains("node") || !v["node"].is_string() || v["node"].get<std::string>().empty()) {
      return Unexpected(where + "needs \"node\" (a string)");
    }
    e.node = v["node"].get<std::string>();
    if (!v.contains("at_unix") || !v["at_unix"].is_number()) {
      return Unexpected(where + "needs \"at_unix\" (UNIX seconds)");
    }
    e.at_unix = v["at_unix"].get<double>();
    if (v.contains("script") && !v["script"].is_string()) {
      return Unexpected(where + "script must be \"restart\" or \"down\" (a string)");
    }
    const std::string script = v.value("script", std::string("restart"));
    if (script == "restart") {
      e.script = ControlScript::restart;
    } else if (script == "down") {
      e.script = ControlScript::down;
    } else {
      return Unexpected(where + "script must be \"restart\" or \"down\", not '" + script + "'");
    }
    if (v.contains("up_after")) {
      if (!v["up_after"].is_number() || v["up_after"].get<double>() < 0) {
        return Unexpected(where + "up_after must be a non-negative number of seconds");
      }
      e.up_after = v["up_after"].get<double>();
    }
    out.push_back(std::move(e));
  }
  return out;
}

Expected<std::vector<ControlEvent>, std::string> read_control(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::vector<ControlEvent>{};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  auto events = parse_control(ss.str());
  if (!events) {
    return Unexpected(path + ": " + events.error());
  }
  return events;
}

RouterSpec overlay_control(const RouterSpec& router, const std::vector<ControlEvent>& events, double start_unix)
{
  RouterSpec out = router;
  std::vector<const ControlEvent*> ordered;
  for (const auto& e : events) {
    ordered.push_back(&e);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const ControlEvent* a, const ControlEvent* b) { return a->at_unix < b->at_unix; });
  for (auto& peer : out.peers) {
    if (peer.node.empty()) {
      continue;
    }
    for (const ControlEvent* e : ordered) {
      if (!names_node(*e, peer.node)) {
        continue;
      }
      const double at = e->at_unix - start_unix;
      // From `at` on, the script replaces whatever the scenario had planned.
      std::erase_if(peer.timeline, [at](const TimelineEvent& ev) { return ev.at >= at; });
      if (peer.timeline.empty()) {
        continue; // not configured yet at that instant: nothing to drop
      }
      // The node comes back with the routes it last had while up.
      TimelineEvent before = peer.timeline.back();
      for (const auto& ev : peer.timeline) {
        if (ev.state == bgp::SessionState::established) {
          before = ev;
        }
      }
      for (auto ev : script_events(*e, at)) {
        if (ev.state == bgp::SessionState::established) {
          ev.received = before.received;
          ev.accepted = before.accepted;
          ev.active = before.active;
        }
        peer.timeline.push_back(ev);
      }
    }
  }
  return out;
}

Expected<std::string, std::string> ControlledReplySource::bgp_summary(double t)
{
  auto events = read_control(m_path);
  if (!events) {
    return Unexpected(events.error());
  }
  const RouterSpec effective = overlay_control(m_router, *events, m_start);
  ScenarioReplySource inner(effective);
  return inner.bgp_summary(t);
}

Expected<std::string, std::string> ControlledReplySource::bgp_neighbors(double t,
                                                                       const std::optional<bgp::Address>& only)
{
  auto events = read_control(m_path);
  if (!events) {
    return Unexpected(events.error());
  }
  const RouterSpec effective = overlay_control(m_router, *events, m_start);
  ScenarioReplySource inner(effective);
  return inner.bgp_neighbors(t, only);
}

} // namespace bgpwatch::netconf::sim
