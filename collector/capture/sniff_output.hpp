// collector/capture/sniff_output.hpp: the `sniff` renderers. One observer, two
// formats over the same events: text lines for people, JSON Lines (SPEC
// "Wire decoding") for programs. Written by hand into a buffer rather than
// through a JSON DOM: sniff prints one line per BGP message and must keep
// up with a busy capture (tests/bench/bench_sniff*).
#pragma once

#include "collector/base/invocation.hpp"
#include "collector/capture/sniff_engine.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <string>

namespace bgpwatch::collector {

class SniffPrinter : public SniffObserver
{
public:
  SniffPrinter(OutputFormat format, std::FILE* out);
  ~SniffPrinter() override;

  void on_message(const bgp::FlowKey& flow, std::int64_t time_us, const bgp::Message& message,
                  std::size_t length) override;
  void on_malformed(const bgp::FlowKey& flow, std::int64_t time_us, std::uint8_t type,
                    const bgp::DecodeError& error) override;
  void on_transition(const bgp::Transition& t, const bgp::TrackedSession& s) override;
  void on_stream(const bgp::FlowKey& flow, std::int64_t time_us, bgp::StreamEventKind kind, std::size_t bytes) override;

  // The last line: per TCP connection, plus totals.
  void summary(const SniffEngine& engine);
  // A warning line that belongs to the output (e.g. a capture cut short).
  void flush();

private:
  void maybe_flush();
  void put(std::string_view s);
  void put(char c);
  void put_uint(std::uint64_t v);
  static void append_json(fmt::memory_buffer& out, std::string_view s);
  void time(std::int64_t time_us);
  void endpoint(const bgp::Address& a, std::uint16_t port);

  OutputFormat m_format;
  std::FILE* m_out;
  fmt::memory_buffer m_buf; // fmt writes into it directly (no intermediate copy)
  std::int64_t m_cached_second = -1;
  char m_cached_prefix[32] = {}; // "2026-11-29T02:47:10"
};

// JSON string escaping that always yields valid UTF-8 (invalid bytes -> U+FFFD).
void append_json_string(std::string& out, std::string_view s);

// "10.64.0.1:179", "[2620:0:861:101::1]:179"
std::string endpoint_string(const bgp::Address& a, std::uint16_t port);

} // namespace bgpwatch::collector
