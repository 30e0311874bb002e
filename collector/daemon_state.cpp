// collector/daemon_state.cpp: see daemon_state.hpp.
#include "collector/daemon_state.hpp"

#include "bgp/timeparse.hpp"
#include "collector/metrics.hpp"
#include "collector/session_json.hpp"

#include <set>

namespace bgpwatch::collector {

namespace {

double seconds_since_epoch(bgp::WallClock::time_point t)
{
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count())
         / 1000.0;
}

double age_seconds(bgp::WallClock::time_point now, bgp::WallClock::time_point then)
{
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(now - then).count()) / 1000.0;
}

nlohmann::json transition_json(const SessionTransition& t)
{
  return {{"at", bgp::format_rfc3339(t.at)},
          {"from", std::string(bgp::to_string(t.from))},
          {"to", std::string(bgp::to_string(t.to))},
          {"flaps_delta", t.flaps_delta}};
}

std::string or_empty(const std::optional<std::string>& s)
{
  return s.value_or("");
}

} // namespace

void CollectorState::set_config(const Config& config)
{
  m_config = config;
  std::vector<RouterRecord> next;
  for (const auto& r : config.all_routers()) {
    RouterRecord record;
    for (auto& old : m_routers) {
      if (old.name == r.name) {
        record = std::move(old);
        break;
      }
    }
    record.name = r.name;
    const auto* site = config.site_of_router(r.name);
    record.site = site != nullptr ? site->name : "";
    next.push_back(std::move(record));
  }
  m_routers = std::move(next);
}

void CollectorState::set_nodes(std::vector<Node> nodes)
{
  m_nodes = std::move(nodes);
  // Re-annotate what we hold: a node may have appeared or gone.
  for (auto& r : m_routers) {
    std::vector<bgp::Session> sessions;
    for (auto& s : r.sessions) {
      s.latest.node.reset();
      sessions.push_back(s.latest);
    }
    annotate_sessions(sessions, m_nodes, m_config);
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      r.sessions[i].latest.node = sessions[i].node;
      r.sessions[i].latest.site = sessions[i].site;
    }
    render_fragments(r);
  }
}

const RouterRecord* CollectorState::router(std::string_view name) const
{
  for (const auto& r : m_routers) {
    if (r.name == name) {
      return &r;
    }
  }
  return nullptr;
}

std::vector<SessionChange> CollectorState::record(const bgp::RouterObservation& o, std::chrono::milliseconds duration)
{
  std::vector<SessionChange> changes;
  RouterRecord* r = nullptr;
  for (auto& candidate : m_routers) {
    if (candidate.name == o.router) {
      r = &candidate;
    }
  }
  if (r == nullptr) {
    return changes; // removed by a reload while its poll was running
  }
  r->polled = true;
  r->polled_at = o.polled_at;
  r->duration = duration;
  ++r->polls;
  if (!o.readable) {
    r->up = false;
    r->error = o.error;
    ++r->failures;
    // No stale values: the sessions are gone until the router answers. The
    // history is lost with them; a router's outage is in its own series.
    r->sessions.clear();
    render_fragments(*r);
    return changes;
  }
  r->up = true;
  r->error.clear();
  r->last_success = o.polled_at;

  std::vector<bgp::Session> sessions = o.sessions;
  for (auto& s : sessions) {
    s.router = o.router;
  }
  annotate_sessions(sessions, m_nodes, m_config);
  // Previous sessions by identity: 2,000 peers per router must not cost
  // 2,000^2 comparisons per poll.
  std::map<std::pair<std::string, bgp::Address>, const SessionRecord*> previous_by_key;
  for (const auto& old : r->sessions) {
    previous_by_key.emplace(std::make_pair(old.latest.instance.value_or(""), old.latest.address), &old);
  }
  std::vector<SessionRecord> next;
  next.reserve(sessions.size());
  for (auto& s : sessions) {
    SessionRecord rec;
    const auto found = previous_by_key.find(std::make_pair(s.instance.value_or(""), s.address));
    const SessionRecord* previous = found == previous_by_key.end() ? nullptr : found->second;
    if (previous != nullptr) {
      rec.history = previous->history;
      const auto old_flaps = previous->latest.flaps.value_or(0);
      const auto new_flaps = s.flaps.value_or(old_flaps);
      const std::uint64_t delta = new_flaps > old_flaps ? new_flaps - old_flaps : 0;
      if (previous->latest.state != s.state || delta > 0) {
        SessionTransition t;
        t.at = s.uptime_seconds ? o.polled_at - std::chrono::seconds(*s.uptime_seconds) : o.polled_at;
        t.from = previous->latest.state;
        t.to = s.state;
        t.flaps_delta = delta;
        rec.history.push_back(t);
        if (rec.history.size() > k_history_length) {
          rec.history.erase(rec.history.begin());
        }
        changes.push_back({o.router, s, t});
      }
    }
    rec.latest = std::move(s);
    next.push_back(std::move(rec));
  }
  r->sessions = std::move(next);
  render_fragments(*r);
  return changes;
}

