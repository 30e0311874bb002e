// collector/sources/bird_client.hpp: talking to BIRD over its control socket (the
// AF_UNIX stream socket calico-node's BIRD listens on: /var/run/calico/
// bird.ctl and bird6.ctl). Framing is bgp/bird_reply.hpp's; this file owns
// only the I/O: connect, read the greeting, send a command, read until the
// final line, all bounded by one deadline and a reply size cap.
//
// Errors are one line for people and always name the socket:
//   "BIRD control socket /var/run/calico/bird.ctl does not exist (...)"
//   "permission denied on BIRD control socket ... (...)"
//   "... is not a socket", "nothing listens on ... (connection refused: ...)"
//   "BIRD at ... did not answer 'show status' within 2000 ms"
//   "BIRD at ... refused 'show bogus': BIRD error 9001: syntax error"
#pragma once

#include "bgp/expected.hpp"
#include "collector/sources/state_source.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace bgpwatch::collector {

// A reply bigger than this is refused (a BIRD with a full table answers
// `show protocols all` in kilobytes; `show route` is never sent).
inline constexpr std::size_t k_bird_client_max_reply = 16u << 20;

// One open control connection. Commands run one after the other on it.
class BirdConnection
{
public:
  BirdConnection(BirdConnection&& other) noexcept;
  BirdConnection& operator=(BirdConnection&& other) noexcept;
  BirdConnection(const BirdConnection&) = delete;
  BirdConnection& operator=(const BirdConnection&) = delete;
  ~BirdConnection();

  // Connects and reads the greeting ("0001 BIRD 1.6.8 ready.").
  static Expected<BirdConnection, std::string> open(const std::string& socket_path,
                                                    SteadyClock::time_point deadline,
                                                    std::size_t max_reply = k_bird_client_max_reply);

  // Sends `command` and returns its raw reply (codes and all, ending with
  // the final line). An 8xxx/9xxx reply is an error quoting BIRD.
  Expected<std::string, std::string> command(std::string_view command, SteadyClock::time_point deadline);

  const std::string& socket_path() const noexcept
  {
    return m_path;
  }
  // "1.6.8", from the greeting.
  const std::string& version() const noexcept
  {
    return m_version;
  }

private:
  BirdConnection(int fd, std::string path, std::size_t max_reply);
  Expected<std::string, std::string> read_reply(std::string_view what, SteadyClock::time_point deadline);

  int m_fd = -1;
  std::string m_path;
  std::string m_version;
  std::string m_buffer; // bytes read past the previous reply
  std::size_t m_max_reply = k_bird_client_max_reply;
};

// One command on a fresh connection: the raw reply (without the greeting).
Expected<std::string, std::string> bird_command(const std::string& socket_path, std::string_view command,
                                                SteadyClock::time_point deadline);

} // namespace bgpwatch::collector
