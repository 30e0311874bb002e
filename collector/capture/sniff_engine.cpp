// collector/capture/sniff_engine.cpp: see sniff_engine.hpp.
#include "collector/capture/sniff_engine.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace bgpwatch::collector {

namespace {

inline constexpr std::int64_t k_tick_every_us = 1'000'000;

} // namespace

SniffEngine::SniffEngine(SniffObserver& observer, bgp::ReassemblyLimits reassembly, bgp::TrackerLimits tracker)
  : m_observer(observer), m_reassembler(*this, reassembly), m_tracker(tracker)
{
}

void SniffEngine::feed(int link_type, const Frame& frame)
{
  ++m_stats.frames;
  if (m_stats.first_time_us == 0) {
    m_stats.first_time_us = frame.time_us;
  }
  m_stats.last_time_us = frame.time_us;
  if (frame.time_us - m_last_tick_us >= k_tick_every_us) {
    if (m_last_tick_us != 0) {
      tick(frame.time_us);
    }
    m_last_tick_us = frame.time_us;
  }
  auto seg = parse_frame(link_type, frame.bytes, frame.time_us);
  if (!seg) {
    ++m_stats.skipped[static_cast<std::size_t>(seg.error())];
    return;
  }
  ++m_stats.tcp_segments;
  m_reassembler.push(*seg);
}

void SniffEngine::tick(std::int64_t now_us)
{
  m_tracker.tick(now_us, m_transitions);
  publish();
  m_reassembler.expire(now_us);
}

void SniffEngine::publish()
{
  for (const auto& t : m_transitions) {
    m_observer.on_transition(t, m_tracker.sessions()[t.session]);
  }
  m_transitions.clear();
}

void SniffEngine::on_message(const bgp::FlowKey& flow, std::int64_t time_us, std::span<const std::uint8_t> bytes)
{
  const std::uint8_t type = bytes.size() > bgp::k_header_size - 1 ? bytes[bgp::k_header_size - 1] : 0;
  if (type < m_stats.messages.size()) {
    ++m_stats.messages[type];
  }
  auto decoded = bgp::decode_message(bytes, m_tracker.context_for(flow));
  if (!decoded) {
    ++m_stats.malformed;
    m_tracker.on_malformed(flow, time_us, type, m_transitions);
    m_observer.on_malformed(flow, time_us, type, decoded.error());
    publish();
    return;
  }
  m_observer.on_message(flow, time_us, *decoded, bytes.size());
  m_tracker.on_message(flow, time_us, *decoded, m_transitions);
  publish();
}

void SniffEngine::on_stream_event(const bgp::FlowKey& flow, std::int64_t time_us, bgp::StreamEventKind kind,
                                  std::size_t bytes)
{
  if (kind == bgp::StreamEventKind::resync) {
    m_stats.resync_bytes += bytes;
  } else if (kind == bgp::StreamEventKind::gap) {
    m_stats.gap_bytes += bytes;
    ++m_stats.gaps;
  }
  m_observer.on_stream(flow, time_us, kind, bytes);
  m_tracker.on_stream_event(flow, time_us, kind, m_transitions);
  publish();
}

LocalSideRule hub_rule(const bgp::SessionTracker& tracker)
{
  // How many distinct peers each address has.
  std::map<bgp::Address, std::set<bgp::Address>> peers;
  for (const auto& s : tracker.sessions()) {
    peers[s.sides[0].address].insert(s.sides[1].address);
    peers[s.sides[1].address].insert(s.sides[0].address);
  }
  std::map<bgp::Address, std::size_t> degree;
  for (const auto& [a, p] : peers) {
    degree[a] = p.size();
  }
  return [degree](const bgp::TrackedSession& s) {
    const std::size_t d0 = degree.count(s.sides[0].address) ? degree.at(s.sides[0].address) : 0;
    const std::size_t d1 = degree.count(s.sides[1].address) ? degree.at(s.sides[1].address) : 0;
    if (d0 != d1) {
      return d0 > d1 ? 0 : 1;
    }
    if (s.sides[0].sent_syn != s.sides[1].sent_syn) {
      return s.sides[0].sent_syn ? 1 : 0; // the end that received the SYN
    }
    return 0; // side 0 has the lower address
  };
}

std::vector<bgp::Session> sessions_from_tracker(const bgp::SessionTracker& tracker, std::int64_t now_us,
                                                const LocalSideRule& local_side)
{
  struct Pair
  {
    const bgp::TrackedSession* rep = nullptr;
    int local = 0;
    std::uint64_t in = 0, out = 0, flaps = 0;
    std::optional<std::string> last_error;
    std::int64_t last_error_time = 0;
    std::optional<std::uint32_t> peer_as, local_as;
  };
  std::map<std::pair<bgp::Address, bgp::Address>, Pair> pairs;
  std::vector<std::pair<bgp::Address, bgp::Address>> order;
  for (const auto& s : tracker.sessions()) {
    const auto key = std::make_pair(s.sides[0].address, s.sides[1].address);
    auto [it, inserted] = pairs.try_emplace(key);
    if (inserted) {
      order.push_back(key);
    }
    Pair& p = it->second;
    const int local = local_side(s);
    const auto& mine = s.sides[static_cast<std::size_t>(local)];
    const auto& theirs = s.sides[static_cast<std::size_t>(1 - local)];
    p.in += theirs.total_messages();
    p.out += mine.total_messages();
    p.flaps += s.down_count;
    if (s.last_error && s.last_change_us >= p.last_error_time) {
      p.last_error = s.last_error;
      p.last_error_time = s.last_change_us;
    }
    if (theirs.open) {
      p.peer_as = theirs.open->effective_as();
    }
    if (mine.open) {
      p.local_as = mine.open->effective_as();
    }
    // Representative: the latest Established connection, else the latest.
    const bool est = s.state == bgp::SessionState::established;
    const bool rep_est = p.rep && p.rep->state == bgp::SessionState::established;
    if (p.rep == nullptr || (est && !rep_est) || (est == rep_est && s.last_change_us >= p.rep->last_change_us)) {
      p.rep = &s;
      p.local = local;
    }
  }
  std::vector<bgp::Session> out;
  for (const auto& key : order) {
    const Pair& p = pairs.at(key);
    const auto& s = *p.rep;
    bgp::Session r;
    r.address = s.sides[static_cast<std::size_t>(1 - p.local)].address;
    r.local_address = s.sides[static_cast<std::size_t>(p.local)].address;
    r.source = bgp::Source::wire;
    r.state = s.state == bgp::SessionState::unknown ? bgp::SessionState::idle : s.state;
    if (!(s.state == bgp::SessionState::established && s.inferred)) {
      r.uptime_seconds = std::max<std::int64_t>(0, (now_us - s.last_change_us) / 1'000'000);
    }
    r.flaps = p.flaps;
    r.input_messages = p.in;
    r.output_messages = p.out;
    r.peer_as = p.peer_as;
    r.local_as = p.local_as;
    r.last_error = p.last_error;
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace bgpwatch::collector
