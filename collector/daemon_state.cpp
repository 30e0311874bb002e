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

// Sessions are matched across polls by (routing instance, peer address).
bool same_session(const bgp::Session& a, const bgp::Session& b)
{
  return a.address == b.address && a.instance.value_or("") == b.instance.value_or("");
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
  std::vector<SessionRecord> next;
  next.reserve(sessions.size());
  for (auto& s : sessions) {
    SessionRecord rec;
    const SessionRecord* previous = nullptr;
    for (const auto& old : r->sessions) {
      if (same_session(old.latest, s)) {
        previous = &old;
        break;
      }
    }
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
        while (rec.history.size() > k_history_length) {
          rec.history.pop_front();
        }
        changes.push_back({o.router, s, t});
      }
    }
    rec.latest = std::move(s);
    next.push_back(std::move(rec));
  }
  r->sessions = std::move(next);
  return changes;
}

std::string CollectorState::metrics() const
{
  MetricsWriter w;
  // Registration cannot fail for these fixed, valid names; value() would
  // throw on a programming mistake and the unit tests would catch it.
  const auto state = w.add("bgpwatch_session_state", MetricType::gauge,
                           "BGP session state as in BGP4-MIB bgpPeerState: 1 idle, 2 connect, 3 active, "
                           "4 opensent, 5 openconfirm, 6 established; 0 unknown")
                       .value();
  const auto established =
    w.add("bgpwatch_session_established", MetricType::gauge, "1 if the BGP session is Established, else 0").value();
  const auto uptime = w.add("bgpwatch_session_uptime_seconds", MetricType::gauge,
                            "Seconds since the session's last state change, as the router reported it")
                        .value();
  const auto flaps = w.add("bgpwatch_session_flaps_total", MetricType::counter,
                           "Times the session left Established, as counted by the router")
                       .value();
  const auto prefixes = w.add("bgpwatch_session_prefixes", MetricType::gauge,
                              "Prefixes from the peer, summed over its RIBs, by kind (received, accepted, active)")
                          .value();
  const auto up =
    w.add("bgpwatch_router_up", MetricType::gauge, "1 if the router's last poll succeeded, else 0").value();
  const auto duration =
    w.add("bgpwatch_router_poll_duration_seconds", MetricType::gauge, "Duration of the router's last poll").value();
  const auto last_success = w.add("bgpwatch_router_last_success_timestamp_seconds", MetricType::gauge,
                                  "UNIX time of the router's last successful poll")
                              .value();
  const auto node_expected = w.add("bgpwatch_node_sessions_expected", MetricType::gauge,
                                   "BGP sessions the node must have (routers serving it x its addresses)")
                               .value();
  const auto node_established = w.add("bgpwatch_node_sessions_established", MetricType::gauge,
                                      "Expected sessions of the node that are Established on a router that answered")
                                  .value();

  for (const auto& r : m_routers) {
    if (!r.polled) {
      continue; // SPEC: nothing for routers never read
    }
    const Labels rl = {{"router", r.name}, {"site", r.site}};
    (void)w.sample(up, rl, r.up ? 1 : 0);
    (void)w.sample(duration, rl, static_cast<double>(r.duration.count()) / 1000.0);
    if (r.last_success) {
      (void)w.sample(last_success, rl, seconds_since_epoch(*r.last_success));
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
      (void)w.sample(state, l, static_cast<double>(static_cast<int>(s.state)));
      (void)w.sample(established, l, s.state == bgp::SessionState::established ? 1 : 0);
      if (s.uptime_seconds) {
        (void)w.sample(uptime, l, static_cast<double>(*s.uptime_seconds));
      }
      if (s.flaps) {
        (void)w.sample(flaps, l, static_cast<double>(*s.flaps));
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
      for (const auto& [kind, value] : kinds) {
        if (value) {
          Labels pl = l;
          pl.emplace_back("kind", kind);
          (void)w.sample(prefixes, pl, static_cast<double>(*value));
        }
      }
    }
  }

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
      for (const auto& rec : r->sessions) {
        if (rec.latest.address == e.address && rec.latest.state == bgp::SessionState::established) {
          ++up_count;
          break;
        }
      }
    }
    if (!any_polled) {
      continue;
    }
    const Labels nl = {{"node", node.name}, {"site", node.site}};
    (void)w.sample(node_expected, nl, static_cast<double>(expected.size()));
    (void)w.sample(node_established, nl, static_cast<double>(up_count));
  }
  return w.render();
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
