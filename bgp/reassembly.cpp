// bgp/reassembly.cpp: see reassembly.hpp. The fast path (an in-order segment
// on a stream with nothing buffered) frames messages straight out of the
// segment without copying; only a message split across segments is copied.
#include "bgp/reassembly.hpp"

#include "bgp/byte_reader.hpp"
#include "bgp/wire.hpp"

#include <algorithm>
#include <cstring>

namespace bgpwatch::bgp {

namespace {

using Bytes = std::span<const std::uint8_t>;

// Signed distance from b to a in 32-bit sequence space (RFC 793 §3.3).
std::int32_t seq_diff(std::uint32_t a, std::uint32_t b) noexcept
{
  return static_cast<std::int32_t>(a - b);
}

// A header at the start of data: marker, length >= 19, type 1..5. Lengths
// up to 65535 are accepted at this level (RFC 8654 extended messages); the
// decoder applies the negotiated bound.
bool plausible_header(Bytes data) noexcept
{
  ByteReader r(data);
  const auto marker = r.bytes(k_marker_size);
  const auto length = r.u16be();
  const auto type = r.u8();
  if (!marker || !length || !type) {
    return false;
  }
  for (const auto b : *marker) {
    if (b != 0xff) {
      return false;
    }
  }
  return *length >= k_header_size && *type >= static_cast<std::uint8_t>(MessageType::open)
         && *type <= static_cast<std::uint8_t>(MessageType::route_refresh);
}

} // namespace

std::string_view to_string(StreamEventKind kind) noexcept
{
  switch (kind) {
  case StreamEventKind::syn:
    return "syn";
  case StreamEventKind::fin:
    return "fin";
  case StreamEventKind::rst:
    return "rst";
  case StreamEventKind::resync:
    return "resync";
  case StreamEventKind::gap:
    return "gap";
  case StreamEventKind::expired:
    return "expired";
  }
  return "unknown";
}

std::size_t FlowKeyHash::operator()(const FlowKey& k) const noexcept
{
  // Both addresses as 64-bit words (an IPv4 Address keeps zeros past its 4
  // bytes), mixed with the ports by multiply-xorshift: this runs for every
  // segment and every message.
  std::uint64_t w[4];
  std::memcpy(&w[0], k.src.data(), 8);
  std::memcpy(&w[1], k.src.data() + 8, 8);
  std::memcpy(&w[2], k.dst.data(), 8);
  std::memcpy(&w[3], k.dst.data() + 8, 8);
  std::uint64_t h = (std::uint64_t{k.src_port} << 16 | k.dst_port) ^ (static_cast<std::uint64_t>(k.src.family()) << 40);
  for (const auto x : w) {
    h = (h ^ x) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
  }
  return static_cast<std::size_t>(h);
}

std::size_t find_bgp_header(std::span<const std::uint8_t> data) noexcept
{
  const std::size_t n = data.size();
  std::size_t i = 0;
  while (i < n) {
    const void* p = std::memchr(data.data() + i, 0xff, n - i);
    if (p == nullptr) {
      return n;
    }
    i = static_cast<std::size_t>(static_cast<const std::uint8_t*>(p) - data.data());
    // How many 0xff follow from i (up to a full marker)?
    std::size_t run = 0;
    while (run < k_marker_size && i + run < n && data[i + run] == 0xff) {
      ++run;
    }
    if (i + run == n) {
      return i; // a marker may continue in the next segment
    }
    if (run == k_marker_size) {
      if (i + k_header_size > n) {
        return i; // marker complete, length/type still to come
      }
      if (plausible_header(data.subspan(i))) {
        return i;
      }
    }
    ++i;
  }
  return n;
}

Reassembler::Reassembler(ReassemblySink& sink, ReassemblyLimits limits) : m_sink(sink), m_limits(limits)
{
}

Reassembler::Stream& Reassembler::stream_for(const FlowKey& flow, std::int64_t time_us)
{
  auto it = m_streams.find(flow);
  if (it != m_streams.end()) {
    m_lru.splice(m_lru.begin(), m_lru, it->second.lru);
    return it->second;
  }
  while (!m_lru.empty() && m_streams.size() >= m_limits.max_streams) {
    drop(m_lru.back(), time_us, StreamEventKind::expired);
  }
  m_lru.push_front(flow);
  Stream& s = m_streams[flow];
  s.lru = m_lru.begin();
  s.last_time_us = time_us;
  return s;
}

void Reassembler::drop(const FlowKey& flow, std::int64_t time_us, StreamEventKind kind)
{
  auto it = m_streams.find(flow);
  std::size_t bytes = 0;
  if (it != m_streams.end()) {
    bytes = stream_bytes(it->second);
    m_total_bytes -= std::min(m_total_bytes, bytes);
    m_lru.erase(it->second.lru);
    m_streams.erase(it);
  }
  m_sink.on_stream_event(flow, time_us, kind, bytes);
}

void Reassembler::append(Stream& s, Bytes data)
{
  // Compact before growing: consumed bytes at the front are dead.
  if (s.offset > 0 && (s.offset == s.buffer.size() || s.offset > s.buffer.size() / 2)) {
    s.buffer.erase(s.buffer.begin(), s.buffer.begin() + static_cast<std::ptrdiff_t>(s.offset));
    s.offset = 0;
  }
  s.buffer.insert(s.buffer.end(), data.begin(), data.end());
}

// Frame whole messages out of data; returns how many bytes were used up
// (delivered or skipped). What is left is an incomplete message or marker.
std::size_t Reassembler::frame(const FlowKey& flow, Stream& s, std::int64_t time_us, Bytes data)
{
  std::size_t pos = 0;
  while (pos < data.size()) {
    if (!s.synced) {
      const std::size_t off = find_bgp_header(data.subspan(pos));
      if (off > 0) {
        m_sink.on_stream_event(flow, time_us, StreamEventKind::resync, off);
        pos += off;
      }
      if (data.size() - pos < k_header_size) {
        break; // a possible header, cut off
      }
      s.synced = true;
    }
    const Bytes rest = data.subspan(pos);
    if (rest.size() < k_header_size) {
      break;
    }
    if (!plausible_header(rest)) {
      s.synced = false; // lost the boundary (capture loss): search again
      if (find_bgp_header(rest) == 0) {
        ++pos; // never spin on the same byte
      }
      continue;
    }
    const std::size_t length = (std::size_t{rest[k_marker_size]} << 8) | rest[k_marker_size + 1];
    if (rest.size() < length) {
      break;
    }
    m_sink.on_message(flow, time_us, rest.first(length));
    pos += length;
  }
  return pos;
}

void Reassembler::deliver(const FlowKey& flow, Stream& s, std::int64_t time_us, Bytes data)
{
  s.next_seq += static_cast<std::uint32_t>(data.size());
  if (s.offset == s.buffer.size()) {
    // Fast path: nothing buffered, frame straight from the segment.
    s.buffer.clear();
    s.offset = 0;
    const std::size_t used = frame(flow, s, time_us, data);
    if (used < data.size()) {
      append(s, data.subspan(used));
    }
    return;
  }
  append(s, data);
  const Bytes buffered(s.buffer.data() + s.offset, s.buffer.size() - s.offset);
  s.offset += frame(flow, s, time_us, buffered);
  if (s.offset == s.buffer.size()) {
    s.buffer.clear();
    s.offset = 0;
  }
}

void Reassembler::drain_pending(const FlowKey& flow, Stream& s, std::int64_t time_us)
{
  bool progress = true;
  while (progress && !s.pending.empty()) {
    progress = false;
    for (auto it = s.pending.begin(); it != s.pending.end(); ++it) {
      const std::int32_t diff = seq_diff(it->first, s.next_seq);
      if (diff > 0) {
        continue;
      }
      std::vector<std::uint8_t> data = std::move(it->second);
      s.pending_bytes -= data.size();
      s.pending.erase(it);
      const std::size_t overlap = static_cast<std::size_t>(-static_cast<std::int64_t>(diff));
      if (overlap < data.size()) {
        deliver(flow, s, time_us, Bytes(data).subspan(overlap));
      }
      progress = true;
      break;
    }
  }
}

void Reassembler::skip_gap(const FlowKey& flow, Stream& s, std::int64_t time_us)
{
  // The data between next_seq and the earliest pending segment is lost:
  // whatever partial message was buffered is useless, and the next message
  // boundary has to be found again.
  auto earliest = s.pending.begin();
  for (auto it = s.pending.begin(); it != s.pending.end(); ++it) {
    if (seq_diff(it->first, earliest->first) < 0) {
      earliest = it;
    }
  }
  std::size_t missing = 0;
  if (earliest != s.pending.end()) {
    missing = static_cast<std::size_t>(std::max<std::int32_t>(0, seq_diff(earliest->first, s.next_seq)));
    s.next_seq = earliest->first;
  }
  s.buffer.clear();
  s.offset = 0;
  s.synced = false;
  m_sink.on_stream_event(flow, time_us, StreamEventKind::gap, missing);
  drain_pending(flow, s, time_us);
}

void Reassembler::push(const TcpSegment& seg)
{
  if ((seg.flags & k_tcp_rst) != 0) {
    // The connection is gone, both directions.
    const FlowKey back = seg.flow.reversed();
    if (m_streams.count(back) != 0) {
      auto it = m_streams.find(back);
      m_total_bytes -= std::min(m_total_bytes, stream_bytes(it->second));
      m_lru.erase(it->second.lru);
      m_streams.erase(it);
    }
    drop(seg.flow, seg.time_us, StreamEventKind::rst);
    return;
  }

  Stream& s = stream_for(seg.flow, seg.time_us);
  s.last_time_us = seg.time_us;
  const std::size_t before = stream_bytes(s);

  if ((seg.flags & k_tcp_syn) != 0) {
    // A new connection in this direction starts at a message boundary.
    // (Data on a SYN, TCP Fast Open, is not used by BGP speakers.)
    s.buffer.clear();
    s.offset = 0;
    s.pending.clear();
    s.pending_bytes = 0;
    s.have_seq = true;
    s.synced = true;
    s.fin = false;
    s.next_seq = seg.seq + 1;
    m_total_bytes -= std::min(m_total_bytes, before);
    if ((seg.flags & k_tcp_ack) == 0) {
      m_sink.on_stream_event(seg.flow, seg.time_us, StreamEventKind::syn, 0);
    }
    return;
  }

  Bytes data = seg.payload;
  if (!data.empty() && !s.fin) {
    if (!s.have_seq) {
      // Capture started mid-stream: take this segment as the start, and
      // find the first message boundary in it.
      s.have_seq = true;
      s.synced = false;
      s.next_seq = seg.seq;
    }
    const std::int32_t diff = seq_diff(seg.seq, s.next_seq);
    if (diff < 0) {
      // Retransmission, possibly with some new data at its end.
      const std::size_t overlap = static_cast<std::size_t>(-static_cast<std::int64_t>(diff));
      data = overlap >= data.size() ? Bytes{} : data.subspan(overlap);
    }
    if (!data.empty() && diff > 0) {
      // Out of order: keep it until the hole is filled, within the bounds.
      const bool too_many = s.pending.size() >= m_limits.max_out_of_order_segments;
      const bool too_big = stream_bytes(s) + data.size() > m_limits.max_stream_bytes
                           || m_total_bytes + data.size() > m_limits.max_total_bytes;
      bool duplicate = false;
      for (const auto& p : s.pending) {
        duplicate = duplicate || (p.first == seg.seq && p.second.size() >= data.size());
      }
      if (!duplicate) {
        if ((too_many || too_big) && !s.pending.empty()) {
          skip_gap(seg.flow, s, seg.time_us);
        }
        if (too_big && stream_bytes(s) + data.size() > m_limits.max_stream_bytes) {
          // Even alone it does not fit: give up everything before it.
          s.next_seq = seg.seq;
          s.buffer.clear();
          s.offset = 0;
          s.synced = false;
          m_sink.on_stream_event(seg.flow, seg.time_us, StreamEventKind::gap, static_cast<std::size_t>(diff));
          deliver(seg.flow, s, seg.time_us, data);
        } else if (seq_diff(seg.seq, s.next_seq) > 0) {
          s.pending.emplace_back(seg.seq, std::vector<std::uint8_t>(data.begin(), data.end()));
          s.pending_bytes += data.size();
        } else {
          const std::int32_t d2 = seq_diff(seg.seq, s.next_seq);
          const std::size_t overlap = static_cast<std::size_t>(-static_cast<std::int64_t>(d2));
          if (overlap < data.size()) {
            deliver(seg.flow, s, seg.time_us, data.subspan(overlap));
          }
        }
      }
    } else if (!data.empty()) {
      deliver(seg.flow, s, seg.time_us, data);
      drain_pending(seg.flow, s, seg.time_us);
    }
  }
  const std::size_t after = stream_bytes(s);
  m_total_bytes = m_total_bytes - std::min(m_total_bytes, before) + after;

  if ((seg.flags & k_tcp_fin) != 0) {
    // This direction is done. Anything still buffered can never complete.
    s.fin = true;
    const std::size_t left = stream_bytes(s);
    m_total_bytes -= std::min(m_total_bytes, left);
    m_lru.erase(s.lru);
    m_streams.erase(seg.flow);
    if (left > 0) {
      m_sink.on_stream_event(seg.flow, seg.time_us, StreamEventKind::gap, left);
    }
    m_sink.on_stream_event(seg.flow, seg.time_us, StreamEventKind::fin, 0);
  }
}

void Reassembler::expire(std::int64_t now_us)
{
  while (!m_lru.empty()) {
    const FlowKey oldest = m_lru.back();
    const auto it = m_streams.find(oldest);
    if (it == m_streams.end() || now_us - it->second.last_time_us <= m_limits.idle_timeout_us) {
      break;
    }
    drop(oldest, now_us, StreamEventKind::expired);
  }
}

} // namespace bgpwatch::bgp
