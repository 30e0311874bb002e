// tests/fuzz/fuzz_collector_reply.cpp: libFuzzer target for what a
// --collector client makes of a /v1/sessions body (issue 13: malformed
// collector JSON once ended the client in terminate()). Contract: any body
// gives exactly one observation per router, never an exception, and an
// unreadable observation always says why; bgp::evaluate on the result
// never throws either.
#include "bgp/readiness.hpp"
#include "collector/sources/collector_source.hpp"

#include <cstdlib>
#include <string_view>

using namespace bgpwatch;
using namespace bgpwatch::collector;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const std::vector<RouterConfig> routers = [] {
    RouterConfig a;
    a.name = "cr1-eqiad";
    RouterConfig b;
    b.name = "cr2-eqiad";
    return std::vector<RouterConfig>{a, b};
  }();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto now = bgp::WallClock::time_point(std::chrono::seconds(1796000000));
  const auto obs = observations_from_collector(body, routers, now, std::chrono::seconds(30), "http://127.0.0.1:9179");
  if (obs.size() != routers.size()) {
    std::abort();
  }
  for (std::size_t i = 0; i < obs.size(); ++i) {
    if (obs[i].router != routers[i].name || (!obs[i].readable && obs[i].error.empty())) {
      std::abort();
    }
  }
  bgp::ExpectedSession e;
  e.router = "cr1-eqiad";
  e.address = *bgp::Address::parse("10.64.32.23");
  e.asn = 64601;
  bgp::GateOptions o;
  o.since = now - std::chrono::seconds(300);
  o.max_age = std::chrono::seconds(30);
  (void)bgp::evaluate(std::span<const bgp::ExpectedSession>(&e, 1), obs, now, o);
  return 0;
}