namespace {

// The metric families, registered once through the writer's rules.
struct Schema
{
  MetricsWriter writer;
  MetricsWriter::MetricId state, established, uptime, flaps, prefixes;
  MetricsWriter::MetricId up, duration, last_success, node_expected, node_established;

  Schema()
  {
    // Fixed, valid names: value() would throw on a programming mistake and
    // the unit tests would catch it.
    state = writer
              .add("bgpwatch_session_state", MetricType::gauge,
                   "BGP session state as in BGP4-MIB bgpPeerState: 1 idle, 2 connect, 3 active, "
                   "4 opensent, 5 openconfirm, 6 established; 0 unknown")
              .value();
    established =
      writer.add("bgpwatch_session_established", MetricType::gauge, "1 if the BGP session is Established, else 0")
        .value();
    uptime = writer
               .add("bgpwatch_session_uptime_seconds", MetricType::gauge,
                    "Seconds since the session's last state change, as the router reported it")
               .value();
    flaps = writer
              .add("bgpwatch_session_flaps_total", MetricType::counter,
                   "Times the session left Established, as counted by the router")
              .value();
    prefixes = writer
                 .add("bgpwatch_session_prefixes", MetricType::gauge,
                      "Prefixes from the peer, summed over its RIBs, by kind (received, accepted, active)")
                 .value();
    up = writer.add("bgpwatch_router_up", MetricType::gauge, "1 if the router's last poll succeeded, else 0").value();
    duration =
      writer.add("bgpwatch_router_poll_duration_seconds", MetricType::gauge, "Duration of the router's last poll")
        .value();
    last_success = writer
                     .add("bgpwatch_router_last_success_timestamp_seconds", MetricType::gauge,
                          "UNIX time of the router's last successful poll")
                     .value();
    node_expected = writer
                      .add("bgpwatch_node_sessions_expected", MetricType::gauge,
                           "BGP sessions the node must have (routers serving it x its addresses)")
                      .value();
    node_established = writer
                         .add("bgpwatch_node_sessions_established", MetricType::gauge,
                              "Expected sessions of the node that are Established on a router that answered")
                         .value();
  }
};

const Schema& schema()
{
  static const Schema s;
  return s;
}

} // namespace

void CollectorState::render_fragments(RouterRecord& r) const
{
  const auto& sc = schema();
  for (auto& f : r.fragments) {
    f.clear();
  }
  if (r.sessions.empty()) {
    return;
  }
  for (auto& f : r.fragments) {
    f.reserve(r.sessions.size() * 200);
  }
  for (const auto& rec : r.sessions) {
    const auto& s = rec.latest;
    Labels l = {{"router", r.name},
                {"site", s.site.value_or(r.site)},
                {"peer", s.address.to_string()},
                {"family", std::string(bgp::to_string(s.family()))},
                {"peer_as", s.peer_as ? std::to_string(*s.peer_as) : ""},
                {"node", or_empty(s.node)}};
    // The same address in two routing instances is two sessions (SPEC
    // "Words"): only then a routing_instance label keeps series distinct.
    if (s.instance && !s.instance->empty()) {
      l.emplace_back("routing_instance", *s.instance);
    }
    const std::string labels = format_labels(l);
    append_sample(r.fragments[0], sc.writer.name(sc.state), labels, static_cast<double>(static_cast<int>(s.state)));
    append_sample(r.fragments[1], sc.writer.name(sc.established), labels,
                  s.state == bgp::SessionState::established ? 1 : 0);
    if (s.uptime_seconds) {
      append_sample(r.fragments[2], sc.writer.name(sc.uptime), labels, static_cast<double>(*s.uptime_seconds));
    }
    if (s.flaps) {
      append_sample(r.fragments[3], sc.writer.name(sc.flaps), labels, static_cast<double>(*s.flaps));
    }
    std::optional<std::uint64_t> received, accepted, active;
    for (const auto& rib : s.ribs) {
      if (rib.received) {
        received = received.value_or(0) + *rib.received;
      }
      if (rib.accepted) {
        accepted = accepted.value_or(0) + *rib.accepted;
      }
      if (rib.active) {
        active = active.value_or(0) + *rib.active;
      }
    }
    const std::pair<const char*, std::optional<std::uint64_t>> kinds[] = {
      {"received", received}, {"accepted", accepted}, {"active", active}};
    const std::string base = labels.substr(0, labels.size() - 1); // without '}'
    for (const auto& [kind, value] : kinds) {
      if (value) {
        append_sample(r.fragments[4], sc.writer.name(sc.prefixes), base + ",kind=\"" + kind + "\"}",
                      static_cast<double>(*value));
      }
    }
  }
}

