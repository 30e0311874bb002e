// collector/sources/bird_source.hpp: `--source bird`: the node's own view, read from
// BIRD's control sockets (calico-node: /var/run/calico/bird.ctl for IPv4,
// bird6.ctl for IPv6 with BIRD 1.6; one socket with BIRD 2).
//
// Per socket and poll: one connection, `show status` (BIRD's clock and its
// graceful-restart recovery state), then `show protocols all`; uptimes are
// judged against BIRD's own "Current server time" (bgp/bird_time.hpp).
//
// Fails closed: every socket must answer, or read() is an error naming the
// socket (a node whose bird6 is down must not look ready on IPv4 alone).
// One exception, for the default socket pair only: bird6.ctl missing while
// bird.ctl is a BIRD 2 (which serves both families from one socket) is fine.
#pragma once

#include "bgp/bird.hpp"
#include "collector/sources/state_source.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace bgpwatch::collector {

inline constexpr const char* k_default_bird_socket = "/var/run/calico/bird.ctl";
inline constexpr const char* k_default_bird6_socket = "/var/run/calico/bird6.ctl";

enum class BirdSocketSet : std::uint8_t {
  given,       // every socket must answer
  calico_pair, // {bird.ctl, bird6.ctl}: bird6.ctl may be absent next to a BIRD 2
};

// What one socket said in the last read().
struct BirdSocketReport
{
  std::string socket;
  bool ok = false;
  std::string error;                  // when !ok
  std::optional<bgp::BirdStatus> status;
  std::size_t bgp_protocols = 0;
  bool skipped = false;               // the missing bird6.ctl next to a BIRD 2
  std::vector<bgp::Session> sessions; // what this socket said (when ok)
};

class BirdSource : public NodeStateSource
{
public:
  // Empty `sockets`: Calico's default pair. `calico_pair`: the two given
  // sockets are {bird.ctl, bird6.ctl} elsewhere (a relocated run dir; tests),
  // so the BIRD 2 exception above applies to the second.
  explicit BirdSource(std::vector<std::string> sockets, BirdSocketSet set = BirdSocketSet::given);

  Expected<std::vector<bgp::Session>, std::string> read(SteadyClock::time_point deadline) override;
  // "BIRD control sockets /var/run/calico/bird.ctl, /var/run/calico/bird6.ctl"
  std::string describe() const override;
  SourceInfo info() const override;

  // Per socket, from the last read(): version, graceful restart recovery.
  std::vector<BirdSocketReport> last_reports() const;
  // "BIRD 1.6.8 at /var/run/calico/bird.ctl: graceful restart recovery in
  // progress (waiting for 1 protocols, wait timer 235/240)" for each socket
  // in recovery, from the last read(). Empty when none is.
  std::vector<std::string> graceful_restart_notes() const;

  const std::vector<std::string>& sockets() const noexcept
  {
    return m_sockets;
  }

  // read() logs when a socket's BIRD enters graceful restart recovery
  // (warning) and when it leaves it (info), once per change, so a gate run
  // says why routes are not in the kernel yet. Off for callers that print
  // the notes themselves (`bgpwatch bird`).
  void set_log_transitions(bool on) noexcept
  {
    m_log_transitions = on;
  }

private:
  std::vector<std::string> m_sockets;
  bool m_defaults = false; // m_sockets is {bird.ctl, bird6.ctl}: bird6 may be absent next to a BIRD 2
  bool m_log_transitions = true;
  mutable std::mutex m_mutex;
  std::vector<BirdSocketReport> m_reports;
};

// "BIRD 1.6.8 at SOCK: graceful restart recovery in progress (waiting for 1
// protocols, wait timer 235/240)", or empty when that BIRD is not recovering.
std::optional<std::string> graceful_restart_note(const BirdSocketReport& report);

// One socket: show status + show protocols all. Sessions get source=bird.
struct BirdSocketRead
{
  bgp::BirdStatus status;
  std::vector<bgp::Session> sessions;
};
Expected<BirdSocketRead, std::string> read_bird_socket(const std::string& socket_path,
                                                       SteadyClock::time_point deadline);

} // namespace bgpwatch::collector
