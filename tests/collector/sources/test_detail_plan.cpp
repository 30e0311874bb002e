// tests/collector/sources/test_detail_plan.cpp: which neighbor detail the
// collector asks after a summary (detail_plan.hpp): the whole table at
// start and every full_every polls, moving peers in between, the rest
// carried; exact peer lists.
#include "collector/sources/detail_plan.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch;
using namespace bgpwatch::collector;
using namespace std::chrono_literals;

namespace {

const bgp::WallClock::time_point k_now{std::chrono::seconds(1795920000)};

bgp::Session summary(const char* address, bgp::SessionState state, std::int64_t uptime, std::uint64_t flaps)
{
  bgp::Session s;
  s.address = *bgp::Address::parse(address);
  s.state = state;
  s.uptime_seconds = uptime;
  s.flaps = flaps;
  return s;
}

// The same session after a poll that merged its detail: GR for inet-unicast
// with End-of-RIB received (eor) and the RIB complete unless `restarting`.
bgp::Session detailed(bgp::Session s, bool eor, bool restarting = false)
{
  s.has_detail = true;
  s.restart_time_received = 120;
  s.restart_negotiated = std::vector<std::string>{"inet-unicast"};
  s.end_of_rib_received = eor ? std::vector<std::string>{"inet-unicast"} : std::vector<std::string>{};
  bgp::RibCounts rib;
  rib.name = "inet.0";
  rib.state = restarting ? "BGP restart in progress" : "BGP restart is complete";
  s.ribs = {rib};
  return s;
}

std::vector<std::string> texts(const std::vector<bgp::Address>& addresses)
{
  std::vector<std::string> out;
  for (const auto& a : addresses) {
    out.push_back(a.to_string());
  }
  return out;
}

} // namespace

TEST_CASE("detail plan: the whole table first, and every full_every polls")
{
  const std::vector<bgp::Session> now{summary("10.0.0.1", bgp::SessionState::established, 100, 0)};
  const DetailPolicy policy{6, 20};
  CHECK(plan_detail(now, {}, false, 0, k_now, policy).full);
  const std::vector<bgp::Session> before{detailed(summary("10.0.0.1", bgp::SessionState::established, 90, 0), true)};
  CHECK_FALSE(plan_detail(now, before, true, 4, k_now, policy).full);
  CHECK(plan_detail(now, before, true, 5, k_now, policy).full); // the 6th poll since
  CHECK(plan_detail(now, before, true, 0, k_now, DetailPolicy{1, 20}).full);
}

TEST_CASE("detail plan: settled peers carried, moving ones asked")
{
  using S = bgp::SessionState;
  const std::vector<bgp::Session> before{
    detailed(summary("10.0.0.1", S::established, 90, 0), true),          // settled
    detailed(summary("10.0.0.2", S::established, 90, 0), false),         // awaiting End-of-RIB
    detailed(summary("10.0.0.3", S::established, 90, 0), true, true),    // RIB restarting
    detailed(summary("10.0.0.4", S::established, 90, 1), true),          // flapped since
    detailed(summary("10.0.0.5", S::active, 30, 2), true, true),         // down, 90 s of 120 left
    detailed(summary("10.0.0.6", S::active, 500, 2), true),              // down, budget spent, flushed
    summary("10.0.0.7", S::established, 90, 0),                          // detail did not merge
    detailed(summary("10.0.0.8", S::established, 90, 0), true),          // went down since
  };
  const std::vector<bgp::Session> now{
    summary("10.0.0.1", S::established, 100, 0), summary("10.0.0.2", S::established, 100, 0),
    summary("10.0.0.3", S::established, 100, 0), summary("10.0.0.4", S::established, 5, 2),
    summary("10.0.0.5", S::active, 40, 2),       summary("10.0.0.6", S::active, 510, 2),
    summary("10.0.0.7", S::established, 100, 0), summary("10.0.0.8", S::idle, 3, 1),
    summary("10.0.0.9", S::established, 100, 0), // new peer
  };
  const auto plan = plan_detail(now, before, true, 1, k_now, DetailPolicy{6, 20});
  REQUIRE_FALSE(plan.full);
  CHECK(texts(plan.ask)
        == std::vector<std::string>{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.7", "10.0.0.8",
                                    "10.0.0.9"});
  REQUIRE(plan.carry.size() == 2);
  CHECK(plan.carry[0].address.to_string() == "10.0.0.1");
  CHECK(plan.carry[1].address.to_string() == "10.0.0.6");

  // More peers to ask than max_peer_rpcs: one whole-table RPC instead.
  CHECK(plan_detail(now, before, true, 1, k_now, DetailPolicy{6, 6}).full);
  CHECK_FALSE(plan_detail(now, before, true, 1, k_now, DetailPolicy{6, 7}).full);
}

TEST_CASE("detail plan: a down peer without graceful restart is settled; with a running budget it is not")
{
  using S = bgp::SessionState;
  auto no_gr = summary("10.0.0.1", S::active, 30, 1);
  no_gr.has_detail = true;
  no_gr.restart_negotiated = std::vector<std::string>{};
  CHECK(detail_settled(no_gr, summary("10.0.0.1", S::active, 40, 1), k_now));
  const auto gr = detailed(summary("10.0.0.1", S::active, 30, 1), true, true);
  CHECK_FALSE(detail_settled(gr, summary("10.0.0.1", S::active, 119, 1), k_now));
  // Budget spent but the last detail still showed the stale table: once more.
  CHECK_FALSE(detail_settled(gr, summary("10.0.0.1", S::active, 121, 1), k_now));
  const auto flushed = detailed(summary("10.0.0.1", S::active, 130, 1), true, false);
  CHECK(detail_settled(flushed, summary("10.0.0.1", S::active, 140, 1), k_now));
  // Unknown never carries.
  CHECK_FALSE(detail_settled(detailed(summary("10.0.0.1", S::unknown, 0, 0), true),
                             summary("10.0.0.1", S::unknown, 0, 0), k_now));
}
