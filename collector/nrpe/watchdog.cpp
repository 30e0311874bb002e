// collector/nrpe/watchdog.cpp: see nrpe_watchdog.hpp.
#include "collector/nrpe/watchdog.hpp"

#include "collector/base/barrier.hpp"

#include "bgp/duration.hpp"
#include "collector/nrpe/plugin.hpp"

#include <unistd.h>

namespace bgpwatch::collector {

PluginWatchdog::PluginWatchdog(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds timeout)
  : m_deadline(deadline), m_timeout(timeout), m_thread([this] { guard_thread("NRPE watchdog", [this] { run(); }); })
{
}

PluginWatchdog::~PluginWatchdog()
{
  {
    std::lock_guard lock(m_mutex);
    m_claimed = true;
  }
  m_cv.notify_all();
  m_thread.join();
}

void PluginWatchdog::waiting_for(std::string what)
{
  std::lock_guard lock(m_mutex);
  m_what = std::move(what);
}

std::string PluginWatchdog::waiting() const
{
  std::lock_guard lock(m_mutex);
  return m_what;
}

bool PluginWatchdog::claim_output()
{
  std::lock_guard lock(m_mutex);
  if (m_fired) {
    return false;
  }
  m_claimed = true;
  m_cv.notify_all();
  return true;
}

std::string PluginWatchdog::timeout_line(std::chrono::milliseconds timeout, const std::string& what)
{
  return "BGPWATCH UNKNOWN - " + sanitize_text("timed out after " + bgp::format_duration(timeout) + " waiting for "
                                               + what);
}

void PluginWatchdog::run()
{
  std::unique_lock lock(m_mutex);
  if (m_cv.wait_until(lock, m_deadline, [this] { return m_claimed; })) {
    return;
  }
  m_fired = true;
  const std::string line = timeout_line(m_timeout, m_what) + "\n";
  lock.unlock();
  // write(2) and _exit(2): the check's threads may be inside stdio or
  // spdlog; no exit handlers or static destructors may run under them.
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ::_exit(3); // Monitoring Plugins: UNKNOWN
}

} // namespace bgpwatch::collector
