// tests/bgp/test_reassembly.cpp: the TCP stream reassembler on hand-built
// segments: split messages, several per segment, out of order,
// retransmissions, mid-stream start (marker resync), gaps, FIN/RST, bounds.
#include "bgp/reassembly.hpp"
#include "bgp/wire.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace bgpwatch::bgp;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes keepalive()
{
  Bytes b(16, 0xff);
  b.insert(b.end(), {0x00, 0x13, 0x04});
  return b;
}

Bytes notification(std::uint8_t code, std::uint8_t sub)
{
  Bytes b(16, 0xff);
  b.insert(b.end(), {0x00, 0x15, 0x03, code, sub});
  return b;
}

Bytes cat(std::initializer_list<Bytes> parts)
{
  Bytes out;
  for (const auto& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

struct Recorder : ReassemblySink
{
  std::vector<Bytes> messages;
  std::vector<std::string> events;
  void on_message(const FlowKey&, std::int64_t, std::span<const std::uint8_t> bytes) override
  {
    messages.emplace_back(bytes.begin(), bytes.end());
  }
  void on_stream_event(const FlowKey&, std::int64_t, StreamEventKind kind, std::size_t bytes) override
  {
    events.push_back(std::string(to_string(kind)) + ":" + std::to_string(bytes));
  }
};

const FlowKey k_flow{*Address::parse("10.64.0.11"), 179, *Address::parse("10.64.0.1"), 40512};

struct Feeder
{
  Reassembler& r;
  std::uint32_t isn = 1000;
  void syn()
  {
    r.push(TcpSegment{k_flow, isn, k_tcp_syn, {}, 0});
  }
  // Data at stream offset off (0 = first byte after the SYN).
  void data(std::size_t off, const Bytes& b, std::uint8_t flags = k_tcp_ack)
  {
    r.push(TcpSegment{k_flow, isn + 1 + static_cast<std::uint32_t>(off), flags, b, 0});
  }
};

} // namespace

TEST_CASE("reassembly: several messages in one segment, one message over three")
{
  Recorder rec;
  Reassembler r(rec);
  Feeder f{r};
  f.syn();
  const Bytes two = cat({keepalive(), notification(6, 2)});
  f.data(0, two);
  REQUIRE(rec.messages.size() == 2);
  CHECK(rec.messages[0] == keepalive());
  CHECK(rec.messages[1] == notification(6, 2));

  const Bytes n = notification(4, 0);
  f.data(two.size(), Bytes(n.begin(), n.begin() + 5));
  f.data(two.size() + 5, Bytes(n.begin() + 5, n.begin() + 18));
  CHECK(rec.messages.size() == 2);
  f.data(two.size() + 18, Bytes(n.begin() + 18, n.end()));
  REQUIRE(rec.messages.size() == 3);
  CHECK(rec.messages[2] == n);
  CHECK(rec.events == std::vector<std::string>{"syn:0"});
  CHECK(r.buffered_bytes() == 0);
}

TEST_CASE("reassembly: out of order and retransmitted segments are delivered once, in order")
{
  Recorder rec;
  Reassembler r(rec);
  Feeder f{r};
  f.syn();
  const Bytes stream = cat({keepalive(), notification(6, 4), keepalive()}); // 19 + 21 + 19
  f.data(40, Bytes(stream.begin() + 40, stream.end())); // third message first
  f.data(19, Bytes(stream.begin() + 19, stream.begin() + 40));
  CHECK(rec.messages.empty());
  f.data(0, Bytes(stream.begin(), stream.begin() + 19));
  REQUIRE(rec.messages.size() == 3);
  CHECK(rec.messages[1] == notification(6, 4));
  // Full and partial retransmissions change nothing.
  f.data(0, stream);
  f.data(10, Bytes(stream.begin() + 10, stream.end()));
  CHECK(rec.messages.size() == 3);
  // Overlap with new data at its end: only the new part counts.
  const Bytes more = cat({Bytes(stream.end() - 5, stream.end()), keepalive()});
  f.data(stream.size() - 5, more);
  CHECK(rec.messages.size() == 4);
  CHECK(r.buffered_bytes() == 0);
}

TEST_CASE("reassembly: a capture that starts mid-stream resynchronises on the marker")
{
  Recorder rec;
  Reassembler r(rec);
  // No SYN: the first segment starts 7 bytes into a NOTIFICATION.
  const Bytes n = notification(6, 2);
  const Bytes seg = cat({Bytes(n.begin() + 7, n.end()), keepalive(), keepalive()});
  r.push(TcpSegment{k_flow, 5000, k_tcp_ack, seg, 0});
  REQUIRE(rec.messages.size() == 2);
  CHECK(rec.messages[0] == keepalive());
  CHECK(rec.events == std::vector<std::string>{"resync:14"});
}

TEST_CASE("reassembly: a marker split across segments is found")
{
  Recorder rec;
  Reassembler r(rec);
  const Bytes ka = keepalive();
  Bytes first = {0x00, 0x01, 0x02};
  first.insert(first.end(), ka.begin(), ka.begin() + 10); // junk + 10 bytes of marker
  r.push(TcpSegment{k_flow, 100, k_tcp_ack, first, 0});
  CHECK(rec.messages.empty());
  r.push(TcpSegment{k_flow, 100 + static_cast<std::uint32_t>(first.size()), k_tcp_ack,
                    Bytes(ka.begin() + 10, ka.end()), 0});
  REQUIRE(rec.messages.size() == 1);
  CHECK(rec.messages[0] == ka);
  CHECK(rec.events == std::vector<std::string>{"resync:3"});
}

TEST_CASE("reassembly: bytes that are not BGP lose sync, and it is found again")
{
  Recorder rec;
  Reassembler r(rec);
  Feeder f{r};
  f.syn();
  const Bytes junk(30, 0x41);
  f.data(0, cat({keepalive(), junk, keepalive()}));
  REQUIRE(rec.messages.size() == 2);
  CHECK(rec.events == std::vector<std::string>{"syn:0", "resync:30"});
}

TEST_CASE("reassembly: a hole that never fills becomes a gap when the bounds are reached")
{
  Recorder rec;
  ReassemblyLimits limits;
  limits.max_out_of_order_segments = 2;
  Reassembler r(rec, limits);
  Feeder f{r};
  f.syn();
  const Bytes ka = keepalive();
  // bytes 0..18 never arrive; three keepalives after the hole
  f.data(19, ka);
  f.data(38, ka);
  CHECK(rec.messages.empty());
  f.data(57, ka); // third out-of-order segment: over the bound
  CHECK(rec.messages.size() == 3);
  CHECK(rec.events == std::vector<std::string>{"syn:0", "gap:19"});
  CHECK(r.buffered_bytes() == 0);
}

TEST_CASE("reassembly: FIN and RST end streams; idle streams expire; stream count is bounded")
{
  Recorder rec;
  ReassemblyLimits limits;
  limits.max_streams = 2;
  limits.idle_timeout_us = 10'000'000;
  Reassembler r(rec, limits);
  Feeder f{r};
  f.syn();
  const Bytes ka = keepalive();
  f.data(0, Bytes(ka.begin(), ka.begin() + 10));
  // FIN with the message incomplete: the rest is lost.
  f.data(10, {}, k_tcp_fin | k_tcp_ack);
  CHECK(rec.events == std::vector<std::string>{"syn:0", "gap:10", "fin:0"});
  CHECK(r.stream_count() == 0);
  CHECK(r.buffered_bytes() == 0);

  rec.events.clear();
  const FlowKey back = k_flow.reversed();
  r.push(TcpSegment{k_flow, 1, k_tcp_ack, ka, 1'000'000});
  r.push(TcpSegment{back, 1, k_tcp_ack, ka, 2'000'000});
  CHECK(r.stream_count() == 2);
  r.push(TcpSegment{back, 20, k_tcp_rst, {}, 3'000'000});
  CHECK(r.stream_count() == 0);
  CHECK(rec.events.back() == "rst:0");

  rec.events.clear();
  FlowKey a = k_flow, b = k_flow, c = k_flow;
  b.src_port = 1;
  c.src_port = 2;
  r.push(TcpSegment{a, 1, k_tcp_ack, ka, 10'000'000});
  r.push(TcpSegment{b, 1, k_tcp_ack, ka, 11'000'000});
  r.push(TcpSegment{c, 1, k_tcp_ack, ka, 12'000'000}); // evicts a
  CHECK(r.stream_count() == 2);
  CHECK(rec.events == std::vector<std::string>{"expired:0"});
  r.expire(21'500'000); // b idle 10.5 s > 10 s; c idle 9.5 s
  CHECK(r.stream_count() == 1);
  CHECK(rec.events.size() == 2);
}

TEST_CASE("reassembly: memory stays bounded with a stream of garbage and with a huge hole")
{
  Recorder rec;
  ReassemblyLimits limits;
  limits.max_stream_bytes = 4096;
  limits.max_total_bytes = 8192;
  Reassembler r(rec, limits);
  Feeder f{r};
  f.syn();
  const Bytes junk(1000, 0x00);
  for (std::size_t i = 0; i < 1000; ++i) {
    f.data(i * 1000, junk);
    REQUIRE(r.buffered_bytes() <= 18);
  }
  // Out-of-order data far ahead never buffers more than the bounds.
  for (std::size_t i = 0; i < 100; ++i) {
    f.data(2'000'000 + i * 2000, junk);
    REQUIRE(r.buffered_bytes() <= limits.max_total_bytes);
  }
  CHECK(rec.messages.empty());
}

TEST_CASE("reassembly: find_bgp_header")
{
  const Bytes ka = keepalive();
  CHECK(find_bgp_header(ka) == 0);
  CHECK(find_bgp_header(cat({Bytes{1, 2, 3}, ka})) == 3);
  CHECK(find_bgp_header(Bytes{1, 2, 3}) == 3);
  CHECK(find_bgp_header(Bytes{1, 0xff, 0xff}) == 1);   // may continue
  Bytes bad_type = ka;
  bad_type[18] = 9;
  CHECK(find_bgp_header(bad_type) == bad_type.size());
  Bytes seventeen(17, 0xff); // 17 x 0xff then length/type: the header starts at 1
  seventeen.insert(seventeen.end(), {0x00, 0x13, 0x04});
  CHECK(find_bgp_header(seventeen) == 1);
}
