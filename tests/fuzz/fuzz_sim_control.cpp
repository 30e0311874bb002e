// tests/fuzz/fuzz_sim_control.cpp: libFuzzer target for the router
// simulator's control file (netconf/sim/control.hpp): parse, then overlay
// whatever parsed on a small scenario. A value or an error, never a crash.
#include "netconf/sim/control.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace bgpwatch::netconf::sim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const RouterSpec k_router = [] {
    auto sc = parse_scenario(R"({"sites": {"eqiad": {"asn": 64601, "routers": ["cr1"]}},
      "nodes": {"kubernetes1001.eqiad.wmnet": {"site": "eqiad", "addresses": ["10.64.0.1", "2620:0:861::1"]}},
      "routers": {"cr1": {"node_peers": {}}}})");
    return sc ? sc->routers.at("cr1") : RouterSpec{};
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto events = parse_control(text);
  if (events && events->size() < 64) {
    const RouterSpec r = overlay_control(k_router, *events, 1000);
    for (double t : {-1.0, 0.0, 5.0, 1e6}) {
      (void)peers_at(r, t);
    }
  }
  return 0;
}
