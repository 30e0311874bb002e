// collector/gate/signals.hpp: SIGINT/SIGTERM for the waits, as a file
// descriptor (self-pipe) so the wait loop can sleep on "next poll due", "poll
// finished" and "operator said stop" at once, without polling a flag.
//
// Instances nest: gate holds one for its whole run (a stop signal at any
// moment, even after the wait said ready, means CMD never runs), and the
// wait loop inside it opens its own. The handlers are installed by the
// outermost instance and restored when it goes; a signal received while any
// instance lives stays received until then (issue 13: the signal that lands
// while the last poll completes must not be forgotten).
#pragma once

#include <chrono>
#include <optional>

namespace bgpwatch::collector {

class StopSignals
{
public:
  // Installs the handlers (process-wide) if no instance is alive.
  StopSignals();
  ~StopSignals(); // the outermost one restores the previous handlers
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The signal that asked us to stop, if any so far.
  std::optional<int> received() const noexcept;

  // Sleeps until `timeout` passes, a signal arrives, or `extra_fd` (if >= 0)
  // becomes readable. Returns true if a stop signal has been received.
  bool wait(std::chrono::milliseconds timeout, int extra_fd = -1) const;

private:
  int m_pipe[2] = {-1, -1};
  int m_previous_write_fd = -1;
  bool m_outermost = false;
};

// "SIGTERM", "SIGINT", else "signal".
const char* signal_name(int signal) noexcept;

// The exit code of a command stopped by `signal` (SPEC "Additions": 130 for
// SIGINT, 143 for SIGTERM): 128 + the signal number, the shell's convention.
constexpr int interrupted_exit_code(int signal) noexcept
{
  return 128 + signal;
}

} // namespace bgpwatch::collector
