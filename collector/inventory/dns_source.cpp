// collector/inventory/dns_source.cpp: DNS inventory source over getaddrinfo, bounded
// by a deadline (getaddrinfo itself has none: a dead resolver would hang the
// gate for resolv.conf's timeout x attempts x servers).
#include "collector/inventory/dns_source.hpp"
#include "collector/base/barrier.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace bgpwatch::collector {

namespace {

char lower(char c) noexcept
{
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view s)
{
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

DnsAnswer run_getaddrinfo(const std::string& fqdn)
{
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC; // A and AAAA
  hints.ai_socktype = SOCK_STREAM; // one entry per address, not per socket type
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(fqdn.c_str(), nullptr, &hints, &res);
  DnsAnswer answer;
  if (rc != 0) {
    // EAI_NONAME: no such name; EAI_NODATA: the name has no A/AAAA.
    const bool absent = rc == EAI_NONAME
#ifdef EAI_NODATA
                        || rc == EAI_NODATA
#endif
        ;
    answer.status = absent ? DnsAnswer::Status::not_found : DnsAnswer::Status::error;
    answer.error = ::gai_strerror(rc);
    return answer;
  }
  for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    std::optional<bgp::Address> a;
    if (ai->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      std::array<std::uint8_t, 4> b{};
      std::memcpy(b.data(), &sin->sin_addr, 4);
      a = bgp::Address::v4(b);
    } else if (ai->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      std::array<std::uint8_t, 16> b{};
      std::memcpy(b.data(), &sin6->sin6_addr, 16);
      a = bgp::Address::v6(b);
    }
    if (a && std::find(answer.addresses.begin(), answer.addresses.end(), *a) == answer.addresses.end()) {
      answer.addresses.push_back(*a);
    }
  }
  ::freeaddrinfo(res);
  // IPv4 first, then IPv6, each in resolver order: stable output.
  std::stable_partition(answer.addresses.begin(), answer.addresses.end(),
                        [](const bgp::Address& a) { return a.family() == bgp::Family::ipv4; });
  answer.status = answer.addresses.empty() ? DnsAnswer::Status::not_found : DnsAnswer::Status::found;
  if (answer.addresses.empty()) {
    answer.error = "no A or AAAA record";
  }
  return answer;
}

// State shared with a lookup thread that may outlive the caller.
struct Pending
{
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  DnsAnswer answer;
};

class DnsInventory : public InventorySource
{
public:
  DnsInventory(const DnsSource& config, DnsResolver resolver) : m_config(config), m_resolver(std::move(resolver))
  {
  }

  std::string_view kind() const override
  {
    return "dns";
  }

  Expected<std::vector<Node>, std::string> find(std::string_view name, SteadyClock::time_point deadline) override
  {
    struct Candidate
    {
      std::string fqdn;
      std::string site;
    };
    std::vector<Candidate> candidates;
    const std::string query = to_lower(name);
    if (query.find('.') == std::string::npos) {
      for (const auto& [suffix, site] : m_config.domains) {
        candidates.push_back({query + "." + to_lower(suffix), site});
      }
    } else {
      const std::pair<std::string, std::string>* best = nullptr;
      for (const auto& d : m_config.domains) {
        const std::string suffix = "." + to_lower(d.first);
        if (query.size() > suffix.size() && query.ends_with(suffix)
            && (best == nullptr || d.first.size() > best->first.size())) {
          best = &d;
        }
      }
      if (best == nullptr) {
        return std::vector<Node>{}; // not in a configured domain: DNS does not know its site
      }
      candidates.push_back({query, best->second});
    }

    // Every candidate resolves in parallel under the same deadline.
    std::vector<std::shared_ptr<Pending>> pending;
    for (const auto& c : candidates) {
      auto p = std::make_shared<Pending>();
      pending.push_back(p);
      std::thread([p, fqdn = c.fqdn, deadline, resolver = m_resolver] {
        guard_thread("DNS resolver", [&] {
          DnsAnswer a = resolver(fqdn, deadline);
          std::lock_guard lock(p->mutex);
          p->answer = std::move(a);
          p->done = true;
          p->cv.notify_all();
        });
      }).detach();
    }

    std::vector<Node> found;
    std::vector<std::string> errors;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      std::unique_lock lock(pending[i]->mutex);
      if (!pending[i]->cv.wait_until(lock, deadline, [&] { return pending[i]->done; })) {
        errors.push_back(candidates[i].fqdn + ": timed out");
        continue;
      }
      const DnsAnswer& a = pending[i]->answer;
      switch (a.status) {
      case DnsAnswer::Status::found:
        found.push_back(Node{candidates[i].fqdn, candidates[i].site, a.addresses, std::nullopt, "dns"});
        break;
      case DnsAnswer::Status::not_found:
        break;
      case DnsAnswer::Status::error:
        errors.push_back(candidates[i].fqdn + ": " + a.error);
        break;
      }
    }
    // A name that resolved is an answer even if another candidate failed,
    // unless that failure could hide a second match (ambiguity): then we
    // cannot say which node is meant.
    if (!errors.empty() && (found.empty() || candidates.size() > 1)) {
      std::string message;
      for (const auto& e : errors) {
        message += (message.empty() ? "" : ", ") + e;
      }
      return Unexpected(message);
    }
    return found;
  }

  std::optional<Expected<std::vector<Node>, std::string>> list(const std::optional<std::string>&,
                                                               SteadyClock::time_point) override
  {
    return std::nullopt; // DNS cannot enumerate nodes
  }

private:
  DnsSource m_config;
  DnsResolver m_resolver;
};

} // namespace

DnsAnswer resolve_host_addresses(const std::string& fqdn, SteadyClock::time_point deadline)
{
  auto p = std::make_shared<Pending>();
  std::thread([p, fqdn] {
    guard_thread("DNS resolver", [&] {
      DnsAnswer a = run_getaddrinfo(fqdn);
      std::lock_guard lock(p->mutex);
      p->answer = std::move(a);
      p->done = true;
      p->cv.notify_all();
    });
  }).detach();
  std::unique_lock lock(p->mutex);
  if (!p->cv.wait_until(lock, deadline, [&] { return p->done; })) {
    return DnsAnswer{DnsAnswer::Status::error, {}, "timed out"};
  }
  return p->answer;
}

std::unique_ptr<InventorySource> make_dns_source(const DnsSource& config, DnsResolver resolver)
{
  return std::make_unique<DnsInventory>(config, std::move(resolver));
}

} // namespace bgpwatch::collector
