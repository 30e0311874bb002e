// tests/fuzz/fuzz_junos_xml.cpp: libFuzzer target for parse_junos_xml (and
// parse_junos_xml_inplace, which must agree with it).
// Assertion-free about values (there is no oracle), but it traps when a
// successful parse breaks an invariant every consumer relies on, and when
// an error comes back without a description. Seeds: corpus/junos_xml/
// (copies of fixtures/junos/*.xml).
#include "bgp/junos.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace bgpwatch::bgp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto result = parse_junos_xml(input);
  // Differential (issue 17): the in-place parse the Poller uses must agree
  // with the copying one, sessions or error, on any input.
  std::string own(input);
  const auto inplace = parse_junos_xml_inplace(own);
  if (result.has_value() != inplace.has_value()) {
    __builtin_trap();
  }
  if (result && result->sessions != inplace->sessions) {
    __builtin_trap();
  }
  if (!result && (result.error().code != inplace.error().code || result.error().detail != inplace.error().detail)) {
    __builtin_trap();
  }
  if (!result) {
    if (result.error().detail.empty()) {
      __builtin_trap();
    }
    return 0;
  }
  for (const auto& s : result->sessions) {
    // A parsed session always has a real state, a valid address that
    // round-trips through its text form, and no invented identity.
    const auto again = Address::parse(s.address.to_string());
    if (s.state == SessionState::unknown || !again || *again != s.address || s.source != Source::netconf
        || s.router || s.site || s.node) {
      __builtin_trap();
    }
    if (s.uptime_seconds && *s.uptime_seconds < 0) {
      __builtin_trap();
    }
    for (const auto& rib : s.ribs) {
      if (rib.name.empty() && input.find("<output") == std::string_view::npos) {
        __builtin_trap(); // XML RIBs always carry a <name>
      }
    }
  }
  return 0;
}
