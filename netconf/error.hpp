// netconf/error.hpp: typed NETCONF/SSH errors. Programs branch on code;
// message is for people and always names the router/host and what to do.
// Secrets (key material, passwords) never appear in a message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bgpwatch::netconf {

enum class NetconfErrc : std::uint8_t {
  resolve,           // host name does not resolve
  connect_refused,   // TCP RST
  connect_timeout,   // TCP connect did not finish in connect_timeout
  ssh_handshake,     // SSH negotiation failed
  hostkey_unknown,   // host not in known_hosts (never accepted on first use)
  hostkey_changed,   // host key differs from known_hosts
  auth_refused,      // no configured credential was accepted
  subsystem_refused, // the server would not start the netconf subsystem
  hello,             // bad/missing <hello>, no common base version
  framing,           // bad chunk header, truncated frame, garbage
  closed,            // the server closed the channel
  timeout,           // an RPC (read or write) ran past its deadline
  message_id,        // a reply for another message-id
  rpc_error,         // <rpc-error> with severity error
  reply_too_large,   // reply over the configured limit
  io,                // any other transport failure
};

std::string_view to_string(NetconfErrc code) noexcept;

struct NetconfError
{
  NetconfErrc code = NetconfErrc::io;
  std::string message;
};

} // namespace bgpwatch::netconf
