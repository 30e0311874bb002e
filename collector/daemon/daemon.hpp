// collector/daemon/daemon.hpp: `bgpwatch collect` (SPEC "Collector"). One
// io_context thread owns the state, the HTTP server, the per-router timers
// and the signals; blocking work (NETCONF polls, inventory look-ups) runs on
// a fixed worker pool and posts its result back. Each router is polled
// every interval on its own schedule (a random phase, so 50 routers do not
// all fire at once); a router still being polled is skipped, never queued,
// so a slow or dead router delays nobody but itself. The Poller keeps one
// persistent NETCONF session per router and reconnects with capped,
// jittered backoff.
#pragma once

#include "collector/config/config.hpp"
#include "collector/sources/poller.hpp"

#include <memory>
#include <optional>
#include <string>

namespace bgpwatch::collector {

struct DaemonOptions
{
  std::string config_path;
  std::optional<std::string> listen; // --listen, else config collector.listen
};

// The collector's reconnect backoff: 1 s doubling, capped at half the
// interval. The schedule already limits a dead router to one attempt per
// interval; a longer cap would only delay noticing that it is back (with a
// 60 s cap, up to six 10 s intervals after a long outage). With this one,
// every scheduled poll of a failed router tries again: it is read again
// within one interval of answering (plus its poll time).
Backoff collector_backoff(std::chrono::milliseconds interval);

class Daemon
{
public:
  Daemon(DaemonOptions options, Config config);
  ~Daemon();

  // Runs until SIGTERM/SIGINT; returns the exit code (0 on a clean stop,
  // 2 when the listen address cannot be bound).
  int run();

  struct Impl;

private:
  std::unique_ptr<Impl> m_impl;
};

} // namespace bgpwatch::collector
