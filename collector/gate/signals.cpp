// collector/gate/signals.cpp: self-pipe signal handling (see .hpp).
#include "collector/gate/signals.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace bgpwatch::collector {

namespace {

std::atomic<int> g_signal{0};
std::atomic<int> g_write_fd{-1};
int g_depth = 0; // live StopSignals instances (created and destroyed on the command's thread)
struct sigaction g_old_int{};
struct sigaction g_old_term{};

void on_stop_signal(int signal)
{
  const int saved = errno;
  g_signal.store(signal);
  const int fd = g_write_fd.load();
  if (fd >= 0) {
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(fd, &c, 1);
  }
  errno = saved;
}

} // namespace

StopSignals::StopSignals()
{
  if (::pipe2(m_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    m_pipe[0] = m_pipe[1] = -1;
  }
  m_previous_write_fd = g_write_fd.exchange(m_pipe[1]);
  m_outermost = g_depth++ == 0;
  if (!m_outermost) {
    // An outer instance already catches the signals; one already received
    // wakes this instance's waits too.
    if (g_signal.load() != 0 && m_pipe[1] >= 0) {
      const char c = 1;
      [[maybe_unused]] const auto n = ::write(m_pipe[1], &c, 1);
    }
    return;
  }
  g_signal.store(0);
  struct sigaction sa{};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
}

StopSignals::~StopSignals()
{
  --g_depth;
  if (m_outermost) {
    ::sigaction(SIGINT, &g_old_int, nullptr);
    ::sigaction(SIGTERM, &g_old_term, nullptr);
  }
  g_write_fd.store(m_previous_write_fd);
  for (int fd : m_pipe) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

std::optional<int> StopSignals::received() const noexcept
{
  const int s = g_signal.load();
  return s == 0 ? std::nullopt : std::optional<int>(s);
}

bool StopSignals::wait(std::chrono::milliseconds timeout, int extra_fd) const
{
  if (received()) {
    return true;
  }
  pollfd fds[2] = {{m_pipe[0], POLLIN, 0}, {extra_fd, POLLIN, 0}};
  const nfds_t n = extra_fd >= 0 ? 2 : 1;
  const int ms = static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, timeout.count()));
  const int rc = ::poll(fds, n, ms);
  if (rc > 0 && (fds[0].revents & POLLIN) != 0) {
    char buf[16];
    while (::read(m_pipe[0], buf, sizeof(buf)) > 0) {
    }
  }
  return received().has_value();
}

const char* signal_name(int signal) noexcept
{
  switch (signal) {
  case SIGTERM:
    return "SIGTERM";
  case SIGINT:
    return "SIGINT";
  default:
    return "signal";
  }
}

} // namespace bgpwatch::collector