std::string CollectorState::metrics() const
{
  const auto& sc = schema();
  std::size_t size = 4096;
  for (const auto& r : m_routers) {
    for (const auto& f : r.fragments) {
      size += f.size();
    }
  }
  std::string out;
  out.reserve(size + m_routers.size() * 400 + m_nodes.size() * 200);
  const MetricsWriter::MetricId session_families[] = {sc.state, sc.established, sc.uptime, sc.flaps, sc.prefixes};
  for (std::size_t f = 0; f < 5; ++f) {
    out += sc.writer.header(session_families[f]);
    for (const auto& r : m_routers) {
      if (r.polled) {
        out += r.fragments[f]; // empty after a failed poll: no stale values
      }
    }
  }
  // Router series: nothing for routers never polled (SPEC).
  std::vector<std::pair<const RouterRecord*, std::string>> polled;
  for (const auto& r : m_routers) {
    if (r.polled) {
      polled.emplace_back(&r, format_labels({{"router", r.name}, {"site", r.site}}));
    }
  }
  out += sc.writer.header(sc.up);
  for (const auto& [r, l] : polled) {
    append_sample(out, sc.writer.name(sc.up), l, r->up ? 1 : 0);
  }
  out += sc.writer.header(sc.duration);
  for (const auto& [r, l] : polled) {
    append_sample(out, sc.writer.name(sc.duration), l, static_cast<double>(r->duration.count()) / 1000.0);
  }
  out += sc.writer.header(sc.last_success);
  for (const auto& [r, l] : polled) {
    if (r->last_success) {
      append_sample(out, sc.writer.name(sc.last_success), l, seconds_since_epoch(*r->last_success));
    }
  }

  // Established addresses per polled router, once per scrape (not nodes x
  // sessions comparisons).
  std::map<std::string, std::set<bgp::Address>> established_by_router;
  for (const auto& r : m_routers) {
    if (!r.polled || m_nodes.empty()) {
      continue;
    }
    auto& set = established_by_router[r.name];
    for (const auto& rec : r.sessions) {
      if (rec.latest.state == bgp::SessionState::established) {
        set.insert(rec.latest.address);
      }
    }
  }
  std::string expected_lines;
  std::string established_lines;
  for (const auto& node : m_nodes) {
    const auto expected = expected_sessions(m_config, node, FamilyFilter::both);
    bool any_polled = false;
    std::size_t up_count = 0;
    for (const auto& e : expected) {
      const auto* r = router(e.router);
      if (r == nullptr || !r->polled) {
        continue;
      }
      any_polled = true;
      up_count += established_by_router[e.router].contains(e.address) ? 1 : 0;
    }
    if (!any_polled) {
      continue;
    }
    const std::string nl = format_labels({{"node", node.name}, {"site", node.site}});
    append_sample(expected_lines, sc.writer.name(sc.node_expected), nl, static_cast<double>(expected.size()));
    append_sample(established_lines, sc.writer.name(sc.node_established), nl, static_cast<double>(up_count));
  }
  out += sc.writer.header(sc.node_expected);
  out += expected_lines;
  out += sc.writer.header(sc.node_established);
  out += established_lines;
  return out;
}

