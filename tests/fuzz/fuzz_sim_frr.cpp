// tests/fuzz/fuzz_sim_frr.cpp: libFuzzer target for the simulator's mirror
// mode parsers (netconf/sim/mirror.hpp): FRR `show bgp summary json` and
// `show bgp neighbors json`, then the neighbor views rendered. A value or an
// error, never a crash.
#include "netconf/sim/mirror.hpp"
#include "netconf/sim/neighbor.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace bgpwatch::netconf::sim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)frr_summary_to_peers(text);
  if (auto views = frr_neighbors_to_views(text)) {
    (void)render_bgp_neighbor_information(*views, "21.4R3-S4.9");
  }
  return 0;
}
