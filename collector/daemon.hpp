// collector/daemon.hpp: `bgpwatch collect` (SPEC "Collector"). One
// io_context thread owns the state, the HTTP server, the per-router timers
// and the signals; blocking work (NETCONF polls, inventory look-ups) runs on
// a fixed worker pool and posts its result back. Each router is polled
// every interval on its own schedule (a random phase, so 50 routers do not
// all fire at once); a router still being polled is skipped, never queued,
// so a slow or dead router delays nobody but itself. The Poller keeps one
// persistent NETCONF session per router and reconnects with capped,
// jittered backoff.
#pragma once

#include "collector/config.hpp"

#include <memory>
#include <optional>
#include <string>

namespace bgpwatch::collector {

struct DaemonOptions
{
  std::string config_path;
  std::optional<std::string> listen; // --listen, else config collector.listen
};

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
