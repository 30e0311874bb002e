// collector/daemon/state.hpp: what the collector knows — per router the
// latest poll (ok or not, when, how long) and the sessions of its last
// successful poll, per session a bounded history of state changes — and
// the three views served from it: Prometheus metrics, /v1/sessions and the
// observations the verdict of /v1/nodes/NAME is computed from. No I/O, no
// clock reads: times come in with the observations and the `now` arguments.
// Lives on the daemon's io_context thread (no locking).
#pragma once

#include "bgp/readiness.hpp"
#include "collector/http/body_producer.hpp"
#include "collector/config/config.hpp"
#include "collector/inventory/inventory.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bgpwatch::collector {

struct SessionTransition
{
  bgp::WallClock::time_point at{}; // when the change happened: request_sent_at - uptime - 1 s (bgp::session_came_up)
  bgp::SessionState from = bgp::SessionState::unknown;
  bgp::SessionState to = bgp::SessionState::unknown;
  std::uint64_t flaps_delta = 0;
};

struct SessionRecord
{
  bgp::Session latest;
  std::vector<SessionTransition> history; // oldest first, at most k_history_length
  // `{router="…",…,node="…"}`: the session's metric labels, rendered when
  // the poll lands, not once per metric family per scrape.
  std::string metric_labels;
  // When the router holds this down session's routes stale (graceful
  // restart): their end (bgp::stale_routes_expire_at, judged at the poll)
  // and the whole seconds left then; empty otherwise, and once they are 0.
  std::optional<bgp::WallClock::time_point> stale_routes_expire_at;
  std::optional<std::int64_t> stale_seconds_left;
};

// One router's sessions from one poll. Immutable once recorded: a response
// streamed over several writes keeps the snapshots it started with while
// newer polls land.
using SessionSnapshot = std::shared_ptr<const std::vector<SessionRecord>>;

struct RouterRecord
{
  std::string name;
  std::string site;
  bool polled = false; // a poll has finished (successfully or not)
  bool up = false;     // the last poll succeeded
  std::string error;   // why the last poll failed
  bgp::WallClock::time_point polled_at{};
  std::optional<bgp::WallClock::time_point> last_success;
  std::chrono::milliseconds duration{0};
  std::uint64_t polls = 0;
  std::uint64_t failures = 0;
  // Sessions of the last poll; empty after a failed one (no stale values).
  // Never null.
  SessionSnapshot sessions = std::make_shared<const std::vector<SessionRecord>>();
};



// A state change the daemon logs (one line per change, not per poll).
struct SessionChange
{
  std::string router;
  bgp::Session session;
  SessionTransition transition;
};

class CollectorState
{
public:
  static constexpr std::size_t k_history_length = 16;

  // Routers come from the config (in its order); routers no longer in it are
  // dropped, new ones start unpolled.
  void set_config(const Config& config);
  void set_nodes(std::vector<Node> nodes);
  const std::vector<Node>& nodes() const noexcept
  {
    return m_nodes;
  }

  // Records one poll of one router; returns the session state changes.
  std::vector<SessionChange> record(bgp::RouterObservation observation, std::chrono::milliseconds duration);

  const RouterRecord* router(std::string_view name) const;
  const std::vector<RouterRecord>& routers() const noexcept
  {
    return m_routers;
  }

  // SPEC "Collector" metrics, text format 0.0.4. Nothing for routers never
  // polled; for a router whose last poll failed only the router series.
  // The stream holds snapshots: it may outlive later record() calls.
  BodyProducer metrics_stream() const;
  std::string metrics() const; // the whole stream, for tests

  // GET /v1/sessions[?router=NAME...]: every router (or only those named;
  // an empty filter means all), then their sessions. Streamed like metrics.
  BodyProducer sessions_stream(bgp::WallClock::time_point now, const std::set<std::string>& routers = {}) const;
  nlohmann::json sessions_json(bgp::WallClock::time_point now) const; // parsed stream, for tests

  // What bgp::evaluate needs: one observation per polled router (failed
  // ones readable=false with their error), polled_at of the last poll.
  // Only the routers named, when `only` is not empty.
  std::vector<bgp::RouterObservation> observations(const std::set<std::string>& only = {}) const;

  // GET /v1/nodes/NAME for a resolved node: expected sessions, their states,
  // the verdict and its inputs (max_age: data older is Unknown), poll ages.
  nlohmann::json node_json(const Node& node, bgp::WallClock::time_point now, std::chrono::seconds max_age) const;

private:
  Config m_config;
  std::vector<RouterRecord> m_routers;
  std::vector<Node> m_nodes;
};

} // namespace bgpwatch::collector
