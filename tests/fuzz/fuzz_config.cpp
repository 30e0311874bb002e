// tests/fuzz/fuzz_config.cpp: libFuzzer target for the configuration loader.
// Any input must give a Config or a ConfigError: never a crash, an
// uncaught exception (yaml-cpp throws) or unbounded recursion.
#include "collector/config/config.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = bgpwatch::collector::parse_config(text, "fuzz.yaml");
  if (r) {
    // Exercise the derived views of whatever was accepted.
    (void)r->all_routers();
    for (const auto& s : r->sites) {
      (void)r->site_of_router(s.name);
    }
  } else {
    (void)r.error().to_string();
  }
  return 0;
}
