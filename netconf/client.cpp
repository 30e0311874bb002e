// netconf/client.cpp: Client = SshChannel (transport) + ProtocolSession
// (NETCONF), plus the router-named, actionable error messages.
#include "netconf/client.hpp"

#include "netconf/protocol.hpp"
#include "netconf/ssh_transport.hpp"

#include <algorithm>

namespace bgpwatch::netconf {

std::string_view advice(NetconfErrc code) noexcept
{
  switch (code) {
  case NetconfErrc::resolve:
    return "check the router's host in the configuration and DNS";
  case NetconfErrc::connect_refused:
    return "check the port, and that NETCONF over SSH is enabled on the router (set system services netconf ssh)";
  case NetconfErrc::connect_timeout:
    return "check routing and firewalls to the router's NETCONF port, or raise netconf.connect_timeout";
  case NetconfErrc::ssh_handshake:
    return "check that the port is the router's SSH/NETCONF port";
  case NetconfErrc::hostkey_unknown:
    return "verify the router's key out of band, then add it to the known_hosts file (bgpwatch never trusts on "
           "first use)";
  case NetconfErrc::hostkey_changed:
    return "if the router was replaced or re-keyed, verify the new key out of band and update known_hosts; "
           "otherwise treat as a possible man-in-the-middle";
  case NetconfErrc::auth_refused:
    return "check netconf.username, the key (or ssh-agent), and that the router has the public key for that user";
  case NetconfErrc::subsystem_refused:
    return "enable NETCONF on the router (set system services netconf ssh)";
  case NetconfErrc::hello:
    return "the device does not speak NETCONF base:1.0/1.1 on this port";
  case NetconfErrc::framing:
    return "the router sent a malformed NETCONF message; the session is dropped and reopened at the next poll";
  case NetconfErrc::closed:
    return "the session is reopened at the next poll; if it persists, check the router's NETCONF/SSH limits";
  case NetconfErrc::timeout:
    return "the router is slow or hung: check its load, or raise netconf.rpc_timeout";
  case NetconfErrc::message_id:
    return "the session lost step and is reopened at the next poll";
  case NetconfErrc::rpc_error:
    return "check that the router's login class allows get-bgp-summary-information";
  case NetconfErrc::reply_too_large:
    return "raise the reply size limit (netconf max_reply_bytes) if such a reply is expected";
  case NetconfErrc::io:
    return "the session is reopened at the next poll";
  }
  return "";
}

Client::Client(Endpoint endpoint, ClientOptions options)
  : m_endpoint(std::move(endpoint)), m_options(std::move(options))
{
}

Client::~Client()
{
  close();
}

NetconfError Client::decorate(NetconfError error) const
{
  const std::string& name = m_endpoint.name.empty() ? m_endpoint.host : m_endpoint.name;
  const bool v6 = m_endpoint.host.find(':') != std::string::npos;
  const std::string where = (v6 ? "[" + m_endpoint.host + "]" : m_endpoint.host) + ":" + std::to_string(m_endpoint.port);
  error.message = name + " (" + where + "): " + error.message + "; " + std::string(advice(error.code));
  return error;
}

Expected<std::unique_ptr<Client>, NetconfError> Client::connect(const Endpoint& endpoint, const ClientOptions& options)
{
  std::unique_ptr<Client> client(new Client(endpoint, options));
  const auto start = SteadyClock::now();
  const auto connect_deadline = start + options.connect_timeout;
  auto channel = SshChannel::open(endpoint, options, connect_deadline,
                                  connect_deadline + options.rpc_timeout);
  if (!channel) {
    return Unexpected(client->decorate(std::move(channel).error()));
  }
  client->m_channel = std::move(*channel);
  client->m_protocol = std::make_unique<ProtocolSession>(*client->m_channel, options.max_reply_bytes,
                                                          options.offer_base_1_1);
  // SSH set-up and the hello share one rpc_timeout after the TCP connect.
  auto hello = client->m_protocol->hello(connect_deadline + options.rpc_timeout);
  if (!hello) {
    client->m_closed = true;
    client->m_channel->shutdown();
    return Unexpected(client->decorate(std::move(hello).error()));
  }
  return client;
}

Expected<std::string, NetconfError> Client::rpc(std::string_view operation_xml)
{
  return rpc(operation_xml, SteadyClock::now() + m_options.rpc_timeout);
}

Expected<std::string, NetconfError> Client::rpc(std::string_view operation_xml, SteadyClock::time_point deadline)
{
  if (m_closed || !m_protocol) {
    return Unexpected(decorate(NetconfError{NetconfErrc::closed, "the session is closed"}));
  }
  deadline = std::min(deadline, SteadyClock::now() + m_options.rpc_timeout);
  auto reply = m_protocol->rpc(operation_xml, deadline);
  if (!reply) {
    return Unexpected(decorate(std::move(reply).error()));
  }
  return reply;
}

void Client::close()
{
  if (m_closed) {
    return;
  }
  m_closed = true;
  if (m_protocol && !m_protocol->broken()) {
    const auto bound = std::min<std::chrono::milliseconds>(m_options.rpc_timeout, std::chrono::milliseconds(5000));
    (void)m_protocol->close_session(SteadyClock::now() + bound);
  }
  if (m_channel) {
    m_channel->shutdown();
  }
}

bool Client::usable() const noexcept
{
  return !m_closed && m_protocol && !m_protocol->broken();
}

Framing Client::framing() const noexcept
{
  return m_protocol ? m_protocol->framing() : Framing::eom;
}

} // namespace bgpwatch::netconf
