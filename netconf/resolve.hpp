// netconf/resolve.hpp: getaddrinfo under a deadline. getaddrinfo blocks
// (resolv.conf: 5 s timeout x attempts x servers) and cannot be cancelled,
// so a slow DNS server would stretch a poll and every deadline built on it
// (issue 13 item 8). It runs on its own detached thread; the caller waits
// until the answer or the deadline, whichever comes first. A late answer is
// freed by the thread itself.
#pragma once

#include "bgp/expected.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <sys/socket.h>

namespace bgpwatch::netconf {

struct ResolvedAddress
{
  int family = 0;
  int socktype = 0;
  int protocol = 0;
  sockaddr_storage address{};
  socklen_t length = 0;
};

// AF_UNSPEC, SOCK_STREAM, numeric service. Errors: "cannot resolve 'h':
// <gai_strerror>" or "cannot resolve 'h': no answer within 1.2s (timed out)".
Expected<std::vector<ResolvedAddress>, std::string> resolve_with_deadline(
  const std::string& host, const std::string& service, std::chrono::steady_clock::time_point deadline);

} // namespace bgpwatch::netconf
