// tests/netconf/sim/test_mirror_neighbor.cpp: mirror mode's FRR
// `show bgp neighbors json` -> Junos neighbor detail (netconf/sim/mirror.hpp),
// on samples captured from FRR 8.4 and BIRD 1.6.8 in the lab with graceful
// restart on (fixtures/frr/README.md): each view is checked field by field,
// then rendered and read back by bgpwatch's own neighbor parser, so what the
// gate sees is exactly what FRR said.
#include "bgp/junos_neighbor.hpp"
#include "netconf/sim/mirror.hpp"
#include "netconf/sim/neighbor.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace bgpwatch;
using namespace bgpwatch::netconf::sim;
using S = bgp::SessionState;
using Words = std::vector<std::string>;

namespace {

std::string frr_fixture(const std::string& name)
{
  std::filesystem::path dir;
  if (const char* env = std::getenv("BGPWATCH_FIXTURES"); env != nullptr && *env != '\0') {
    dir = env;
  } else {
    dir = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "fixtures";
    for (const char* c : {"fixtures", "../fixtures"}) {
      if (std::filesystem::is_directory(std::filesystem::path(c) / "frr")) {
        dir = c;
      }
    }
  }
  std::ifstream in(dir / "frr" / name, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<NeighborView> views_of(const std::string& name)
{
  auto v = frr_neighbors_to_views(frr_fixture(name));
  INFO(name << ": " << (v ? std::string() : v.error()));
  REQUIRE(v.has_value());
  REQUIRE(v->size() == 2); // the lab's node1: one IPv4 and one IPv6 neighbor
  CHECK((*v)[0].peer.address == "10.64.0.11");
  CHECK((*v)[1].peer.address == "2620:0:861:101:10:64:0:11");
  return *v;
}

// The rendered reply read back by the gate's parser.
bgp::Summary read_back(const std::vector<NeighborView>& views)
{
  auto s = bgp::parse_junos_neighbor_xml(render_bgp_neighbor_information(views, "21.4R3-S4.9"));
  INFO((s ? std::string() : s.error().to_string()));
  REQUIRE(s.has_value());
  REQUIRE(s->sessions.size() == views.size());
  return *s;
}

} // namespace

TEST_CASE("mirror neighbor: Established with graceful restart negotiated and End-of-RIB both ways")
{
  const auto v = views_of("gr-established.neighbors.json");
  const auto& n = v[0];
  CHECK(n.peer.state == S::established);
  CHECK(n.peer.peer_as == 64601);
  CHECK(n.local_as == 14907);
  CHECK(n.peer.flaps == 0);
  CHECK(n.peer.description == std::optional<std::string>("kubernetes node1"));
  CHECK(n.nlri == "inet-unicast");
  CHECK(n.show_restart);
  CHECK(n.restart_time == std::optional<std::uint32_t>(60)); // BIRD "graceful restart time 60"
  CHECK(n.stale_route_time == std::optional<std::uint32_t>(360)); // FRR's stalepath-time default
  CHECK(n.restart_nlri_negotiated == "inet-unicast");
  CHECK(n.end_of_rib_received == "inet-unicast");
  CHECK(n.end_of_rib_sent == "inet-unicast");
  CHECK(n.restart_flags == std::optional<std::string>("Restarting")); // bird -R: R bit set
  CHECK_FALSE(n.last_state.has_value()); // FRR keeps no previous state: absent, not guessed
  CHECK_FALSE(n.last_error.has_value());
  REQUIRE(n.ribs.has_value());
  REQUIRE(n.ribs->size() == 1);
  CHECK((*n.ribs)[0].counts.name == "inet.0");
  CHECK((*n.ribs)[0].counts.accepted == 2); // node1's two /26 IPAM blocks
  CHECK((*n.ribs)[0].state == std::optional<std::string>("BGP restart is complete"));
  CHECK(v[1].nlri == "inet6-unicast");
  CHECK(v[1].restart_nlri_negotiated == "inet6-unicast");
  CHECK(v[1].end_of_rib_received == "inet6-unicast");
  CHECK_FALSE(v[1].restart_flags.has_value()); // bird6's OPEN: no R bit, no N bit
  REQUIRE(v[1].ribs->size() == 1);
  CHECK((*v[1].ribs)[0].counts.name == "inet6.0");
  CHECK((*v[1].ribs)[0].counts.accepted == 1);

  const auto s = read_back(v);
  const auto& p = s.sessions[0];
  CHECK(p.state == S::established);
  CHECK(p.restart_time_received == std::optional<std::uint32_t>(60));
  CHECK(p.stale_route_time == std::optional<std::uint32_t>(360));
  CHECK(p.restart_negotiated == std::optional<Words>(Words{"inet-unicast"}));
  CHECK(p.end_of_rib_received == std::optional<Words>(Words{"inet-unicast"}));
  CHECK(p.end_of_rib_sent == std::optional<Words>(Words{"inet-unicast"}));
  CHECK(p.accepted_prefixes() == std::optional<std::uint64_t>(2));
  CHECK_FALSE(p.last_state.has_value());
  CHECK(s.sessions[1].end_of_rib_received == std::optional<Words>(Words{"inet6-unicast"}));
}

TEST_CASE("mirror neighbor: BIRD killed, FRR keeps the routes stale while its restart timer runs")
{
  const auto v = views_of("gr-killed.neighbors.json");
  for (const auto& n : v) {
    CHECK(n.peer.state == S::active);
    CHECK(n.peer.flaps == 1);
    CHECK(n.show_restart);
    CHECK(n.restart_time == std::optional<std::uint32_t>(60));
    // Down: FRR lists no negotiated families and no End-of-RIB; not invented.
    CHECK(n.restart_nlri_negotiated.empty());
    CHECK(n.end_of_rib_received.empty());
    CHECK_FALSE(n.last_error.has_value()); // no NOTIFICATION: the TCP connection just closed
    REQUIRE(n.ribs.has_value());
    REQUIRE(n.ribs->size() == 1);
    CHECK((*n.ribs)[0].state == std::optional<std::string>("BGP restart in progress"));
  }
  CHECK((*v[0].ribs)[0].counts.accepted == 2); // the stale routes, still counted
  CHECK((*v[1].ribs)[0].counts.accepted == 1);

  const auto s = read_back(v);
  CHECK(s.sessions[0].state == S::active);
  CHECK(s.sessions[0].restart_time_received == std::optional<std::uint32_t>(60));
  CHECK_FALSE(s.sessions[0].restart_negotiated.has_value());
  REQUIRE(s.sessions[0].ribs.size() == 1);
  CHECK(s.sessions[0].ribs[0].state == std::optional<std::string>("BGP restart in progress"));
}

TEST_CASE("mirror neighbor: back Established, End-of-RIB not yet received")
{
  // Captured 0.1 s polls after `bird -R` came back: IPv4 Established, its
  // End-of-RIB not in yet; IPv6 still Active with its routes stale.
  const auto v = views_of("gr-awaiting-eor.neighbors.json");
  const auto& n = v[0];
  CHECK(n.peer.state == S::established);
  CHECK(n.restart_nlri_negotiated == "inet-unicast");
  CHECK(n.end_of_rib_received.empty());
  CHECK(n.end_of_rib_sent.empty());
  REQUIRE(n.ribs->size() == 1);
  CHECK((*n.ribs)[0].state == std::optional<std::string>("BGP restart in progress"));
  CHECK(v[1].peer.state == S::active);
  CHECK(v[1].restart_time == std::optional<std::uint32_t>(60));

  const auto s = read_back(v);
  CHECK(s.sessions[0].restart_negotiated == std::optional<Words>(Words{"inet-unicast"}));
  CHECK_FALSE(s.sessions[0].end_of_rib_received.has_value());
}

TEST_CASE("mirror neighbor: clean stop (Cease), FRR drops the routes: no restart facts")
{
  const auto v = views_of("gr-clean-stop.neighbors.json");
  for (const auto& n : v) {
    CHECK(n.peer.state == S::active);
    CHECK(n.peer.flaps == 2);
    CHECK(n.last_error == std::optional<std::string>("Cease")); // "Cease/Administrative Shutdown"
    CHECK_FALSE(n.show_restart);
    CHECK_FALSE(n.restart_time.has_value());
    REQUIRE(n.ribs.has_value());
    CHECK(n.ribs->empty());
  }
  const auto s = read_back(v);
  CHECK_FALSE(s.sessions[0].restart_time_received.has_value());
  CHECK(s.sessions[0].last_error == std::optional<std::string>("Cease"));
  CHECK(s.sessions[0].ribs.empty());
}

TEST_CASE("mirror neighbor: BIRD without graceful restart: no restart facts, routes gone at a kill")
{
  // GRACEFUL_RESTART=off: FRR's remoteGrMode "Disable", receivedRestartTimer 0,
  // no gracefulRestart capability from the peer.
  const auto up = views_of("nogr-established.neighbors.json");
  CHECK(up[0].peer.state == S::established);
  CHECK_FALSE(up[0].show_restart); // rendered as <peer-no-restart/>
  CHECK_FALSE(up[0].restart_time.has_value());
  CHECK(up[0].restart_nlri_negotiated.empty());
  REQUIRE(up[0].ribs->size() == 1);
  CHECK((*up[0].ribs)[0].counts.accepted == 2);
  CHECK_FALSE((*up[0].ribs)[0].state.has_value()); // FRR says nothing about a restart state
  const auto s = read_back(up);
  CHECK_FALSE(s.sessions[0].restart_time_received.has_value());
  CHECK(s.sessions[0].accepted_prefixes() == std::optional<std::uint64_t>(2));

  const auto killed = views_of("nogr-killed.neighbors.json"); // SIGKILL: "Peer closed the session"
  for (const auto& n : killed) {
    CHECK(n.peer.state == S::active);
    CHECK_FALSE(n.show_restart);
    CHECK(n.ribs->empty());
  }
}

TEST_CASE("mirror neighbor: FRR's states and annotations; bad input is an error")
{
  auto v = frr_neighbors_to_views(R"J({"10.0.0.1":{"remoteAs":65000,"bgpState":"Idle (Admin)"},
                                      "10.0.0.2":{"remoteAs":65000,"bgpState":"Idle (PfxCt)",
                                                  "lastNotificationReason":"Cease/Maximum Number of Prefixes Reached"}})J");
  REQUIRE(v.has_value());
  REQUIRE(v->size() == 2);
  CHECK((*v)[0].peer.state == S::idle);
  CHECK((*v)[0].options_extended == Words{"Shutdown"});
  CHECK((*v)[1].flags == Words{"Idled"});
  CHECK((*v)[1].last_error == std::optional<std::string>("Cease"));
  CHECK_FALSE((*v)[0].show_restart);

  CHECK_FALSE(frr_neighbors_to_views("not json").has_value());
  CHECK_FALSE(frr_neighbors_to_views("[]").has_value());
  CHECK_FALSE(frr_neighbors_to_views(R"({"swp1":{"bgpState":"Established"}})").has_value());
  CHECK_FALSE(frr_neighbors_to_views(R"({"10.0.0.1":{"remoteAs":1}})").has_value());
  CHECK_FALSE(frr_neighbors_to_views(R"({"10.0.0.1":{"bgpState":"Sleeping"}})").has_value());
  const auto empty = frr_neighbors_to_views("{}");
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
}
