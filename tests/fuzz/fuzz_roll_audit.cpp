// tests/fuzz/fuzz_roll_audit.cpp: libFuzzer target for what roll reads back:
// its JSON Lines audit (--state, resumed from after a crash) and the
// Kubernetes PodList it plans a drain from. A value or an error, never a
// crash or an exception.
#include "collector/roll/audit.hpp"
#include "collector/roll/drain.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)bgpwatch::collector::parse_audit(text);
  const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!json.is_discarded()) {
    (void)bgpwatch::collector::plan_drain(json);
  }
  return 0;
}
