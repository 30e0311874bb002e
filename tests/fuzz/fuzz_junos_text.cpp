// tests/fuzz/fuzz_junos_text.cpp: libFuzzer target for parse_junos_text.
// Traps when a successful parse breaks an invariant (real state, valid
// address, non-negative uptime, RIBs only on Established peers) or an error
// names a line the input does not have. Seeds: corpus/junos_text/ (copies
// of fixtures/junos/*.txt).
#include "bgp/junos.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace bgpwatch::bgp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto result = parse_junos_text(input);
  if (!result) {
    const auto lines = static_cast<std::size_t>(std::count(input.begin(), input.end(), '\n')) + 1;
    if (result.error().detail.empty() || result.error().line > lines) {
      __builtin_trap();
    }
    return 0;
  }
  for (const auto& s : result->sessions) {
    const auto again = Address::parse(s.address.to_string());
    if (s.state == SessionState::unknown || !again || *again != s.address || s.source != Source::netconf) {
      __builtin_trap();
    }
    if (!s.uptime_seconds || *s.uptime_seconds < 0) {
      __builtin_trap(); // the Last Up/Dwn column is mandatory in text
    }
    if (!s.ribs.empty() && s.state != SessionState::established) {
      __builtin_trap();
    }
  }
  return 0;
}
