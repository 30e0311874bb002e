// netconf/protocol.hpp: one NETCONF conversation over a Transport: the
// hello exchange and framing switch (RFC 6242 4.1), rpc/rpc-reply with
// message-id matching (RFC 6241 4), close-session (RFC 6241 7.8). No SSH
// here, so every rule is tested over in-memory transports.
#pragma once

#include "bgp/expected.hpp"
#include "netconf/error.hpp"
#include "netconf/framing.hpp"
#include "netconf/message.hpp"
#include "netconf/transport.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace bgpwatch::netconf {

class ProtocolSession
{
public:
  // max_message_bytes bounds every message read (hello and replies).
  ProtocolSession(Transport& transport, std::uint64_t max_message_bytes, bool offer_base_1_1 = true);

  // Sends our hello, reads the server's, switches framing. Errors: hello,
  // framing, closed, timeout, io.
  Expected<Hello, NetconfError> hello(SteadyClock::time_point deadline);

  // Sends <rpc> with the next message-id and returns the raw <rpc-reply>
  // once inspect_reply accepts it. After any error the session is broken():
  // a stream that lost its place is never reused.
  Expected<std::string, NetconfError> rpc(std::string_view operation_xml, SteadyClock::time_point deadline);

  // <close-session/>, waiting for <ok/> until the deadline at most.
  Expected<void, NetconfError> close_session(SteadyClock::time_point deadline);

  bool broken() const noexcept
  {
    return m_broken;
  }
  Framing framing() const noexcept
  {
    return m_deframer.framing();
  }
  std::uint64_t last_message_id() const noexcept
  {
    return m_next_id - 1;
  }

private:
  Expected<std::string, NetconfError> read_message(SteadyClock::time_point deadline, std::string_view waiting_for);
  Unexpected<NetconfError> fail(NetconfError error);

  Transport& m_transport;
  Deframer m_deframer;
  bool m_offer_1_1;
  bool m_broken = false;
  std::uint64_t m_next_id = 1;
};

} // namespace bgpwatch::netconf
