// tests/fuzz/fuzz_reassembly.cpp: libFuzzer target for the TCP reassembler
// and the wire pipeline behind it. The input is a script of segments:
// [flags 1][seq delta 2][direction 1][length 1][payload ...] repeated.
// Checks the bounds the reassembler promises: every delivered message is a
// plausible BGP message of the length its header says, and buffered bytes
// never exceed the total limit.
#include "bgp/fsm.hpp"
#include "bgp/reassembly.hpp"
#include "bgp/wire.hpp"

#include <cstdlib>

using namespace bgpwatch::bgp;

namespace {

struct Sink : ReassemblySink
{
  SessionTracker tracker;
  std::vector<Transition> out;
  void on_message(const FlowKey& flow, std::int64_t t, std::span<const std::uint8_t> bytes) override
  {
    if (bytes.size() < k_header_size || ((std::size_t{bytes[16]} << 8) | bytes[17]) != bytes.size()) {
      std::abort();
    }
    auto m = decode_message(bytes, tracker.context_for(flow));
    if (m) {
      tracker.on_message(flow, t, *m, out);
    } else {
      tracker.on_malformed(flow, t, bytes[18], out);
    }
    out.clear();
  }
  void on_stream_event(const FlowKey& flow, std::int64_t t, StreamEventKind kind, std::size_t) override
  {
    tracker.on_stream_event(flow, t, kind, out);
    out.clear();
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  Sink sink;
  ReassemblyLimits limits;
  limits.max_stream_bytes = 1 << 16;
  limits.max_total_bytes = 1 << 17;
  limits.max_streams = 4;
  limits.max_out_of_order_segments = 8;
  limits.idle_timeout_us = 1000;
  Reassembler r(sink, limits);
  const FlowKey a{*Address::parse("10.64.0.11"), 40512, *Address::parse("10.64.0.1"), 179};
  std::uint32_t seq[2] = {1000, 5000};
  std::int64_t t = 0;
  std::size_t i = 0;
  while (i + 5 <= size) {
    const std::uint8_t flags = data[i];
    const std::int16_t delta = static_cast<std::int16_t>((data[i + 1] << 8) | data[i + 2]);
    const int dir = data[i + 3] & 1;
    std::size_t len = data[i + 4];
    i += 5;
    len = std::min(len, size - i);
    FlowKey f = dir ? a.reversed() : a;
    f.src_port = static_cast<std::uint16_t>(f.src_port + (data[i - 2] >> 6)); // a few connections
    seq[dir] = static_cast<std::uint32_t>(seq[dir] + delta);
    r.push(TcpSegment{f, seq[dir], flags, std::span<const std::uint8_t>(data + i, len), t});
    seq[dir] += static_cast<std::uint32_t>(len);
    i += len;
    t += 100;
    if (r.buffered_bytes() > limits.max_total_bytes) {
      std::abort();
    }
    sink.tracker.tick(t, sink.out);
    sink.out.clear();
  }
  r.expire(t + 10000);
  return 0;
}
