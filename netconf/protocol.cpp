// netconf/protocol.cpp: hello, rpc and close-session over a Transport.
#include "netconf/protocol.hpp"

namespace bgpwatch::netconf {

ProtocolSession::ProtocolSession(Transport& transport, std::uint64_t max_message_bytes, bool offer_base_1_1)
  : m_transport(transport), m_deframer(Framing::eom, max_message_bytes), m_offer_1_1(offer_base_1_1)
{
}

Unexpected<NetconfError> ProtocolSession::fail(NetconfError error)
{
  m_broken = true;
  return Unexpected(std::move(error));
}

Expected<std::string, NetconfError> ProtocolSession::read_message(SteadyClock::time_point deadline,
                                                                 std::string_view waiting_for)
{
  for (;;) {
    auto message = m_deframer.next();
    if (!message) {
      NetconfError e = std::move(message).error();
      e.message = "in " + std::string(waiting_for) + ": " + e.message;
      return fail(std::move(e));
    }
    if (*message) {
      return std::move(**message);
    }
    auto bytes = m_transport.read_some(deadline);
    if (!bytes) {
      NetconfError e = std::move(bytes).error();
      const std::uint64_t got = m_deframer.pending_bytes();
      if (e.code == NetconfErrc::closed) {
        e.message = m_deframer.at_boundary()
                      ? "the server closed the session before sending " + std::string(waiting_for)
                      : "the server closed the session in the middle of " + std::string(waiting_for) + " after "
                          + std::to_string(got) + " bytes (truncated " + std::string(to_string(framing()))
                          + " frame)";
      } else if (e.code == NetconfErrc::timeout) {
        e.message = "timed out waiting for " + std::string(waiting_for) + " (" + std::to_string(got)
                    + " bytes received)";
      }
      return fail(std::move(e));
    }
    m_deframer.feed(*bytes);
  }
}

Expected<Hello, NetconfError> ProtocolSession::hello(SteadyClock::time_point deadline)
{
  std::vector<std::string> ours{std::string(k_base_1_0)};
  if (m_offer_1_1) {
    ours.emplace_back(k_base_1_1);
  }
  // RFC 6242 4.1: hellos are always EOM-framed.
  if (auto w = m_transport.write_all(frame_message(Framing::eom, build_hello(ours)), deadline); !w) {
    return fail(w.error());
  }
  auto text = read_message(deadline, "the server's <hello>");
  if (!text) {
    return Unexpected(std::move(text).error());
  }
  auto hello = parse_hello(*text);
  if (!hello) {
    return fail(std::move(hello).error());
  }
  auto framing = negotiate_framing(ours, hello->capabilities);
  if (!framing) {
    return fail(std::move(framing).error());
  }
  m_deframer.set_framing(*framing);
  return hello;
}

Expected<std::string, NetconfError> ProtocolSession::rpc(std::string_view operation_xml,
                                                         SteadyClock::time_point deadline)
{
  if (m_broken) {
    return Unexpected(NetconfError{NetconfErrc::io, "session already failed; reconnect"});
  }
  const std::uint64_t id = m_next_id++;
  const std::string op = operation_name(operation_xml);
  if (auto w = m_transport.write_all(frame_message(framing(), build_rpc(id, operation_xml)), deadline); !w) {
    NetconfError e = w.error();
    e.message = "sending <" + op + ">: " + e.message;
    return fail(std::move(e));
  }
  auto reply = read_message(deadline, "the reply to <" + op + ">");
  if (!reply) {
    return Unexpected(std::move(reply).error());
  }
  auto info = inspect_reply(*reply, id);
  if (!info) {
    NetconfError e = std::move(info).error();
    if (e.code == NetconfErrc::rpc_error) {
      // The session itself is fine after an rpc-error: keep it.
      e.message = "<" + op + "> failed on the router: " + e.message;
      return Unexpected(std::move(e));
    }
    e.message = "the reply to <" + op + ">: " + e.message;
    return fail(std::move(e));
  }
  return reply;
}

Expected<void, NetconfError> ProtocolSession::close_session(SteadyClock::time_point deadline)
{
  if (m_broken) {
    return {};
  }
  auto reply = rpc("<close-session/>", deadline);
  m_broken = true; // nothing more may be sent after close-session
  if (!reply) {
    return Unexpected(std::move(reply).error());
  }
  return {};
}

} // namespace bgpwatch::netconf
