// tests/fuzz/fuzz_junos_stream.cpp: differential libFuzzer target (issue
// 17). The streaming reader (parse_junos_xml_stream) may answer only what
// the DOM path (parse_junos_xml) answers: on every input where it gives a
// Summary, parse_junos_xml must succeed with the same Summary, field by
// field; where it declines (nullopt) the callers use the DOM path, so
// nothing is to check. Traps otherwise.
// Seeds: corpus/junos_stream/ (fixtures/junos/*.xml, corpus/junos_xml/,
// and the inputs this target found interesting).
#include "bgp/junos.hpp"
#include "bgp/junos_stream.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace bgpwatch::bgp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto stream = parse_junos_xml_stream(input);
  if (!stream) {
    return 0;
  }
  const auto dom = parse_junos_xml(input);
  if (!dom || !same_summary(*stream, *dom)) {
    __builtin_trap();
  }
  return 0;
}
