// collector/gate/signals.hpp: SIGINT/SIGTERM for the waits, as a file
// descriptor (self-pipe) so the wait loop can sleep on "next poll due", "poll
// finished" and "operator said stop" at once, without polling a flag.
#pragma once

#include <chrono>
#include <optional>

namespace bgpwatch::collector {

class StopSignals
{
public:
  // Installs the handlers (process-wide; one instance at a time).
  StopSignals();
  ~StopSignals(); // restores the previous handlers
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The signal that asked us to stop, if any so far.
  std::optional<int> received() const noexcept;

  // Sleeps until `timeout` passes, a signal arrives, or `extra_fd` (if >= 0)
  // becomes readable. Returns true if a stop signal has been received.
  bool wait(std::chrono::milliseconds timeout, int extra_fd = -1) const;

private:
  int m_pipe[2] = {-1, -1};
};

// "SIGTERM", "SIGINT", else "signal N".
const char* signal_name(int signal) noexcept;

} // namespace bgpwatch::collector
