// netconf/client.hpp: a NETCONF client for one router over SSH (RFC 6242):
// bounded TCP connect, host key checked against our known_hosts (never
// trust on first use), public-key auth (key file or ssh-agent), the
// "netconf" subsystem, hello, then raw-XML RPCs with deadlines. Not
// thread-safe: one Client is used by one thread at a time.
#pragma once

#include "bgp/expected.hpp"
#include "netconf/error.hpp"
#include "netconf/framing.hpp"
#include "netconf/transport.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bgpwatch::netconf {

struct Endpoint
{
  std::string name; // for messages: "cr1-eqiad"
  std::string host;
  std::uint16_t port = 830;
};

struct ClientOptions
{
  std::string username;
  std::optional<std::string> private_key; // path; empty: ssh-agent (SSH_AUTH_SOCK)
  std::string known_hosts;                // path; read only, never written
  std::chrono::milliseconds connect_timeout{10000}; // TCP connect
  std::chrono::milliseconds rpc_timeout{30000};     // SSH set-up + hello, and each RPC
  std::uint64_t max_reply_bytes = 64u << 20;
  bool offer_base_1_1 = true; // offer chunked framing (RFC 6242 4.1)
};

class ProtocolSession;
class SshChannel;

class Client
{
public:
  // Every error message starts with "<name> (<host>:<port>): ", says what
  // failed and what to do. Never contains key material.
  static Expected<std::unique_ptr<Client>, NetconfError> connect(const Endpoint& endpoint,
                                                                  const ClientOptions& options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Raw <rpc-reply> text, after message-id and <rpc-error> checks.
  // Bounded by rpc_timeout, or `deadline` when that is earlier.
  Expected<std::string, NetconfError> rpc(std::string_view operation_xml);
  Expected<std::string, NetconfError> rpc(std::string_view operation_xml, SteadyClock::time_point deadline);

  // <close-session>, then SSH disconnect; bounded by min(rpc_timeout, 5 s).
  void close();

  // False once the session failed (framing, timeout, close...): reconnect.
  bool usable() const noexcept;
  Framing framing() const noexcept;
  const Endpoint& endpoint() const noexcept
  {
    return m_endpoint;
  }

private:
  Client(Endpoint endpoint, ClientOptions options);
  NetconfError decorate(NetconfError error) const;

  Endpoint m_endpoint;
  ClientOptions m_options;
  std::unique_ptr<SshChannel> m_channel;
  std::unique_ptr<ProtocolSession> m_protocol;
  bool m_closed = false;
};

// "what to do" for an error code, appended to Client messages.
std::string_view advice(NetconfErrc code) noexcept;

} // namespace bgpwatch::netconf