nlohmann::json CollectorState::sessions_json(bgp::WallClock::time_point now) const
{
  nlohmann::json routers = nlohmann::json::array();
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& r : m_routers) {
    nlohmann::json rj = {{"name", r.name},
                         {"site", r.site.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.site)},
                         {"polled", r.polled},
                         {"ok", r.polled && r.up},
                         {"error", r.polled && !r.up ? nlohmann::json(r.error) : nlohmann::json(nullptr)},
                         {"polled_at", r.polled ? nlohmann::json(bgp::format_rfc3339(r.polled_at)) : nullptr},
                         {"poll_age_seconds", r.polled ? nlohmann::json(age_seconds(now, r.polled_at)) : nullptr},
                         {"duration_ms", r.polled ? nlohmann::json(r.duration.count()) : nullptr},
                         {"last_success",
                          r.last_success ? nlohmann::json(bgp::format_rfc3339(*r.last_success)) : nullptr},
                         {"polls", r.polls},
                         {"failures", r.failures}};
    routers.push_back(std::move(rj));
    for (const auto& rec : r.sessions) {
      auto sj = session_to_json(rec.latest);
      sj["poll_age_seconds"] = age_seconds(now, r.polled_at);
      nlohmann::json history = nlohmann::json::array();
      for (const auto& t : rec.history) {
        history.push_back(transition_json(t));
      }
      sj["history"] = std::move(history);
      sessions.push_back(std::move(sj));
    }
  }
  return {{"routers", std::move(routers)}, {"sessions", std::move(sessions)}};
}

std::vector<bgp::RouterObservation> CollectorState::observations() const
{
  std::vector<bgp::RouterObservation> out;
  for (const auto& r : m_routers) {
    if (!r.polled) {
      continue;
    }
    bgp::RouterObservation o;
    o.router = r.name;
    o.readable = r.up;
    o.error = r.error;
    o.polled_at = r.polled_at;
    for (const auto& rec : r.sessions) {
      o.sessions.push_back(rec.latest);
    }
    out.push_back(std::move(o));
  }
  return out;
}

nlohmann::json CollectorState::node_json(const Node& node, bgp::WallClock::time_point now,
                                         std::chrono::seconds max_age) const
{
  const auto expected = expected_sessions(m_config, node, FamilyFilter::both);
  const auto observed = observations();
  bgp::GateOptions options;
  options.max_age = max_age;
  const auto verdict = bgp::evaluate(expected, observed, now, options);
  nlohmann::json sessions = nlohmann::json::array();
  std::set<std::string> routers_used;
  for (const auto& v : verdict.sessions) {
    routers_used.insert(v.expected.router);
    const auto* primary = v.primary();
    sessions.push_back({{"router", v.expected.router},
                        {"address", v.expected.address.to_string()},
                        {"family", std::string(bgp::to_string(v.expected.family()))},
                        {"expected_as", v.expected.asn},
                        {"readiness", std::string(bgp::to_string(v.readiness))},
                        {"reason", std::string(bgp::to_string(v.reason))},
                        {"text", v.text},
                        {"session", primary != nullptr ? session_to_json(*primary) : nlohmann::json(nullptr)}});
  }
  nlohmann::json routers = nlohmann::json::array();
  for (const auto& name : routers_used) {
    const auto* r = router(name);
    if (r == nullptr) {
      continue;
    }
    routers.push_back({{"name", r->name},
                       {"ok", r->polled && r->up},
                       {"error", r->polled && !r->up ? nlohmann::json(r->error) : nlohmann::json(nullptr)},
                       {"polled_at", r->polled ? nlohmann::json(bgp::format_rfc3339(r->polled_at)) : nullptr},
                       {"poll_age_seconds", r->polled ? nlohmann::json(age_seconds(now, r->polled_at)) : nullptr}});
  }
  nlohmann::json addresses = nlohmann::json::array();
  for (const auto& a : node.addresses) {
    addresses.push_back(a.to_string());
  }
  return {{"node", node.name},
          {"site", node.site},
          {"addresses", std::move(addresses)},
          {"source", node.source},
          {"cordoned", node.cordoned ? nlohmann::json(*node.cordoned) : nlohmann::json(nullptr)},
          {"ready", std::string(bgp::to_string(verdict.overall))},
          {"max_age_seconds", max_age.count()},
          {"reasons", verdict.reasons()},
          {"sessions", std::move(sessions)},
          {"routers", std::move(routers)}};
}

} // namespace bgpwatch::collector
