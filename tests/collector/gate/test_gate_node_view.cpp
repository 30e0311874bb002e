// tests/collector/test_gate_node_view.cpp: --source bird|wire semantics: the
// node's own view judged by the verdict, with router bgp_addresses or, without
// them, every session seen; fail closed when nothing can be read or seen.
#include "collector/gate/node_view.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

class FakeNode : public NodeStateSource
{
public:
  explicit FakeNode(Expected<std::vector<bgp::Session>, std::string> r) : m_r(std::move(r))
  {
  }
  Expected<std::vector<bgp::Session>, std::string> read(SteadyClock::time_point) override
  {
    return m_r;
  }
  std::string describe() const override
  {
    return "fake";
  }
  SourceInfo info() const override
  {
    return {bgp::Source::bird, describe(), {}};
  }

private:
  Expected<std::vector<bgp::Session>, std::string> m_r;
};

bgp::Session bird(const char* address, bgp::SessionState state, const char* protocol)
{
  bgp::Session s;
  s.address = *bgp::Address::parse(address);
  s.state = state;
  s.uptime_seconds = 100;
  s.protocol = protocol;
  s.source = bgp::Source::bird;
  s.peer_as = 14907;
  return s;
}

RouterConfig router(const char* name, std::vector<const char*> addresses)
{
  RouterConfig r;
  r.name = name;
  for (auto a : addresses) {
    r.bgp_addresses.push_back(*bgp::Address::parse(a));
  }
  return r;
}

bgp::Verdict judge(NodeViewSource& view, const std::vector<RouterConfig>& routers,
                   std::vector<bgp::ExpectedSession> expected, bool from_seen, const std::string& family = "both")
{
  auto obs = view.poll(routers, SteadyClock::now());
  if (from_seen) {
    expected = expected_from_seen(view.last_seen(), family);
  }
  return bgp::evaluate(expected, obs, bgp::WallClock::now(), {});
}

} // namespace

TEST_CASE("node view: routers' bgp_addresses decide what is expected")
{
  const std::vector<RouterConfig> routers = {router("cr1-eqiad", {"10.64.0.1", "2620:0:861:101::1"}),
                                             router("cr2-eqiad", {"10.64.0.2"})};
  const auto expected = node_side_expected(routers, "both", std::string("kubernetes1003.eqiad.wmnet"), std::string("eqiad"));
  REQUIRE(expected.size() == 3);
  CHECK(expected[0].router == "cr1-eqiad");
  CHECK(expected[0].asn == 0); // node side: the router's AS is not the site's
  CHECK(node_side_expected(routers, "ipv6", {}, {}).size() == 1);

  SECTION("all up")
  {
    NodeViewSource view(std::make_unique<FakeNode>(std::vector<bgp::Session>{
                          bird("10.64.0.1", bgp::SessionState::established, "Mesh_10_64_0_1"),
                          bird("2620:0:861:101::1", bgp::SessionState::established, "Mesh_v6"),
                          bird("10.64.0.2", bgp::SessionState::established, "Mesh_10_64_0_2")}),
                        false);
    CHECK(judge(view, routers, expected, false).overall == bgp::Readiness::ready);
  }
  SECTION("one down, one missing")
  {
    NodeViewSource view(std::make_unique<FakeNode>(std::vector<bgp::Session>{
                          bird("10.64.0.1", bgp::SessionState::active, "Mesh_10_64_0_1"),
                          bird("2620:0:861:101::1", bgp::SessionState::established, "Mesh_v6")}),
                        false);
    const auto v = judge(view, routers, expected, false);
    CHECK(v.overall == bgp::Readiness::not_ready);
    CHECK(v.sessions[0].text == "cr1-eqiad ipv4 10.64.0.1 Active for 1m40s");
    CHECK(v.sessions[2].reason == bgp::Reason::peer_absent);
  }
  SECTION("BIRD unreadable: unknown, never ready")
  {
    NodeViewSource view(std::make_unique<FakeNode>(Unexpected(std::string("bird6.ctl: connection refused"))), false);
    const auto v = judge(view, routers, expected, false);
    CHECK(v.overall == bgp::Readiness::unknown);
    CHECK(v.sessions[0].text == "cr1-eqiad ipv4 10.64.0.1 Unknown: router unreadable: bird6.ctl: connection refused");
  }
}

TEST_CASE("node view: without configuration, every session seen must be ready")
{
  SECTION("all seen up")
  {
    NodeViewSource view(std::make_unique<FakeNode>(std::vector<bgp::Session>{
                          bird("10.64.0.1", bgp::SessionState::established, "Mesh_10_64_0_1"),
                          bird("10.64.0.2", bgp::SessionState::established, "Mesh_10_64_0_2")}),
                        true);
    const auto v = judge(view, {}, {}, true);
    CHECK(v.overall == bgp::Readiness::ready);
    REQUIRE(v.sessions.size() == 2);
    CHECK(v.sessions[1].expected.router == "Mesh_10_64_0_2");
  }
  SECTION("one seen down")
  {
    NodeViewSource view(std::make_unique<FakeNode>(std::vector<bgp::Session>{
                          bird("10.64.0.1", bgp::SessionState::established, "Mesh_10_64_0_1"),
                          bird("10.64.0.2", bgp::SessionState::connect, "Mesh_10_64_0_2")}),
                        true);
    const auto v = judge(view, {}, {}, true);
    CHECK(v.overall == bgp::Readiness::not_ready);
    CHECK(v.sessions[1].text == "Mesh_10_64_0_2 ipv4 10.64.0.2 Connect for 1m40s");
  }
  SECTION("nothing seen is never ready")
  {
    NodeViewSource view(std::make_unique<FakeNode>(std::vector<bgp::Session>{}), true);
    CHECK(judge(view, {}, {}, true).overall == bgp::Readiness::unknown);
  }
  SECTION("nothing readable is never ready")
  {
    NodeViewSource view(std::make_unique<FakeNode>(Unexpected(std::string("no BIRD"))), true);
    CHECK(judge(view, {}, {}, true).overall == bgp::Readiness::unknown);
  }
  SECTION("--family filters what is seen")
  {
    NodeViewSource view(std::make_unique<FakeNode>(std::vector<bgp::Session>{
                          bird("10.64.0.1", bgp::SessionState::established, "a"),
                          bird("2620:0:861:101::1", bgp::SessionState::active, "b")}),
                        true);
    CHECK(judge(view, {}, {}, true, "ipv4").overall == bgp::Readiness::ready);
  }
}
