// tests/fuzz/fuzz_junos_neighbor.cpp: libFuzzer target for the Junos
// neighbor-detail parsers (parse_junos_neighbor_xml and _text) and
// detect_neighbor_format. The first byte picks the parser (even: XML, odd:
// text), the rest is the input. Assertion-free about values (there is no
// oracle), but it traps when a successful parse breaks an invariant every
// consumer relies on, or when an error comes back without a description.
// Seeds: corpus/junos_neighbor/ (fixtures/junos-neighbor/* with a selector
// byte in front).
#include "bgp/detect.hpp"
#include "bgp/junos_neighbor.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace bgpwatch::bgp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size == 0) {
    return 0;
  }
  const bool xml = (data[0] & 1u) == 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)detect_neighbor_format(input);
  const auto result = xml ? parse_junos_neighbor_xml(input) : parse_junos_neighbor_text(input);
  if (!result) {
    if (result.error().detail.empty()) {
      __builtin_trap();
    }
    return 0;
  }
  if (result->groups || result->peers || result->down_peers) {
    __builtin_trap(); // the neighbor detail has no header counts
  }
  for (const auto& s : result->sessions) {
    const auto again = Address::parse(s.address.to_string());
    if (s.state == SessionState::unknown || !again || *again != s.address || s.source != Source::netconf
        || s.router || s.site || s.node || !s.has_detail) {
      __builtin_trap();
    }
    if (s.uptime_seconds && *s.uptime_seconds < 0) {
      __builtin_trap();
    }
    for (const auto& rib : s.ribs) {
      if (rib.name.empty()) {
        __builtin_trap(); // a table always has a name
      }
    }
    for (const auto* words : {&s.peer_flags, &s.options, &s.restart_negotiated, &s.end_of_rib_received,
                              &s.end_of_rib_sent}) {
      if (*words) {
        for (const auto& w : **words) {
          if (w.empty() || w.find_first_of(" \t\r\n") != std::string::npos) {
            __builtin_trap(); // words are split on blanks
          }
        }
      }
    }
  }
  // merge_neighbor_detail (the collector merges whole tables, indexed by
  // address): every peer of a table merges into a copy of itself with the
  // detail cleared, and peers whose state moved never do.
  auto summary = result->sessions;
  for (std::size_t i = 0; i < summary.size(); ++i) {
    summary[i].has_detail = false;
    if (i % 3 == 2) {
      summary[i].state = summary[i].state == SessionState::idle ? SessionState::active : SessionState::idle;
    }
  }
  const auto merged = merge_neighbor_detail(summary, result->sessions);
  if (merged > summary.size()) {
    __builtin_trap();
  }
  for (std::size_t i = 0; i < summary.size(); ++i) {
    if (i % 3 == 2 && summary[i].has_detail
        && std::none_of(result->sessions.begin(), result->sessions.end(), [&](const Session& d) {
             return d.address == summary[i].address && d.state == summary[i].state;
           })) {
      __builtin_trap(); // merged from a peer in another state
    }
  }
  return 0;
}
