// collector/sources/wire_source.cpp: see wire_source.hpp.
#include "collector/sources/wire_source.hpp"
#include "collector/base/barrier.hpp"

#include "collector/capture/pcap_reader.hpp"
#include "collector/capture/sniff_engine.hpp"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <array>
#include <chrono>
#include <cstring>

namespace bgpwatch::collector {

namespace {

std::int64_t wall_us()
{
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

std::set<bgp::Address> local_addresses(const std::string& interface)
{
  std::set<bgp::Address> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return out;
  }
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || (interface != "any" && interface != i->ifa_name)) {
      continue;
    }
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      std::array<std::uint8_t, 4> b{};
      std::memcpy(b.data(), &sin->sin_addr, 4);
      out.insert(bgp::Address::v4(b));
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      std::array<std::uint8_t, 16> b{};
      std::memcpy(b.data(), &sin6->sin6_addr, 16);
      out.insert(bgp::Address::v6(b));
    }
  }
  freeifaddrs(list);
  return out;
}

WireSource::WireSource(std::string interface, std::string bpf_filter)
  : m_interface(std::move(interface)), m_filter(bpf_filter.empty() ? k_default_bpf : std::move(bpf_filter)),
    m_started(SteadyClock::now())
{
  m_local_addresses = local_addresses(m_interface);
  auto reader = PcapReader::open_live(m_interface, m_filter);
  if (!reader) {
    m_open_error = reader.error().message;
    return;
  }
  m_reader = std::move(*reader);
  static SniffObserver quiet;
  m_engine = std::make_unique<SniffEngine>(quiet);
  m_thread = std::thread([this] { guard_thread("packet capture", [this] { run(); }); });
}

WireSource::~WireSource()
{
  m_stop.store(true);
  if (m_reader) {
    m_reader->break_loop();
  }
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void WireSource::run()
{
  Frame frame;
  std::int64_t last_tick = wall_us();
  while (!m_stop.load()) {
    const auto next = m_reader->next(frame); // returns at least every read timeout
    std::lock_guard<std::mutex> lock(m_mutex);
    if (next == PcapReader::Next::frame) {
      m_engine->feed(m_reader->link_type(), frame);
    } else if (next == PcapReader::Next::error) {
      m_run_error = "capture on '" + m_interface + "' failed: " + m_reader->last_error();
      return;
    } else if (next == PcapReader::Next::end) {
      return;
    }
    const std::int64_t now = wall_us();
    if (now - last_tick >= 1'000'000) {
      m_engine->tick(now); // hold-timer silence with no packets at all
      last_tick = now;
    }
  }
}

Expected<std::vector<bgp::Session>, std::string> WireSource::read(SteadyClock::time_point)
{
  if (!m_open_error.empty()) {
    return Unexpected(m_open_error);
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_run_error.empty()) {
    return Unexpected(m_run_error);
  }
  const auto& locals = m_local_addresses;
  const auto hub = hub_rule(m_engine->tracker());
  // The node is the end whose address is ours; if neither or both are (a
  // capture of traffic between two local namespaces), fall back to the hub rule.
  LocalSideRule rule = [&locals, &hub](const bgp::TrackedSession& s) {
    const bool l0 = locals.count(s.sides[0].address) != 0;
    const bool l1 = locals.count(s.sides[1].address) != 0;
    if (l0 != l1) {
      return l0 ? 0 : 1;
    }
    return hub(s);
  };
  auto sessions = sessions_from_tracker(m_engine->tracker(), wall_us(), rule);
  if (sessions.empty()) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now() - m_started).count();
    return Unexpected("no BGP session seen on '" + m_interface + "' in " + std::to_string(secs)
                      + " s of capture (filter '" + m_filter + "'); an Established session shows within one "
                      "keepalive interval");
  }
  return sessions;
}

std::string WireSource::describe() const
{
  return "BGP on the wire (" + m_interface + ", '" + m_filter + "')";
}

SourceInfo WireSource::info() const
{
  return {bgp::Source::wire, describe(), {{"interface", {m_interface}, false}, {"filter", {m_filter}, false}}};
}

} // namespace bgpwatch::collector
