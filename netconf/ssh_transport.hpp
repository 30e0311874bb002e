// netconf/ssh_transport.hpp: the SSH side of RFC 6242 on libssh 0.10.
// Owns the TCP socket (connected by us, non-blocking, bounded), the
// libssh session and the "netconf" subsystem channel.
#pragma once

#include "netconf/client.hpp"
#include "netconf/transport.hpp"

#include <memory>

namespace bgpwatch::netconf {

// Connects TCP within connect_deadline (every address getaddrinfo gives),
// then SSH handshake, host key check, auth and subsystem within
// setup_deadline. Errors carry the specific NetconfErrc, no router prefix.
Expected<int, NetconfError> tcp_connect(const std::string& host, std::uint16_t port,
                                        SteadyClock::time_point deadline);

// What a private key file is to libssh, found without prompting: usable,
// passphrase-protected (usable only through ssh-agent), or not a key it
// can read.
enum class PrivateKeyProbe : std::uint8_t { usable, encrypted, unusable };
PrivateKeyProbe probe_private_key(const std::string& path);

class SshChannel final : public Transport
{
public:
  static Expected<std::unique_ptr<SshChannel>, NetconfError> open(const Endpoint& endpoint,
                                                                  const ClientOptions& options,
                                                                  SteadyClock::time_point connect_deadline,
                                                                  SteadyClock::time_point setup_deadline);
  ~SshChannel() override;

  Expected<void, NetconfError> write_all(std::string_view bytes, SteadyClock::time_point deadline) override;
  Expected<std::string, NetconfError> read_some(SteadyClock::time_point deadline) override;

  // EOF + channel close + disconnect. Idempotent.
  void shutdown() noexcept;

  struct Impl;

private:
  explicit SshChannel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

} // namespace bgpwatch::netconf
