// collector/nrpe/watchdog.hpp: the plugin's -t/--timeout for the whole run.
// DNS, the Kubernetes API and NETCONF each have their own deadlines, but a
// plugin must answer within -t no matter which of them (or a bug) hangs: a
// thread waits for the deadline and, if the check has not produced its
// output by then, prints "BGPWATCH UNKNOWN - timed out after 10s waiting
// for <what>" and _exit(3)s. stdout carries that one line and nothing else:
// whoever claims the output first (the check or the watchdog) prints.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace bgpwatch::collector {

class PluginWatchdog
{
public:
  // Starts the thread. `deadline` is a steady-clock instant; `timeout` is
  // only for the message.
  PluginWatchdog(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds timeout);
  ~PluginWatchdog(); // stops the thread (after the output was claimed)

  PluginWatchdog(const PluginWatchdog&) = delete;
  PluginWatchdog& operator=(const PluginWatchdog&) = delete;

  // What the run is blocked on now ("the Kubernetes API", "NETCONF from
  // cr1-eqiad, cr2-eqiad"): the end of the timeout message.
  void waiting_for(std::string what);
  std::string waiting() const;

  // The check's turn to print. False if the watchdog already fired (it is
  // printing and about to _exit: the caller must not touch stdout).
  bool claim_output();

  // "BGPWATCH UNKNOWN - timed out after 10s waiting for X" (no newline).
  static std::string timeout_line(std::chrono::milliseconds timeout, const std::string& what);

private:
  void run();

  std::chrono::steady_clock::time_point m_deadline;
  std::chrono::milliseconds m_timeout;
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::string m_what = "the check to start";
  bool m_claimed = false; // by the check (true) — the watchdog then stays quiet
  bool m_fired = false;
  std::thread m_thread;
};

} // namespace bgpwatch::collector
