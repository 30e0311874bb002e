// collector/sources/poller.hpp: polls routers over NETCONF concurrently. libssh
// calls block, so each router's work runs on a bounded worker pool
// (boost::asio::thread_pool); a slow router holds one worker, never the
// others, so a poll takes about as long as its slowest router. One
// persistent session per router is reused across polls; a failed one is
// reopened with capped exponential backoff plus jitter. Every router's
// outcome is a RouterObservation, never an exception.
#pragma once

#include "bgp/readiness.hpp"
#include "collector/config/config.hpp"
#include "collector/sources/detail_plan.hpp"
#include "collector/sources/state_source.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <vector>

namespace boost::asio {
class thread_pool;
}

namespace bgpwatch::collector {

struct PollResult
{
  bgp::RouterObservation observation;
  std::chrono::milliseconds duration{0}; // time spent on this router in this poll
};

// Reconnect backoff: base * 2^(failures-1), capped, times a random factor
// in [0.5, 1.0] so routers that failed together do not retry in step.
struct Backoff
{
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds cap{60000};
};
// Pure (jitter in [0,1] given): the delay before attempt number failures+1.
std::chrono::milliseconds backoff_delay(const Backoff& backoff, unsigned failures, double jitter);

// The one place a router's reply becomes sessions (bgp::parse_junos_xml_stream,
// falling back to bgp::parse_junos_xml), with router set to `router_name`.
Expected<bgp::Summary, std::string> parse_router_reply(std::string_view reply, const std::string& router_name);
// The same in the reply's own bytes (bgp::parse_junos_xml_inplace: no copy
// of each reply, errors without a line); `reply` is overwritten.
Expected<bgp::Summary, std::string> parse_router_reply_inplace(std::string& reply, const std::string& router_name);

class Poller
{
public:
  explicit Poller(const NetconfConfig& config, std::size_t max_workers = 8, Backoff backoff = {});
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // One observation per router, same order, returned by `deadline`.
  std::vector<bgp::RouterObservation> poll(const std::vector<RouterConfig>& routers,
                                           SteadyClock::time_point deadline);
  // Same, with the time spent per router (bgpwatch summary shows it).
  std::vector<PollResult> poll_detailed(const std::vector<RouterConfig>& routers,
                                        SteadyClock::time_point deadline);

  // After each router's summary, ask <get-bgp-neighbor-information> with
  // <neighbor-address> for each of these peers (router name -> addresses)
  // on the same session and deadline, and fold the detail into the
  // sessions (bgp::merge_neighbor_detail). Call between polls.
  void set_neighbor_detail(std::map<std::string, std::vector<bgp::Address>> peers)
  {
    m_neighbor_detail = std::move(peers);
  }

  // The collector's neighbor detail (detail_plan.hpp): after each summary,
  // the whole table or the peers whose facts can have moved, the rest
  // carried from the previous poll. Call before the first poll.
  void set_collector_detail(DetailPolicy policy)
  {
    m_collector_detail = policy;
  }

  // Neighbor-detail RPCs sent so far (whole-table and per-peer), for the
  // cost figures (tests/bench).
  std::uint64_t detail_full_rpcs() const noexcept
  {
    return m_detail_full_rpcs.load();
  }
  std::uint64_t detail_peer_rpcs() const noexcept
  {
    return m_detail_peer_rpcs.load();
  }

  // SSH sessions opened so far (persistent sessions: stays at the number
  // of routers while they are healthy).
  std::uint64_t sessions_opened() const noexcept
  {
    return m_sessions_opened.load();
  }

  struct RouterState;

private:
  std::shared_ptr<RouterState> state_for(const RouterConfig& router);
  PollResult poll_one(const RouterConfig& router, RouterState& state, SteadyClock::time_point deadline);

  NetconfConfig m_config;
  Backoff m_backoff;
  std::unique_ptr<boost::asio::thread_pool> m_pool;
  std::mutex m_mutex; // guards m_routers
  std::map<std::string, std::shared_ptr<RouterState>> m_routers;
  std::atomic<std::uint64_t> m_sessions_opened{0};
  std::map<std::string, std::vector<bgp::Address>> m_neighbor_detail;
  std::optional<DetailPolicy> m_collector_detail;
  std::atomic<std::uint64_t> m_detail_full_rpcs{0};
  std::atomic<std::uint64_t> m_detail_peer_rpcs{0};
  // Parsing is CPU only and the biggest transient allocation of a poll (a
  // DOM of a 2,000-peer reply is several MB): at most one parse per core at
  // once, however many replies arrive together (all routers at start-up).
  // Reading is not limited: a slow router never holds a slot.
  std::counting_semaphore<256> m_parse_slots;
};

} // namespace bgpwatch::collector
