// collector/cli/build_info.hpp: what `bgpwatch version` reports. The values
// are taken by CMake at configure time (collector/CMakeLists.txt writes
// build_info.cpp into the build tree), so only that one file is rebuilt
// when the commit changes.
#pragma once

#include <string_view>

namespace bgpwatch::collector {

struct BuildInfo
{
  std::string_view version; // the CMake project version: "0.1.0"
  std::string_view commit;  // git rev-parse --short=12 HEAD, or "unknown" outside a checkout
  std::string_view options; // "GNU 12.2.0, RelWithDebInfo, sanitizers off"
};

const BuildInfo& build_info();

} // namespace bgpwatch::collector
