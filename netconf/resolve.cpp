// netconf/resolve.cpp: see resolve.hpp.
#include "netconf/resolve.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <netdb.h>
#include <system_error>
#include <thread>

namespace bgpwatch::netconf {

namespace {

struct Lookup
{
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  int rc = 0;
  std::vector<ResolvedAddress> addresses;
};

} // namespace

Expected<std::vector<ResolvedAddress>, std::string> resolve_with_deadline(
  const std::string& host, const std::string& service, std::chrono::steady_clock::time_point deadline)
{
  auto lookup = std::make_shared<Lookup>();
  try {
    // Shared ownership: if we give up at the deadline, the thread still
    // owns the state and frees it when getaddrinfo finally returns.
    std::thread([lookup, host, service] {
      addrinfo hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      hints.ai_flags = AI_NUMERICSERV;
      addrinfo* list = nullptr;
      const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
      std::vector<ResolvedAddress> out;
      for (addrinfo* ai = list; rc == 0 && ai != nullptr; ai = ai->ai_next) {
        ResolvedAddress a;
        a.family = ai->ai_family;
        a.socktype = ai->ai_socktype;
        a.protocol = ai->ai_protocol;
        a.length = static_cast<socklen_t>(std::min<std::size_t>(ai->ai_addrlen, sizeof a.address));
        std::memcpy(&a.address, ai->ai_addr, a.length);
        out.push_back(a);
      }
      if (list != nullptr) {
        ::freeaddrinfo(list);
      }
      std::lock_guard lock(lookup->mutex);
      lookup->rc = rc;
      lookup->addresses = std::move(out);
      lookup->done = true;
      lookup->done_cv.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    return Unexpected("cannot resolve '" + host + "': no thread for the lookup: " + e.what());
  }
  const auto started = std::chrono::steady_clock::now();
  std::unique_lock lock(lookup->mutex);
  if (!lookup->done_cv.wait_until(lock, deadline, [&] { return lookup->done; })) {
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    char text[32];
    std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(waited.count()) / 1000.0);
    return Unexpected("cannot resolve '" + host + "': no answer within " + text + " (timed out)");
  }
  if (lookup->rc != 0) {
    return Unexpected("cannot resolve '" + host + "': " + ::gai_strerror(lookup->rc));
  }
  if (lookup->addresses.empty()) {
    return Unexpected("cannot resolve '" + host + "': no addresses");
  }
  return std::move(lookup->addresses);
}

} // namespace bgpwatch::netconf
