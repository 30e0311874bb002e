// collector/daemon/state.cpp: see daemon_state.hpp.
#include "collector/daemon/state.hpp"

#include "bgp/instant.hpp"
#include "bgp/timeparse.hpp"
#include "collector/daemon/metrics.hpp"
#include "collector/render/session_json.hpp"
#include "collector/render/json_text.hpp"

#include <algorithm>
#include <iterator>
#include <map>
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

std::string metric_labels(const RouterRecord& r, const bgp::Session& s)
{
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
  return format_labels(l);
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
  // Re-annotate what we hold: a node may have appeared or gone. New
  // snapshots: a stream may still be reading the old ones.
  for (auto& r : m_routers) {
    std::vector<bgp::Session> sessions;
    sessions.reserve(r.sessions->size());
    for (const auto& s : *r.sessions) {
      sessions.push_back(s.latest);
      sessions.back().node.reset();
    }
    annotate_sessions(sessions, m_nodes, m_config);
    auto next = std::make_shared<std::vector<SessionRecord>>(*r.sessions);
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      auto& rec = (*next)[i];
      rec.latest.node = std::move(sessions[i].node);
      rec.latest.site = std::move(sessions[i].site);
      rec.metric_labels = metric_labels(r, rec.latest);
    }
    r.sessions = std::move(next);
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

std::vector<SessionChange> CollectorState::record(bgp::RouterObservation o, std::chrono::milliseconds duration)
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
    r->sessions = std::make_shared<const std::vector<SessionRecord>>();
    return changes;
  }
  r->up = true;
  r->error.clear();
  r->last_success = o.polled_at;

  std::vector<bgp::Session>& sessions = o.sessions;
  for (auto& s : sessions) {
    s.router = o.router;
  }
  annotate_sessions(sessions, m_nodes, m_config);
  // Previous sessions by identity: 2,000 peers per router must not cost
  // 2,000^2 comparisons per poll.
  std::map<std::pair<std::string_view, bgp::Address>, const SessionRecord*> previous_by_key;
  for (const auto& old : *r->sessions) {
    previous_by_key.emplace(std::make_pair(std::string_view(old.latest.instance ? *old.latest.instance : ""),
                                           old.latest.address),
                            &old);
  }
  auto next = std::make_shared<std::vector<SessionRecord>>();
  next->reserve(sessions.size());
  for (auto& s : sessions) {
    SessionRecord rec;
    const auto found =
      previous_by_key.find(std::make_pair(std::string_view(s.instance ? *s.instance : ""), s.address));
    const SessionRecord* previous = found == previous_by_key.end() ? nullptr : found->second;
    if (previous != nullptr) {
      rec.history = previous->history;
      const auto old_flaps = previous->latest.flaps.value_or(0);
      const auto new_flaps = s.flaps.value_or(old_flaps);
      const std::uint64_t delta = new_flaps > old_flaps ? new_flaps - old_flaps : 0;
      if (previous->latest.state != s.state || delta > 0) {
        SessionTransition t;
        // Checked (an implausible uptime must not wrap into the future), and
        // as the verdict judges it: request_sent_at - uptime - 1 s.
        const auto came_up = s.uptime_seconds
                               ? bgp::session_came_up(o.request_sent_at.value_or(o.polled_at), *s.uptime_seconds)
                               : std::nullopt;
        t.at = came_up.value_or(o.polled_at);
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
    rec.metric_labels = metric_labels(*r, s);
    if (const auto expire = bgp::stale_routes_expire_at(s, o.polled_at)) {
      rec.stale_routes_expire_at = *expire;
      if (const auto left = bgp::stale_seconds_left(*expire, o.polled_at); left > 0) {
        rec.stale_seconds_left = left;
      }
    }
    // A copy, not a move: what lives until the next poll is then allocated
    // by this (the io) thread, away from the worker's parse garbage. Moved,
    // the sessions' strings and RIB lists would pin the worker's malloc
    // arena (tens of MB free but not returnable at 50 x 2,000 peers); a
    // copy of 2,000 sessions costs about a millisecond.
    rec.latest = s;
    next->push_back(std::move(rec));
  }
  r->sessions = std::move(next);
  return changes;
}

namespace {

// The metric families, registered once through the writer's rules.
struct Schema
{
  MetricsWriter writer;
  MetricsWriter::MetricId state, established, uptime, flaps, prefixes, stale_left;
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
    stale_left = writer
                   .add("bgpwatch_session_stale_routes_seconds_left", MetricType::gauge,
                        "Seconds the router keeps the down session's routes as stale (graceful restart), as of "
                        "its last poll; present only while it holds them")
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

namespace {

// Streams the session families (all routers' samples of one family, then
// the next: the text format wants each family in one group), then the small
// router and node families rendered up front.
class MetricsStream
{
public:
  static constexpr std::size_t k_piece_bytes = 256 * 1024;

  MetricsStream(std::vector<SessionSnapshot> routers, std::string tail)
    : m_routers(std::move(routers)), m_tail(std::move(tail))
  {
  }

  bool operator()(std::string& out)
  {
    const auto& sc = schema();
    const MetricsWriter::MetricId families[] = {sc.state,         sc.established, sc.uptime,
                                                sc.flaps,         sc.prefixes,    sc.stale_left};
    while (m_family < std::size(families)) {
      if (!m_header_done) {
        out += sc.writer.header(families[m_family]);
        m_header_done = true;
      }
      const std::string& name = sc.writer.name(families[m_family]);
      while (m_router < m_routers.size()) {
        const auto& sessions = *m_routers[m_router];
        while (m_session < sessions.size()) {
          sample(out, m_family, name, sessions[m_session++]);
          if (out.size() >= k_piece_bytes) {
            return true;
          }
        }
        ++m_router;
        m_session = 0;
      }
      ++m_family;
      m_router = 0;
      m_header_done = false;
    }
    out += m_tail;
    return false;
  }

private:
  void sample(std::string& out, std::size_t family, const std::string& name, const SessionRecord& rec)
  {
    const auto& s = rec.latest;
    const std::string& labels = rec.metric_labels;
    switch (family) {
    case 0:
      append_sample(out, name, labels, static_cast<double>(static_cast<int>(s.state)));
      return;
    case 1:
      append_sample(out, name, labels, s.state == bgp::SessionState::established ? 1 : 0);
      return;
    case 2:
      if (s.uptime_seconds) {
        append_sample(out, name, labels, static_cast<double>(*s.uptime_seconds));
      }
      return;
    case 3:
      if (s.flaps) {
        append_sample(out, name, labels, static_cast<double>(*s.flaps));
      }
      return;
    case 5:
      if (rec.stale_seconds_left) {
        append_sample(out, name, labels, static_cast<double>(*rec.stale_seconds_left));
      }
      return;
    default:
      break;
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
    const std::pair<std::string_view, std::optional<std::uint64_t>> kinds[] = {
      {",kind=\"received\"}", received}, {",kind=\"accepted\"}", accepted}, {",kind=\"active\"}", active}};
    const std::string_view base = std::string_view(labels).substr(0, labels.size() - 1); // without '}'
    for (const auto& [kind, value] : kinds) {
      if (value) {
        m_kind_labels.assign(base).append(kind);
        append_sample(out, name, m_kind_labels, static_cast<double>(*value));
      }
    }
  }

  std::vector<SessionSnapshot> m_routers;
  std::string m_tail;
  std::size_t m_family = 0;
  std::size_t m_router = 0;
  std::size_t m_session = 0;
  bool m_header_done = false;
  std::string m_kind_labels; // reused: no allocation per sample
};

std::string drain(const BodyProducer& produce)
{
  std::string out;
  while (produce(out)) {
  }
  return out;
}

} // namespace

BodyProducer CollectorState::metrics_stream() const
{
  const auto& sc = schema();
  std::vector<SessionSnapshot> polled_sessions;
  std::string tail;
  // Router series: nothing for routers never polled (SPEC). A failed poll
  // left an empty snapshot: no stale session values.
  std::vector<std::pair<const RouterRecord*, std::string>> polled;
  for (const auto& r : m_routers) {
    if (r.polled) {
      polled_sessions.push_back(r.sessions);
      polled.emplace_back(&r, format_labels({{"router", r.name}, {"site", r.site}}));
    }
  }
  tail += sc.writer.header(sc.up);
  for (const auto& [r, l] : polled) {
    append_sample(tail, sc.writer.name(sc.up), l, r->up ? 1 : 0);
  }
  tail += sc.writer.header(sc.duration);
  for (const auto& [r, l] : polled) {
    append_sample(tail, sc.writer.name(sc.duration), l, static_cast<double>(r->duration.count()) / 1000.0);
  }
  tail += sc.writer.header(sc.last_success);
  for (const auto& [r, l] : polled) {
    if (r->last_success) {
      append_sample(tail, sc.writer.name(sc.last_success), l, seconds_since_epoch(*r->last_success));
    }
  }

  // Node series: only the (router, address) pairs nodes expect are looked
  // up, in one pass over each router's sessions.
  struct NodeLine
  {
    const Node* node;
    std::vector<bgp::ExpectedSession> expected;
    bool any_polled = false;
  };
  std::vector<NodeLine> node_lines;
  std::map<std::string, std::set<bgp::Address>, std::less<>> wanted; // router -> addresses
  for (const auto& node : m_nodes) {
    NodeLine line{&node, expected_sessions(m_config, node, FamilyFilter::both)};
    for (const auto& e : line.expected) {
      const auto* r = router(e.router);
      if (r != nullptr && r->polled) {
        line.any_polled = true;
        wanted[e.router].insert(e.address);
      }
    }
    node_lines.push_back(std::move(line));
  }
  std::map<std::string, std::set<bgp::Address>, std::less<>> established; // router -> addresses
  for (const auto& [name, addresses] : wanted) {
    auto& set = established[name];
    for (const auto& rec : *router(name)->sessions) {
      if (rec.latest.state == bgp::SessionState::established && addresses.contains(rec.latest.address)) {
        set.insert(rec.latest.address);
      }
    }
  }
  std::string expected_lines;
  std::string established_lines;
  for (const auto& line : node_lines) {
    if (!line.any_polled) {
      continue;
    }
    std::size_t up_count = 0;
    for (const auto& e : line.expected) {
      const auto it = established.find(e.router);
      up_count += it != established.end() && it->second.contains(e.address) ? 1 : 0;
    }
    const std::string nl = format_labels({{"node", line.node->name}, {"site", line.node->site}});
    append_sample(expected_lines, sc.writer.name(sc.node_expected), nl, static_cast<double>(line.expected.size()));
    append_sample(established_lines, sc.writer.name(sc.node_established), nl, static_cast<double>(up_count));
  }
  tail += sc.writer.header(sc.node_expected);
  tail += expected_lines;
  tail += sc.writer.header(sc.node_established);
  tail += established_lines;
  return MetricsStream(std::move(polled_sessions), std::move(tail));
}

std::string CollectorState::metrics() const
{
  return drain(metrics_stream());
}

namespace {

// SPEC "Collector trust": the instant the session came up on our clock,
// so a client compares it with its own. Null when the uptime is unknown or
// longer than the time since the epoch (polled_at - uptime would overflow).
nlohmann::json stale_json(const SessionRecord& rec)
{
  return rec.stale_routes_expire_at ? nlohmann::json(bgp::format_rfc3339(*rec.stale_routes_expire_at)) : nullptr;
}

nlohmann::json up_since_json(const bgp::Session& s, bgp::WallClock::time_point polled_at)
{
  if (!s.uptime_seconds || *s.uptime_seconds < 0) {
    return nullptr;
  }
  const auto polled_s = std::chrono::duration_cast<std::chrono::seconds>(polled_at.time_since_epoch()).count();
  if (*s.uptime_seconds > polled_s) {
    return nullptr;
  }
  return bgp::format_rfc3339(polled_at - std::chrono::seconds(*s.uptime_seconds));
}

nlohmann::json router_json(const RouterRecord& r, bgp::WallClock::time_point now)
{
  return {{"name", r.name},
          {"site", r.site.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.site)},
          {"polled", r.polled},
          {"ok", r.polled && r.up},
          {"error", r.polled && !r.up ? nlohmann::json(r.error) : nlohmann::json(nullptr)},
          {"polled_at", r.polled ? nlohmann::json(bgp::format_rfc3339(r.polled_at)) : nullptr},
          {"poll_age_seconds", r.polled ? nlohmann::json(age_seconds(now, r.polled_at)) : nullptr},
          {"duration_ms", r.polled ? nlohmann::json(r.duration.count()) : nullptr},
          {"last_success", r.last_success ? nlohmann::json(bgp::format_rfc3339(*r.last_success)) : nullptr},
          {"polls", r.polls},
          {"failures", r.failures}};
}

// {"routers":[...],"sessions":[ one session at a time ]}: a JSON tree of
// 100,000 sessions would take hundreds of MB; one session's is small.
class SessionsStream
{
public:
  struct Router
  {
    SessionSnapshot sessions;
    double age = 0;
    bgp::WallClock::time_point polled_at{};
  };

  SessionsStream(std::string head, std::vector<Router> routers)
    : m_head(std::move(head)), m_routers(std::move(routers))
  {
  }

  bool operator()(std::string& out)
  {
    if (!m_head.empty()) {
      out += m_head;
      m_head.clear();
    }
    while (m_router < m_routers.size()) {
      const auto& [sessions, age, polled_at] = m_routers[m_router];
      while (m_session < sessions->size()) {
        const auto& rec = (*sessions)[m_session++];
        auto sj = session_to_json(rec.latest);
        sj["poll_age_seconds"] = age;
        sj["up_since"] = up_since_json(rec.latest, polled_at);
        sj["stale_routes_expire_at"] = stale_json(rec);
        nlohmann::json history = nlohmann::json::array();
        for (const auto& t : rec.history) {
          history.push_back(transition_json(t));
        }
        sj["history"] = std::move(history);
        if (!m_first) {
          out += ',';
        }
        m_first = false;
        out += json_text(sj);
        if (out.size() >= MetricsStream::k_piece_bytes) {
          return true;
        }
      }
      ++m_router;
      m_session = 0;
    }
    out += "]}\n";
    return false;
  }

private:
  std::string m_head;
  std::vector<Router> m_routers;
  std::size_t m_router = 0;
  std::size_t m_session = 0;
  bool m_first = true;
};

} // namespace

BodyProducer CollectorState::sessions_stream(bgp::WallClock::time_point now, const std::set<std::string>& only) const
{
  nlohmann::json routers = nlohmann::json::array();
  std::vector<SessionsStream::Router> snapshots;
  for (const auto& r : m_routers) {
    if (!only.empty() && !only.contains(r.name)) {
      continue;
    }
    routers.push_back(router_json(r, now));
    snapshots.push_back({r.sessions, age_seconds(now, r.polled_at), r.polled_at});
  }
  // "now": our clock when the reply was made; clients refuse data from
  // a collector whose clock runs ahead of theirs (clock_skew).
  return SessionsStream("{\"now\":" + json_text(bgp::format_rfc3339(now)) + ",\"routers\":" + json_text(routers)
                          + ",\"sessions\":[",
                        std::move(snapshots));
}

nlohmann::json CollectorState::sessions_json(bgp::WallClock::time_point now) const
{
  return nlohmann::json::parse(drain(sessions_stream(now)));
}

std::vector<bgp::RouterObservation> CollectorState::observations(const std::set<std::string>& only) const
{
  std::vector<bgp::RouterObservation> out;
  for (const auto& r : m_routers) {
    if (!r.polled || (!only.empty() && !only.contains(r.name))) {
      continue;
    }
    bgp::RouterObservation o;
    o.router = r.name;
    o.readable = r.up;
    o.error = r.error;
    o.polled_at = r.polled_at;
    o.sessions.reserve(r.sessions->size());
    for (const auto& rec : *r.sessions) {
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
  // Only the routers the node is expected on: copying every router's
  // sessions per request would cost as much as a scrape.
  std::set<std::string> wanted;
  for (const auto& e : expected) {
    wanted.insert(e.router);
  }
  const auto observed = wanted.empty() ? std::vector<bgp::RouterObservation>{} : observations(wanted);
  bgp::GateOptions options;
  options.max_age = max_age;
  const auto verdict = bgp::evaluate(expected, observed, now, options);
  nlohmann::json sessions = nlohmann::json::array();
  std::set<std::string> routers_used;
  for (const auto& v : verdict.sessions) {
    routers_used.insert(v.expected.router);
    const auto* primary = v.primary();
    nlohmann::json session_j = nullptr;
    if (primary != nullptr) {
      session_j = session_to_json(*primary);
      const auto o = std::find_if(observed.begin(), observed.end(),
                                  [&](const bgp::RouterObservation& r) { return r.router == v.expected.router; });
      session_j["up_since"] = o != observed.end() ? up_since_json(*primary, o->polled_at) : nlohmann::json(nullptr);
      if (o != observed.end()) {
        if (const auto expire = bgp::stale_routes_expire_at(*primary, o->polled_at)) {
          session_j["stale_routes_expire_at"] = bgp::format_rfc3339(*expire);
        }
      }
    }
    sessions.push_back({{"router", v.expected.router},
                        {"address", v.expected.address.to_string()},
                        {"family", std::string(bgp::to_string(v.expected.family()))},
                        {"expected_as", v.expected.asn},
                        {"readiness", std::string(bgp::to_string(v.readiness))},
                        {"reason", std::string(bgp::to_string(v.reason))},
                        {"text", v.text},
                        {"session", std::move(session_j)}});
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
  return {{"now", bgp::format_rfc3339(now)},
          {"node", node.name},
          {"site", node.site},
          {"addresses", std::move(addresses)},
          // Where the node was found (static|kubernetes|dns); "source" is
          // the data source enum everywhere (docs/json.md).
          {"inventory", node.source},
          {"cordoned", node.cordoned ? nlohmann::json(*node.cordoned) : nlohmann::json(nullptr)},
          {"ready", std::string(bgp::to_string(verdict.overall))},
          {"max_age_seconds", max_age.count()},
          {"reasons", verdict.reasons()},
          {"sessions", std::move(sessions)},
          {"routers", std::move(routers)}};
}

} // namespace bgpwatch::collector
