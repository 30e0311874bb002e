// tests/collector/gate/test_gate_agree.cpp: --source router,bird compares the
// two views (collector/gate/run.hpp merge_node_view): readiness, and the
// graceful-restart facts both state (issue 14): restart negotiated,
// End-of-RIB received, restart time. A disagreement is never ready.
#include "collector/gate/run.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch;
using namespace bgpwatch::collector;
using Words = std::vector<std::string>;

namespace {

bgp::Session established(bgp::Source source)
{
  bgp::Session s;
  s.address = *bgp::Address::parse("10.64.0.11");
  s.state = bgp::SessionState::established;
  s.peer_as = 64601;
  s.uptime_seconds = 100;
  s.source = source;
  return s;
}

bgp::Verdict ready_verdict(const bgp::Session& s)
{
  bgp::SessionVerdict v;
  v.expected.router = "cr1-eqiad";
  v.expected.address = *bgp::Address::parse("10.64.0.11");
  v.readiness = bgp::Readiness::ready;
  v.reason = bgp::Reason::ready;
  v.observed = {s};
  v.text = "cr1-eqiad ipv4 10.64.0.11 Established";
  bgp::Verdict out;
  out.overall = bgp::Readiness::ready;
  out.sessions = {v};
  return out;
}

GateReport merged(const bgp::Session& router, const bgp::Session& bird)
{
  GateReport r;
  r.verdict = ready_verdict(router);
  merge_node_view(r, ready_verdict(bird));
  return r;
}

} // namespace

TEST_CASE("router,bird: the same graceful-restart facts agree")
{
  auto router = established(bgp::Source::netconf);
  router.restart_negotiated = Words{"inet-unicast"};
  router.end_of_rib_received = Words{"inet-unicast"};
  router.restart_time_received = 120;
  auto bird = established(bgp::Source::bird);
  bird.restart_negotiated = Words{"inet-unicast"};
  bird.end_of_rib_received = Words{"inet-unicast"};
  bird.restart_time_received = 120;
  CHECK(gr_disagreements(router, bird).empty());
  const auto r = merged(router, bird);
  CHECK(r.notes.empty());
  CHECK(r.verdict.overall == bgp::Readiness::ready);
  CHECK(r.verdict.sessions.size() == 2);
}

TEST_CASE("router,bird: a fact only one view states is not compared")
{
  // BIRD 1.6 prints no capabilities and no End-of-RIB state: null, not a difference.
  auto router = established(bgp::Source::netconf);
  router.restart_negotiated = Words{"inet-unicast"};
  router.end_of_rib_received = Words{"inet-unicast"};
  router.restart_time_received = 120;
  const auto bird = established(bgp::Source::bird);
  CHECK(gr_disagreements(router, bird).empty());
  CHECK(merged(router, bird).verdict.overall == bgp::Readiness::ready);
}

TEST_CASE("router,bird: the views disagree on End-of-RIB and negotiation: not ready, with the difference")
{
  auto router = established(bgp::Source::netconf);
  router.restart_negotiated = Words{"inet-unicast"};
  router.end_of_rib_received = Words{"inet-unicast"};
  auto bird = established(bgp::Source::bird);
  bird.restart_negotiated = Words{};
  bird.end_of_rib_received = Words{};
  const auto d = gr_disagreements(router, bird);
  REQUIRE(d.size() == 2);
  CHECK(d[0] == "graceful restart negotiated for: router <inet-unicast>, BIRD <>");
  CHECK(d[1] == "End-of-RIB received for: router <inet-unicast>, BIRD <>");
  const auto r = merged(router, bird);
  CHECK(r.verdict.overall == bgp::Readiness::not_ready); // both said ready: the difference alone blocks
  REQUIRE(r.notes.size() == 2);
  CHECK(r.notes[0] == "cr1-eqiad ipv4: the views disagree on graceful restart: graceful restart negotiated for: "
                      "router <inet-unicast>, BIRD <>");
}

TEST_CASE("router,bird: family order does not matter; the restart time must match")
{
  auto router = established(bgp::Source::netconf);
  router.restart_negotiated = Words{"inet6-unicast", "inet-unicast"};
  router.restart_time_received = 120;
  auto bird = established(bgp::Source::bird);
  bird.restart_negotiated = Words{"inet-unicast", "inet6-unicast"};
  bird.restart_time_received = 90;
  const auto d = gr_disagreements(router, bird);
  REQUIRE(d.size() == 1);
  CHECK(d[0] == "restart time: router received 120s, BIRD announced 90s");
  CHECK(merged(router, bird).verdict.overall == bgp::Readiness::not_ready);
}
