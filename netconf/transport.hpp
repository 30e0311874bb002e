// netconf/transport.hpp: the byte pipe under a NETCONF session. The real
// one is an SSH channel (netconf/ssh_transport); tests use in-memory ones.
// Every call takes a deadline: nothing here may block past it.
#pragma once

#include "bgp/expected.hpp"
#include "netconf/error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace bgpwatch::netconf {

using SteadyClock = std::chrono::steady_clock;

class Transport
{
public:
  virtual ~Transport() = default;

  // All of `bytes`, or an error (timeout, closed, io).
  virtual Expected<void, NetconfError> write_all(std::string_view bytes, SteadyClock::time_point deadline) = 0;

  // At least one byte, or an error: timeout when the deadline passes with
  // nothing read, closed on EOF, io otherwise.
  virtual Expected<std::string, NetconfError> read_some(SteadyClock::time_point deadline) = 0;
};

} // namespace bgpwatch::netconf
