// bgp/reassembly.hpp: TCP stream reassembly for BGP (port 179), pure.
//
// Takes TCP segments that the edge (collector/pcap_*) has already parsed out
// of packets, and hands out whole BGP messages, each exactly once and in
// stream order, per direction. Handles out-of-order and retransmitted (also
// partially overlapping) segments, messages split across segments and
// several per segment, and captures that start mid-stream: until a stream is
// known to be at a message boundary (its SYN was seen, or after a gap), it is
// resynchronised on the 16 x 0xFF marker followed by a plausible header.
//
// Memory is bounded: per direction at most `max_stream_bytes` of buffered
// data (in order + out of order), at most `max_total_bytes` over all streams,
// at most `max_streams` directions (the least recently active is evicted).
// A stream is dropped on RST, on FIN (once its data is delivered) and when
// idle for `idle_timeout`. Whatever is dropped or skipped is reported as an
// event: the caller sees every loss.
#pragma once

#include "bgp/session.hpp"

#include <cstddef>
#include <cstdint>
#include <list>
#include <utility>
#include <span>
#include <unordered_map>
#include <vector>

namespace bgpwatch::bgp {

// One direction of a TCP connection.
struct FlowKey
{
  Address src;
  std::uint16_t src_port = 0;
  Address dst;
  std::uint16_t dst_port = 0;

  FlowKey reversed() const
  {
    return FlowKey{dst, dst_port, src, src_port};
  }
  friend bool operator==(const FlowKey&, const FlowKey&) = default;
  friend auto operator<=>(const FlowKey&, const FlowKey&) = default;
};

struct FlowKeyHash
{
  std::size_t operator()(const FlowKey& k) const noexcept;
};

inline constexpr std::uint8_t k_tcp_fin = 0x01;
inline constexpr std::uint8_t k_tcp_syn = 0x02;
inline constexpr std::uint8_t k_tcp_rst = 0x04;
inline constexpr std::uint8_t k_tcp_ack = 0x10;

struct TcpSegment
{
  FlowKey flow;
  std::uint32_t seq = 0;
  std::uint8_t flags = 0; // k_tcp_*
  std::span<const std::uint8_t> payload;
  std::int64_t time_us = 0; // capture timestamp, microseconds since the epoch
};

enum class StreamEventKind : std::uint8_t {
  syn,        // a connection attempt (SYN without ACK) in this direction
  fin,        // FIN: this direction has finished sending
  rst,        // RST: the connection is gone (both directions dropped)
  resync,     // bytes skipped to find a message boundary (mid-stream start or after a gap)
  gap,        // data missing (lost in the capture, or out-of-order data over the bounds)
  expired,    // idle longer than idle_timeout, or evicted to keep within max_streams
};
std::string_view to_string(StreamEventKind kind) noexcept;

class ReassemblySink
{
public:
  virtual ~ReassemblySink() = default;
  // One whole BGP message (header included; its length field already
  // matches bytes.size()). bytes is valid only during the call.
  virtual void on_message(const FlowKey& flow, std::int64_t time_us, std::span<const std::uint8_t> bytes) = 0;
  // bytes: skipped (resync), missing (gap) or discarded (expired/rst), where known.
  virtual void on_stream_event(const FlowKey& flow, std::int64_t time_us, StreamEventKind kind,
                               std::size_t bytes) = 0;
};

struct ReassemblyLimits
{
  std::size_t max_stream_bytes = 256u << 10; // > 2 extended messages (2 x 65535)
  std::size_t max_total_bytes = 64u << 20;
  std::size_t max_streams = 8192;
  std::size_t max_out_of_order_segments = 256;
  std::int64_t idle_timeout_us = 15 * 60 * 1'000'000LL; // longer than any sane hold time
};

class Reassembler
{
public:
  explicit Reassembler(ReassemblySink& sink, ReassemblyLimits limits = {});

  void push(const TcpSegment& segment);
  // Drop streams idle since before now - idle_timeout (event: expired).
  void expire(std::int64_t now_us);

  std::size_t stream_count() const noexcept
  {
    return m_streams.size();
  }
  std::size_t buffered_bytes() const noexcept
  {
    return m_total_bytes;
  }

private:
  struct Stream
  {
    bool have_seq = false;
    bool synced = false;       // at a message boundary
    bool fin = false;
    std::uint32_t next_seq = 0;
    std::vector<std::uint8_t> buffer; // in-order bytes; those before offset are consumed
    std::size_t offset = 0;
    // out of order: (seq, bytes); few (max_out_of_order_segments), scanned linearly
    std::vector<std::pair<std::uint32_t, std::vector<std::uint8_t>>> pending;
    std::size_t pending_bytes = 0;
    std::int64_t last_time_us = 0;
    std::list<FlowKey>::iterator lru;
  };

  Stream& stream_for(const FlowKey& flow, std::int64_t time_us);
  void drop(const FlowKey& flow, std::int64_t time_us, StreamEventKind kind);
  void append(Stream& s, std::span<const std::uint8_t> data);
  void deliver(const FlowKey& flow, Stream& s, std::int64_t time_us, std::span<const std::uint8_t> direct);
  std::size_t frame(const FlowKey& flow, Stream& s, std::int64_t time_us, std::span<const std::uint8_t> data);
  void drain_pending(const FlowKey& flow, Stream& s, std::int64_t time_us);
  void skip_gap(const FlowKey& flow, Stream& s, std::int64_t time_us);
  std::size_t stream_bytes(const Stream& s) const noexcept
  {
    return s.buffer.size() - s.offset + s.pending_bytes;
  }

  ReassemblySink& m_sink;
  ReassemblyLimits m_limits;
  std::unordered_map<FlowKey, Stream, FlowKeyHash> m_streams;
  std::list<FlowKey> m_lru; // front = most recently active
  std::size_t m_total_bytes = 0;
};

// Where a plausible BGP header starts in data (marker, length 19..65535,
// type 1..5), or data.size() if none; a marker cut off at the end counts as
// "maybe": then the returned offset is where it begins.
std::size_t find_bgp_header(std::span<const std::uint8_t> data) noexcept;

} // namespace bgpwatch::bgp
