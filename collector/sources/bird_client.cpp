// collector/sources/bird_client.cpp: BIRD control-socket I/O (see bird_client.hpp).
#include "collector/sources/bird_client.hpp"

#include "bgp/bird_reply.hpp"

#include <cerrno>
#include <cstring>
#include <thread>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace bgpwatch::collector {

namespace {

using std::chrono::milliseconds;

constexpr std::size_t k_read_chunk = 64 * 1024;
constexpr milliseconds k_connect_retry{10}; // backlog full (EAGAIN): retry

int remaining_ms(SteadyClock::time_point deadline)
{
  const auto left = std::chrono::ceil<milliseconds>(deadline - SteadyClock::now()).count();
  if (left <= 0) {
    return 0;
  }
  return left > 60'000 ? 60'000 : static_cast<int>(left);
}

std::string elapsed_ms(SteadyClock::time_point since)
{
  return std::to_string(std::chrono::duration_cast<milliseconds>(SteadyClock::now() - since).count()) + " ms";
}

std::string printable(std::string_view text)
{
  constexpr std::size_t k_max = 80;
  std::string out;
  for (char c : text.substr(0, k_max)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  return text.size() > k_max ? out + "..." : out;
}

std::string missing_socket(const std::string& path)
{
  return "BIRD control socket " + path
         + " does not exist (is BIRD running? calico-node creates it; another path: --socket PATH)";
}

std::string permission_denied(const std::string& path)
{
  return "permission denied on BIRD control socket " + path
         + " (connecting needs write access to the socket: run as root or as a member of its group)";
}

std::string errno_message(const std::string& path, int err)
{
  switch (err) {
  case ENOENT:
    return missing_socket(path);
  case EACCES:
  case EPERM:
    return permission_denied(path);
  case ECONNREFUSED:
    return "nothing listens on BIRD control socket " + path
           + " (connection refused: BIRD is not running, or the socket file is stale)";
  case ENOTSOCK:
    return path + " is not a socket (BIRD's control socket is a Unix stream socket; check the path)";
  default:
    return "cannot connect to BIRD control socket " + path + ": " + std::strerror(err);
  }
}

} // namespace

BirdConnection::BirdConnection(int fd, std::string path, std::size_t max_reply)
  : m_fd(fd), m_path(std::move(path)), m_max_reply(max_reply)
{
}

BirdConnection::BirdConnection(BirdConnection&& other) noexcept
  : m_fd(other.m_fd),
    m_path(std::move(other.m_path)),
    m_version(std::move(other.m_version)),
    m_buffer(std::move(other.m_buffer)),
    m_max_reply(other.m_max_reply)
{
  other.m_fd = -1;
}

BirdConnection& BirdConnection::operator=(BirdConnection&& other) noexcept
{
  if (this != &other) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = other.m_fd;
    other.m_fd = -1;
    m_path = std::move(other.m_path);
    m_version = std::move(other.m_version);
    m_buffer = std::move(other.m_buffer);
    m_max_reply = other.m_max_reply;
  }
  return *this;
}

BirdConnection::~BirdConnection()
{
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

Expected<BirdConnection, std::string> BirdConnection::open(const std::string& path,
                                                           SteadyClock::time_point deadline,
                                                           std::size_t max_reply)
{
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return Unexpected("BIRD control socket path '" + path + "' is empty or longer than "
                      + std::to_string(sizeof(addr.sun_path) - 1) + " bytes");
  }
  // stat first: "not a socket" and "missing" read better than connect's errno.
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    return Unexpected(errno_message(path, errno));
  }
  if (!S_ISSOCK(st.st_mode)) {
    return Unexpected(errno_message(path, ENOTSOCK));
  }
  std::memcpy(addr.sun_path, path.data(), path.size());

  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    return Unexpected("cannot create a Unix socket for " + path + ": " + std::strerror(errno));
  }
  BirdConnection conn(fd, path, max_reply);
  const auto started = SteadyClock::now();
  for (;;) {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0) {
      break;
    }
    const int err = errno;
    if (err == EINTR) {
      continue;
    }
    // A Unix stream socket whose backlog is full says EAGAIN (no
    // EINPROGRESS for AF_UNIX): BIRD is alive but not accepting. Retry.
    if (err == EAGAIN) {
      if (remaining_ms(deadline) == 0) {
        return Unexpected("BIRD at " + path + " did not accept the connection within " + elapsed_ms(started));
      }
      std::this_thread::sleep_for(k_connect_retry);
      continue;
    }
    return Unexpected(errno_message(path, err));
  }

  auto greeting = conn.read_reply("the greeting", deadline);
  if (!greeting) {
    return Unexpected(greeting.error());
  }
  // "0001 BIRD 1.6.8 ready."
  std::string_view g = *greeting;
  while (!g.empty() && (g.back() == '\n' || g.back() == '\r')) {
    g.remove_suffix(1);
  }
  constexpr std::string_view k_prefix = "0001 BIRD ";
  constexpr std::string_view k_suffix = " ready.";
  if (!g.starts_with(k_prefix) || !g.ends_with(k_suffix) || g.find('\n') != std::string_view::npos) {
    return Unexpected(path + " did not greet like BIRD's control socket: '" + printable(g) + "'");
  }
  conn.m_version = std::string(g.substr(k_prefix.size(), g.size() - k_prefix.size() - k_suffix.size()));
  return conn;
}

