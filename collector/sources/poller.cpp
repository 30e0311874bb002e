// collector/sources/poller.cpp: concurrent NETCONF polling with persistent
// sessions, bounded workers, deadlines and reconnect backoff.
#include "collector/sources/poller.hpp"

#include "bgp/junos_neighbor.hpp"

#include "bgp/junos.hpp"
#include "netconf/client.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <thread>
#include <optional>
#include <random>

namespace bgpwatch::collector {

namespace {

constexpr std::string_view k_summary_rpc = "<get-bgp-summary-information/>";

std::chrono::milliseconds left(SteadyClock::time_point deadline)
{
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()));
}

double random_unit()
{
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

bgp::RouterObservation failed(const std::string& router, std::string error)
{
  bgp::RouterObservation o;
  o.router = router;
  o.readable = false;
  o.error = std::move(error);
  o.polled_at = bgp::WallClock::now();
  return o;
}

std::string seconds_text(std::chrono::milliseconds ms)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

} // namespace

struct Poller::RouterState
{
  std::mutex mutex; // held by the one worker polling this router
  std::atomic<bool> busy{false};
  std::unique_ptr<netconf::Client> client;
  unsigned failures = 0;
  SteadyClock::time_point next_attempt{};
  std::string last_error;
  // How long its last poll took (-1: never polled): the slowest go first.
  std::atomic<std::int64_t> last_ms{-1};
  // The collector's neighbor detail (set_collector_detail): the sessions of
  // the last poll with their detail merged, and when the table was last
  // read whole.
  std::vector<bgp::Session> detail_previous;
  bool have_full_detail = false;
  unsigned polls_since_full = 0;
};

std::chrono::milliseconds backoff_delay(const Backoff& backoff, unsigned failures, double jitter)
{
  if (failures == 0) {
    return std::chrono::milliseconds(0);
  }
  const unsigned shift = std::min(failures - 1, 20u);
  const auto raw = std::min<std::int64_t>(backoff.base.count() << shift, backoff.cap.count());
  const double factor = 0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(raw) * factor));
}

namespace {

// f() while holding one parse slot: at most as many replies are parsed at
// once as there are cores, so routers' MB-sized trees do not pile up.
template <class F>
auto with_parse_slot(std::counting_semaphore<256>& slots, F&& f)
{
  slots.acquire();
  struct Release
  {
    std::counting_semaphore<256>& slots;
    ~Release()
    {
      slots.release();
    }
  } release{slots};
  return f();
}

Expected<bgp::Summary, std::string> with_router(Expected<bgp::Summary, bgp::ParseError> summary,
                                                const std::string& router_name)
{
  if (!summary) {
    return Unexpected(summary.error().to_string());
  }
  for (auto& s : summary->sessions) {
    s.router = router_name;
  }
  return std::move(*summary);
}

} // namespace

Expected<bgp::Summary, std::string> parse_router_reply(std::string_view reply, const std::string& router_name)
{
  if (auto streamed = bgp::parse_junos_xml_stream(reply)) {
    return with_router(std::move(*streamed), router_name);
  }
  return with_router(bgp::parse_junos_xml(reply), router_name);
}

Expected<bgp::Summary, std::string> parse_router_reply_inplace(std::string& reply, const std::string& router_name)
{
  // The streaming reader first (no DOM, no copy); the in-place DOM parse
  // only for what it leaves to it (errors, <rpc-error>, unusual markup).
  if (auto streamed = bgp::parse_junos_xml_stream(reply)) {
    return with_router(std::move(*streamed), router_name);
  }
  return with_router(bgp::parse_junos_xml_inplace(reply), router_name);
}

Poller::Poller(const NetconfConfig& config, std::size_t max_workers, Backoff backoff)
  : m_config(config), m_backoff(backoff),
    m_pool(std::make_unique<boost::asio::thread_pool>(std::max<std::size_t>(1, max_workers))),
    m_parse_slots(static_cast<std::ptrdiff_t>(std::clamp(std::thread::hardware_concurrency(), 1u, 256u)))
{
}

