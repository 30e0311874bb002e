#include "netconf/error.hpp"

namespace bgpwatch::netconf {

std::string_view to_string(NetconfErrc code) noexcept
{
  switch (code) {
  case NetconfErrc::resolve:
    return "resolve";
  case NetconfErrc::connect_refused:
    return "connect_refused";
  case NetconfErrc::connect_timeout:
    return "connect_timeout";
  case NetconfErrc::ssh_handshake:
    return "ssh_handshake";
  case NetconfErrc::hostkey_unknown:
    return "hostkey_unknown";
  case NetconfErrc::hostkey_changed:
    return "hostkey_changed";
  case NetconfErrc::auth_refused:
    return "auth_refused";
  case NetconfErrc::subsystem_refused:
    return "subsystem_refused";
  case NetconfErrc::hello:
    return "hello";
  case NetconfErrc::framing:
    return "framing";
  case NetconfErrc::closed:
    return "closed";
  case NetconfErrc::timeout:
    return "timeout";
  case NetconfErrc::message_id:
    return "message_id";
  case NetconfErrc::rpc_error:
    return "rpc_error";
  case NetconfErrc::reply_too_large:
    return "reply_too_large";
  case NetconfErrc::io:
    return "io";
  }
  return "io";
}

} // namespace bgpwatch::netconf