Expected<std::string, std::string> BirdConnection::read_reply(std::string_view what,
                                                              SteadyClock::time_point deadline)
{
  const auto started = SteadyClock::now();
  char chunk[k_read_chunk];
  for (;;) {
    const auto end = bgp::find_bird_reply_end(m_buffer);
    if (end && *end <= m_max_reply) {
      std::string reply = m_buffer.substr(0, *end);
      m_buffer.erase(0, *end);
      return reply;
    }
    if ((end && *end > m_max_reply) || m_buffer.size() > m_max_reply) {
      return Unexpected("the reply of BIRD at " + m_path + " to " + std::string(what) + " exceeds "
                        + std::to_string(m_max_reply) + " bytes");
    }
    const int wait = remaining_ms(deadline);
    if (wait == 0) {
      return Unexpected("BIRD at " + m_path + " did not answer " + std::string(what) + " within "
                        + elapsed_ms(started) + (m_buffer.empty() ? "" : " (reply incomplete)"));
    }
    pollfd p{m_fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, wait);
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Unexpected("waiting for BIRD at " + m_path + ": " + std::strerror(errno));
    }
    if (ready == 0) {
      continue; // the deadline check above reports it
    }
    const ssize_t n = ::recv(m_fd, chunk, sizeof(chunk), 0);
    if (n == 0) {
      return Unexpected("BIRD at " + m_path + " closed the connection before completing its answer to "
                        + std::string(what));
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) {
        continue;
      }
      return Unexpected("reading from BIRD at " + m_path + ": " + std::strerror(errno));
    }
    m_buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

Expected<std::string, std::string> BirdConnection::command(std::string_view command,
                                                           SteadyClock::time_point deadline)
{
  if (command.empty() || command.find_first_of("\r\n") != std::string_view::npos) {
    return Unexpected("BIRD command must be one non-empty line: '" + printable(command) + "'");
  }
  const std::string what = "'" + std::string(command) + "'";
  const std::string line = std::string(command) + "\n";
  const auto started = SteadyClock::now();
  std::size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = ::send(m_fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      const int wait = remaining_ms(deadline);
      if (wait == 0) {
        return Unexpected("BIRD at " + m_path + " did not take the command " + what + " within "
                          + elapsed_ms(started));
      }
      pollfd p{m_fd, POLLOUT, 0};
      (void)::poll(&p, 1, wait);
      continue;
    }
    return Unexpected("sending " + what + " to BIRD at " + m_path + ": " + std::strerror(errno));
  }
  auto reply = read_reply(what, deadline);
  if (!reply) {
    return reply;
  }
  const auto lines = bgp::split_bird_reply(*reply);
  if (!lines && lines.error().code == bgp::ParseErrc::rpc_error) {
    return Unexpected("BIRD at " + m_path + " refused " + what + ": " + lines.error().detail);
  }
  return reply;
}

Expected<std::string, std::string> bird_command(const std::string& socket_path, std::string_view command,
                                                SteadyClock::time_point deadline)
{
  auto conn = BirdConnection::open(socket_path, deadline);
  if (!conn) {
    return Unexpected(conn.error());
  }
  return conn->command(command, deadline);
}

} // namespace bgpwatch::collector