Poller::~Poller()
{
  // Close every session in parallel (each close is bounded), then wait.
  for (auto& [name, state] : m_routers) {
    boost::asio::post(*m_pool, [state = state] { // init-capture: clang 14 cannot capture a structured binding
      std::lock_guard lock(state->mutex);
      if (state->client) {
        state->client->close();
        state->client.reset();
      }
    });
  }
  m_pool->join();
}

std::shared_ptr<Poller::RouterState> Poller::state_for(const RouterConfig& router)
{
  // Keyed by name and address: a router whose host/port changed gets a new session.
  const std::string key = router.name + "\n" + router.host + "\n" + std::to_string(router.port);
  std::lock_guard lock(m_mutex);
  auto& slot = m_routers[key];
  if (!slot) {
    slot = std::make_shared<RouterState>();
  }
  return slot;
}

std::vector<bgp::RouterObservation> Poller::poll(const std::vector<RouterConfig>& routers,
                                                 SteadyClock::time_point deadline)
{
  std::vector<bgp::RouterObservation> out;
  for (auto& r : poll_detailed(routers, deadline)) {
    out.push_back(std::move(r.observation));
  }
  return out;
}

std::vector<PollResult> Poller::poll_detailed(const std::vector<RouterConfig>& routers,
                                              SteadyClock::time_point deadline)
{
  struct Shared
  {
    std::mutex mutex;
    std::condition_variable done;
    std::vector<std::optional<PollResult>> results;
    std::size_t pending = 0;
  };
  auto shared = std::make_shared<Shared>();
  shared->results.resize(routers.size());
  const auto start = SteadyClock::now();

  // Slowest first (by each router's last poll; never polled counts as
  // slowest): with fewer workers than routers, a slow router queued behind
  // fast ones would end the cycle late by their time (issue 17, bench_poll).
  struct Entry
  {
    std::size_t index;
    std::shared_ptr<RouterState> state;
    std::int64_t rank; // a snapshot: a running worker may change last_ms meanwhile
  };
  std::vector<Entry> order;
  order.reserve(routers.size());
  for (std::size_t i = 0; i < routers.size(); ++i) {
    auto state = state_for(routers[i]);
    const auto ms = state->last_ms.load();
    order.push_back({i, std::move(state), ms < 0 ? std::numeric_limits<std::int64_t>::max() : ms});
  }
  std::stable_sort(order.begin(), order.end(), [](const Entry& a, const Entry& b) { return a.rank > b.rank; });
  for (const auto& entry : order) {
    const std::size_t i = entry.index;
    const auto& state = entry.state;
    if (state->busy.exchange(true)) {
      // The previous poll's worker is still bounded by its own deadline.
      PollResult r;
      r.observation = failed(routers[i].name, routers[i].name + ": the previous poll of this router is still "
                                                                "running (slow router); it ends within rpc_timeout");
      shared->results[i] = std::move(r);
      continue;
    }
    {
      std::lock_guard lock(shared->mutex);
      ++shared->pending;
    }
    // The worker stops a little before the poll deadline, so its precise
    // error (what timed out, where) wins over the generic "no answer".
    const auto margin = std::min<SteadyClock::duration>(std::chrono::milliseconds(100), (deadline - start) / 10);
    boost::asio::post(*m_pool, [this, shared, state, router = routers[i], i, worker_deadline = deadline - margin] {
      PollResult r;
      try {
        r = poll_one(router, *state, worker_deadline);
      } catch (const std::exception& e) {
        r.observation = failed(router.name, router.name + ": internal error while polling: " + e.what());
      } catch (...) {
        r.observation = failed(router.name, router.name + ": internal error while polling: unknown exception");
      }
      state->last_ms = r.duration.count();
      state->busy = false;
      std::lock_guard lock(shared->mutex);
      shared->results[i] = std::move(r);
      --shared->pending;
      shared->done.notify_all();
    });
  }

  std::unique_lock lock(shared->mutex);
  shared->done.wait_until(lock, deadline, [&] { return shared->pending == 0; });
  std::vector<PollResult> out;
  out.reserve(routers.size());
  for (std::size_t i = 0; i < routers.size(); ++i) {
    if (shared->results[i]) {
      out.push_back(std::move(*shared->results[i]));
      continue;
    }
    PollResult r;
    r.observation = failed(routers[i].name, routers[i].name + ": no answer before the poll deadline ("
                                                + seconds_text(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  deadline - start))
                                                + "); the router is slow or hung");
    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
    out.push_back(std::move(r));
  }
  return out;
}

