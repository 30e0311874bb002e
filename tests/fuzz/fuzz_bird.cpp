// tests/fuzz/fuzz_bird.cpp: libFuzzer target for the BIRD control-socket
// parsers (framing, show protocols [all], show status, BIRD times). Assertion
// free by design: it looks for crashes, hangs and sanitizer reports. Seeds:
// tests/fuzz/corpus/bird/ (replies recorded from real BIRD 1.6 and 2).
#include "bgp/bird.hpp"
#include "bgp/bird_reply.hpp"
#include "bgp/bird_time.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace bgpwatch::bgp;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  (void)find_bird_reply_end(input);
  (void)split_bird_reply(input);
  const auto status = parse_bird_status(input);
  std::optional<BirdTime> now = BirdTime{2026, 11u, 29u, std::chrono::hours{2}};
  if (status && status->server_time) {
    now = status->server_time;
  }
  if (const auto summary = parse_bird_protocols(input, now)) {
    for (const auto& s : summary->sessions) {
      (void)s.address.to_string();
    }
  }
  // Times: the first line as a time, and against itself as "now".
  const std::string_view first = input.substr(0, input.find('\n'));
  if (const auto t = parse_bird_time(first)) {
    (void)bird_uptime_seconds(*t, *t);
    if (now) {
      (void)bird_uptime_seconds(*t, *now);
    }
  }
  return 0;
}