PollResult Poller::poll_one(const RouterConfig& router, RouterState& state, SteadyClock::time_point deadline)
{
  std::lock_guard lock(state.mutex);
  const auto start = SteadyClock::now();
  PollResult result;
  auto finish = [&](bgp::RouterObservation o) {
    result.observation = std::move(o);
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
    return result;
  };
  auto record_failure = [&](const std::string& error) {
    ++state.failures;
    state.have_full_detail = false; // a new session starts with the whole table
    const auto delay = backoff_delay(m_backoff, state.failures, random_unit());
    state.next_attempt = SteadyClock::now() + delay;
    if (state.last_error.empty()) {
      spdlog::warn("router={} unreadable: {}", router.name, error);
    }
    state.last_error = error;
    return finish(failed(router.name, error));
  };

  netconf::Endpoint endpoint{router.name, router.host, router.port};
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = false;
    if (!state.client || !state.client->usable()) {
      state.client.reset();
      if (start < state.next_attempt) {
        return finish(failed(router.name, state.last_error + " (reconnect in "
                                            + seconds_text(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              state.next_attempt - start))
                                            + ")"));
      }
      netconf::ClientOptions options;
      options.username = m_config.username;
      options.private_key = m_config.private_key;
      options.known_hosts = m_config.known_hosts;
      options.connect_timeout = std::min(m_config.connect_timeout, left(deadline));
      options.rpc_timeout = std::min(m_config.rpc_timeout, left(deadline));
      options.max_reply_bytes = m_config.max_reply_bytes;
      auto client = netconf::Client::connect(endpoint, options);
      if (!client) {
        return record_failure(client.error().message);
      }
      ++m_sessions_opened;
      state.client = std::move(*client);
      fresh = true;
      spdlog::info("router={} NETCONF session open ({} framing)", router.name,
                   netconf::to_string(state.client->framing()));
    }
    // Uptimes in the reply were measured after this instant: the verdict
    // judges a session's start from it (bgp::session_came_up), so the RPC's
    // latency can only make a session look older, never younger.
    const auto request_sent_at = bgp::WallClock::now();
    auto reply = state.client->rpc(k_summary_rpc, deadline);
    if (!reply) {
      const auto code = reply.error().code;
      // A reused session the router closed while idle: reopen once, now.
      if (!fresh && (code == netconf::NetconfErrc::closed || code == netconf::NetconfErrc::io)
          && left(deadline).count() > 0) {
        state.client.reset();
        continue;
      }
      if (!state.client->usable()) {
        state.client->close();
        state.client.reset();
        return record_failure(reply.error().message);
      }
      // rpc-error: the session is fine, the router said no.
      state.last_error = reply.error().message;
      return finish(failed(router.name, reply.error().message));
    }
    const auto polled_at = bgp::WallClock::now();
    // In place: a second copy of a reply of MBs, per router per poll,
    // was allocated, copied and faulted in for nothing (issue 17).
    auto summary = with_parse_slot(m_parse_slots, [&] { return parse_router_reply_inplace(*reply, router.name); });
    *reply = std::string(); // the reply's memory goes back before the result is handed on
    if (!summary) {
      state.last_error = router.name + ": unparsable <get-bgp-summary-information> reply: " + summary.error();
      return finish(failed(router.name, state.last_error));
    }
    if (!state.last_error.empty()) {
      spdlog::info("router={} readable again", router.name);
    }
    // --require routes (issue 14): the neighbor detail of each wanted peer,
    // on the same session, by the same deadline. A detail that cannot be
    // read leaves its sessions without detail (unknown under routes), it
    // does not make the router unreadable: the summary was read.
    // One <get-bgp-neighbor-information> on this session: its peers, or
    // empty (logged at debug) when it could not be read.
    auto ask_detail = [&](const std::string& rpc, const std::string& what) -> std::optional<std::vector<bgp::Session>> {
      auto neighbor = state.client->rpc(rpc, deadline);
      if (!neighbor) {
        spdlog::debug("router={} peer={} no neighbor detail: {}", router.name, what, neighbor.error().message);
        return std::nullopt;
      }
      auto parsed = with_parse_slot(m_parse_slots, [&] { return bgp::parse_junos_neighbor_xml(*neighbor); });
      if (!parsed) {
        spdlog::debug("router={} peer={} unparsable neighbor detail: {}", router.name, what,
                      parsed.error().to_string());
        return std::nullopt;
      }
      return std::move(parsed->sessions);
    };
    if (const auto wanted = m_neighbor_detail.find(router.name); wanted != m_neighbor_detail.end()) {
      std::vector<bgp::Session> detail;
      for (const auto& address : wanted->second) {
        const std::string rpc = "<get-bgp-neighbor-information><neighbor-address>" + address.to_string()
                                + "</neighbor-address></get-bgp-neighbor-information>";
        ++m_detail_peer_rpcs;
        if (auto peers = ask_detail(rpc, address.to_string())) {
          detail.insert(detail.end(), peers->begin(), peers->end());
        } else if (!state.client->usable()) {
          break;
        }
      }
      bgp::merge_neighbor_detail(summary->sessions, detail);
    } else if (m_collector_detail) {
      // The collector: the whole table now and then, the moving peers in
      // between (detail_plan.hpp). A detail that cannot be read leaves its
      // sessions without it (Unknown under --require routes), nothing more.
      auto plan = plan_detail(summary->sessions, state.detail_previous, state.have_full_detail,
                              state.polls_since_full, polled_at, *m_collector_detail);
      if (plan.full) {
        ++m_detail_full_rpcs;
        state.have_full_detail = false;
        if (auto peers = ask_detail("<get-bgp-neighbor-information/>", "*")) {
          bgp::merge_neighbor_detail(summary->sessions, *peers);
          state.have_full_detail = true;
          state.polls_since_full = 0;
        }
      } else {
        ++state.polls_since_full;
        bgp::merge_neighbor_detail(summary->sessions, plan.carry);
        std::vector<bgp::Session> detail;
        for (const auto& address : plan.ask) {
          const std::string rpc = "<get-bgp-neighbor-information><neighbor-address>" + address.to_string()
                                  + "</neighbor-address></get-bgp-neighbor-information>";
          ++m_detail_peer_rpcs;
          if (auto peers = ask_detail(rpc, address.to_string())) {
            detail.insert(detail.end(), peers->begin(), peers->end());
          } else if (!state.client->usable()) {
            break;
          }
        }
        bgp::merge_neighbor_detail(summary->sessions, detail);
      }
      state.detail_previous = summary->sessions;
    }
    state.failures = 0;
    state.last_error.clear();
    bgp::RouterObservation o;
    o.router = router.name;
    o.readable = true;
    o.polled_at = polled_at;
    o.request_sent_at = request_sent_at;
    o.sessions = std::move(summary->sessions);
    return finish(std::move(o));
  }
  return finish(failed(router.name, router.name + ": session lost twice in one poll"));
}

} // namespace bgpwatch::collector
