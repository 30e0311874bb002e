// tests/bgp/test_bird.cpp: BIRD control-socket framing, times, and
// `show protocols [all]` / `show status` against replies captured from real
// BIRD 1.6.8 and 2.0.12 daemons (fixtures/bird/README.md says how).
#include "bgp/bird.hpp"
#include "bgp/bird_reply.hpp"
#include "bgp/bird_time.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace bgpwatch::bgp;
using namespace std::chrono_literals;

namespace {

std::string fixtures_dir()
{
  if (const char* env = std::getenv("BGPWATCH_FIXTURES")) {
    return env;
  }
  // Run by hand: find the source tree from this file's path, which is
  // relative to the build directory when the compiler was given one.
  const std::string here = __FILE__; // <src>/tests/bgp/test_bird.cpp
  const std::string root = here.substr(0, here.rfind("tests/bgp/"));
  return (root.empty() ? std::string(".") : root) + "/fixtures";
}

std::string fixture(const std::string& relative)
{
  const std::string path = fixtures_dir() + "/bird/" + relative;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Address addr(const char* text)
{
  auto a = Address::parse(text);
  REQUIRE(a.has_value());
  return *a;
}

BirdTime time_of(const char* text)
{
  auto t = parse_bird_time(text);
  REQUIRE(t.has_value());
  return *t;
}

// Parse a case's protocols reply against its own `show status` clock.
Summary parse_case(const std::string& protocols, const std::string& status)
{
  auto st = parse_bird_status(fixture(status));
  REQUIRE(st.has_value());
  REQUIRE(st->server_time.has_value());
  auto r = parse_bird_protocols(fixture(protocols), st->server_time);
  if (!r) {
    FAIL(r.error().to_string());
  }
  return *r;
}

} // namespace

TEST_CASE("bird::split_bird_reply follows the control protocol framing")
{
  SECTION("codes, '-' continuation, space continuation, final line; greeting skipped")
  {
    const std::string reply = "0001 BIRD 1.6.8 ready.\n"
                              "2002-name     proto\n"
                              "1002-static1  Static\n"
                              " kernel1  Kernel\n"
                              "1006-  Preference:     200\n"
                              "   Input filter:   ACCEPT\n"
                              "0000 \n";
    auto r = split_bird_reply(reply);
    REQUIRE(r.has_value());
    REQUIRE(r->size() == 6);
    CHECK((*r)[0].code == 2002);
    CHECK((*r)[0].text == "name     proto");
    CHECK((*r)[0].line == 2);
    CHECK((*r)[2].code == 1002);
    CHECK((*r)[2].text == "kernel1  Kernel");
    CHECK_FALSE((*r)[2].final);
    CHECK((*r)[4].code == 1006);
    CHECK((*r)[4].text == "  Input filter:   ACCEPT");
    CHECK((*r)[5].code == 0);
    CHECK((*r)[5].final);
    CHECK((*r)[5].text.empty());
  }
  SECTION("CRLF line ends are tolerated")
  {
    auto r = split_bird_reply("1000-BIRD 2.0.12\r\n0013 Daemon is up and running\r\n");
    REQUIRE(r.has_value());
    REQUIRE(r->size() == 2);
    CHECK((*r)[1].text == "Daemon is up and running");
  }
  SECTION("birdc's human output has no codes")
  {
    auto r = split_bird_reply("BIRD 1.6.8 ready.\nname     proto\nstatic1  Static\n  Preference:     200\n");
    REQUIRE(r.has_value());
    REQUIRE(r->size() == 3);
    CHECK_FALSE((*r)[0].code.has_value());
    CHECK((*r)[0].text == "name     proto");
    CHECK((*r)[0].line == 2);
    CHECK((*r)[2].text == "  Preference:     200");
  }
  SECTION("errors name the line")
  {
    struct Case
    {
      const char* name;
      std::string input;
      ParseErrc code;
      std::size_t line;
      const char* detail;
    };
    const Case cases[] = {
      {"no code", "1002-a b\nnonsense\n0000 \n", ParseErrc::syntax, 2,
       "not a BIRD reply line (no 4-digit code): 'nonsense'"},
      {"truncated", "2002-name proto\n1002-x\n", ParseErrc::syntax, 2,
       "BIRD reply ends without a final line (\"CODE text\"): truncated?"},
      {"after final", "0000 \n1002-x\n", ParseErrc::syntax, 2,
       "data after the final line of the BIRD reply: '1002-x'"},
      {"empty", "", ParseErrc::syntax, 0, "empty BIRD reply"},
      {"greeting only", "0001 BIRD 1.6.8 ready.\n", ParseErrc::syntax, 1,
       "BIRD reply ends without a final line (\"CODE text\"): truncated?"},
      {"syntax error reply", "0001 BIRD 1.6.8 ready.\n9001 syntax error\n", ParseErrc::rpc_error, 2,
       "BIRD error 9001: syntax error"},
      {"run-time error reply", "8003 No protocols match\n", ParseErrc::rpc_error, 1,
       "BIRD error 8003: No protocols match"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.name);
      auto r = split_bird_reply(c.input);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code == c.code);
      CHECK(r.error().line == c.line);
      CHECK(r.error().detail == c.detail);
    }
  }
  SECTION("a continuation before any code is an error")
  {
    // The first line decides the mode; a code line must come first in raw mode.
    auto r = split_bird_reply("0000-x\n y\n 0000 \n");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().line == 3);
  }
  SECTION("over the size limit")
  {
    const std::string big(k_bird_max_reply_bytes + 1, ' ');
    auto r = split_bird_reply(big);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ParseErrc::too_large);
  }
}

TEST_CASE("bird::find_bird_reply_end finds the final line")
{
  CHECK_FALSE(find_bird_reply_end("").has_value());
  CHECK_FALSE(find_bird_reply_end("1002-a\n").has_value());
  CHECK_FALSE(find_bird_reply_end("1002-a\n0000 ").has_value()); // no newline yet
  CHECK(find_bird_reply_end("0001 BIRD 1.6.8 ready.\n1000-BIRD\n") == std::optional<std::size_t>(23));
  CHECK(find_bird_reply_end("1002-a\n b\n0000 \nnext") == std::optional<std::size_t>(16));
  CHECK(find_bird_reply_end("9001 syntax error\r\n") == std::optional<std::size_t>(19));
}

TEST_CASE("bird::parse_bird_time reads every form BIRD prints")
{
  CHECK(time_of("02:46:25") == BirdTime{{}, {}, {}, 2h + 46min + 25s});
  CHECK(time_of("02:56:59.192") == BirdTime{{}, {}, {}, 2h + 56min + 59s + 192ms});
  CHECK(time_of("2026-11-28") == BirdTime{2026, 11u, 28u, {}});
  CHECK(time_of("2026-11-29 02:57:34.227") == BirdTime{2026, 11u, 29u, 2h + 57min + 34s + 227ms});
  CHECK(time_of("2026-11-29 02:57:34") == BirdTime{2026, 11u, 29u, 2h + 57min + 34s});
  CHECK(time_of("02:46") == BirdTime{{}, {}, {}, 2h + 46min});
  CHECK(time_of("Nov29") == BirdTime{{}, 11u, 29u, {}});
  CHECK(time_of("2025") == BirdTime{2025, {}, {}, {}});
  for (const char* bad : {"", "24:00:00", "2026-13-01", "2026-02-30", "02:46:25.", "Foo29", "12345", "02:61",
                          "2026-11-29  02:57", "02:46:25.1234567"}) {
    CAPTURE(bad);
    auto r = parse_bird_time(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == "unrecognised BIRD time '" + std::string(bad) + "'");
  }
}

TEST_CASE("bird::bird_uptime_seconds judges since against BIRD's clock")
{
  const BirdTime now = time_of("2026-11-29 02:47:01");
  CHECK(bird_uptime_seconds(time_of("02:46:25"), now) == 36);
  // Time only and later than now: yesterday (BIRD prints time for < 20 h).
  CHECK(bird_uptime_seconds(time_of("23:00:00"), time_of("2026-11-29 01:00:00")) == 7200);
  CHECK(bird_uptime_seconds(time_of("2026-11-28 02:47:00"), now) == 86401);
  CHECK(bird_uptime_seconds(time_of("02:47:00.999"), time_of("2026-11-29 02:47:01.998")) == 0);
  CHECK(bird_uptime_seconds(time_of("02:47:00.999"), time_of("2026-11-29 02:47:02.000")) == 1);
  // A date alone: at least 20 h, or at least since the end of that day.
  CHECK(bird_uptime_seconds(time_of("2026-11-28"), now) == 20 * 3600);
  CHECK(bird_uptime_seconds(time_of("2026-11-20"), now) == 8 * 86400 + 2 * 3600 + 47 * 60 + 1);
  CHECK(bird_uptime_seconds(time_of("Nov20"), now) == 8 * 86400 + 2 * 3600 + 47 * 60 + 1);
  CHECK(bird_uptime_seconds(time_of("Dec31"), time_of("2027-01-01 00:00:10")) == 20 * 3600);
  CHECK(bird_uptime_seconds(time_of("2025"), now) == 360 * 86400);
  // The since is later than now by a rounding: never negative.
  CHECK(bird_uptime_seconds(time_of("2026-11-29 02:47:02"), now) == 0);
  // A now without a date cannot anchor anything.
  CHECK_FALSE(bird_uptime_seconds(time_of("02:46:25"), time_of("02:47:01")).has_value());
}

TEST_CASE("bird::address_from_calico_name reads Calico's protocol names")
{
  CHECK(address_from_calico_name("Mesh_10_64_0_1") == addr("10.64.0.1"));
  CHECK(address_from_calico_name("Node_10_64_130_1") == addr("10.64.130.1"));
  CHECK(address_from_calico_name("Global_10_64_0_1") == addr("10.64.0.1"));
  CHECK(address_from_calico_name("Global_2620_0_861_101__1") == addr("2620:0:861:101::1"));
  CHECK(address_from_calico_name("Mesh_2620_0_861_101_10_64_0_121") == addr("2620:0:861:101:10:64:0:121"));
  CHECK(address_from_calico_name("Node_10_64_0_1_port_1179") == addr("10.64.0.1"));
  for (const char* bad : {"bgp1", "Mesh_", "Mesh_10_64_0", "Global_zz_1", "Mesh_10_64_0_1_2_3_4_5_6", "mesh_10_64_0_1",
                          "Global_10.64.0.1"}) {
    CAPTURE(bad);
    CHECK_FALSE(address_from_calico_name(bad).has_value());
  }
}

TEST_CASE("bird 1.6: all sessions Established (v4 bird, v6 bird6)")
{
  SECTION("show protocols: state, since and address from the name")
  {
    const Summary s = parse_case("1.6/established/bird-protocols.raw", "1.6/established/bird-status.raw");
    CHECK_FALSE(s.groups.has_value());
    CHECK_FALSE(s.peers.has_value());
    CHECK_FALSE(s.down_peers.has_value());
    REQUIRE(s.sessions.size() == 1); // static1 kernel1 device1 direct1 are skipped
    const Session& x = s.sessions[0];
    CHECK(x.protocol == "Global_10_64_0_1");
    CHECK(x.address == addr("10.64.0.1"));
    CHECK(x.state == SessionState::established);
    CHECK(x.uptime_seconds == 36); // 02:46:25 -> server time 02:47:01
    CHECK(x.source == Source::bird);
    CHECK_FALSE(x.router.has_value());
    CHECK_FALSE(x.peer_as.has_value()); // only `show protocols all` says
    CHECK_FALSE(x.last_error.has_value());
    CHECK(x.ribs.empty());
  }
  SECTION("show protocols all: neighbor, AS, source address, routes")
  {
    const Summary s = parse_case("1.6/established/bird-protocols-all.raw", "1.6/established/bird-status.raw");
    REQUIRE(s.sessions.size() == 1);
    const Session& x = s.sessions[0];
    CHECK(x.address == addr("10.64.0.1"));
    CHECK(x.peer_as == 14907u);
    CHECK_FALSE(x.local_as.has_value()); // BIRD 1.6 does not print it
    CHECK(x.local_address == addr("10.64.0.121"));
    CHECK(x.description == "Connection to BGP peer");
    CHECK(x.state == SessionState::established);
    CHECK(x.uptime_seconds == 36);
    REQUIRE(x.ribs.size() == 1);
    CHECK(x.ribs[0].name == "master");
    CHECK(x.ribs[0].accepted == 1u);
    CHECK(x.ribs[0].active == 1u);
    CHECK_FALSE(x.ribs[0].received.has_value());
    CHECK_FALSE(x.flaps.has_value());
    CHECK_FALSE(x.input_messages.has_value());
  }
  SECTION("bird6")
  {
    const Summary s = parse_case("1.6/established/bird6-protocols-all.raw", "1.6/established/bird6-status.raw");
    REQUIRE(s.sessions.size() == 1);
    const Session& x = s.sessions[0];
    CHECK(x.protocol == "Global_2620_0_861_101__1");
    CHECK(x.address == addr("2620:0:861:101::1"));
    CHECK(x.family() == Family::ipv6);
    CHECK(x.peer_as == 14907u);
    CHECK(x.local_address == addr("2620:0:861:101:10:64:0:121"));
    CHECK(x.state == SessionState::established);
    CHECK(x.uptime_seconds == 37);
  }
}

TEST_CASE("bird 1.6: down, Active, OpenSent, bad peer AS, admin shutdown, hold timer")
{
  struct Case
  {
    const char* protocols;
    const char* status;
    SessionState state;
    std::int64_t uptime;
    const char* last_error; // "" = none
  };
  const Case cases[] = {
    // SIGKILL + restart with the router unreachable: BIRD in GR recovery.
    {"1.6/gr-blocked/bird-protocols-all.raw", "1.6/gr-blocked/bird-status.raw", SessionState::active, 5,
     "Socket: Connection closed"},
    // FRR stopped: connection refused.
    {"1.6/router-down/bird-protocols-all.raw", "1.6/router-down/bird-status.raw", SessionState::active, 11,
     "Socket: Connection refused"},
    // The stale "Message:" of an earlier shutdown is not glued to a socket error.
    {"1.6/router-down/bird6-protocols-all.raw", "1.6/router-down/bird6-status.raw", SessionState::active, 26,
     "Socket: Connection refused"},
    // bgpd SIGSTOPped past the hold time, graceful restart on: no error kept.
    {"1.6/router-paused/bird-protocols-all.raw", "1.6/router-paused/bird-status.raw", SessionState::open_sent, 13, ""},
    // The same without graceful restart: BIRD's own hold timer fired.
    {"1.6/hold-timer/bird-protocols-all.raw", "1.6/hold-timer/bird-status.raw", SessionState::open_sent, 10,
     "BGP Error: Hold timer expired"},
    {"1.6/hold-timer/bird-protocols.raw", "1.6/hold-timer/bird-status.raw", SessionState::active, 11,
     "BGP Error: Hold timer expired"},
    // The router expects another AS: NOTIFICATION 2/2 from FRR.
    {"1.6/bad-peer-as/bird-protocols-all.raw", "1.6/bad-peer-as/bird-status.raw", SessionState::idle, 3,
     "Received: Bad peer AS"},
    {"1.6/bad-peer-as/bird6-protocols.raw", "1.6/bad-peer-as/bird6-status.raw", SessionState::idle, 10,
     "Received: Bad peer AS"},
    // `neighbor X shutdown message ...` on FRR: Cease/2 with RFC 8203 text.
    {"1.6/v6-admin-shutdown/bird6-protocols-all.raw", "1.6/v6-admin-shutdown/bird6-status.raw",
     SessionState::connect, 6, "Received: Administrative shutdown: \"maintenance by bgpwatch test\""},
    {"1.6/v6-admin-shutdown/bird6-protocols.raw", "1.6/v6-admin-shutdown/bird6-status.raw", SessionState::connect, 7,
     "Received: Administrative shutdown"},
    // `birdc disable`: protocol down -> Idle.
    {"1.6/v4-disabled/bird-protocols-all.raw", "1.6/v4-disabled/bird-status.raw", SessionState::idle, 8, ""},
    {"1.6/v4-disabled/bird-protocols.raw", "1.6/v4-disabled/bird-status.raw", SessionState::idle, 8, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.protocols);
    const Summary s = parse_case(c.protocols, c.status);
    REQUIRE(s.sessions.size() == 1);
    const Session& x = s.sessions[0];
    CHECK(x.state == c.state);
    CHECK(x.uptime_seconds == c.uptime);
    if (*c.last_error == '\0') {
      CHECK_FALSE(x.last_error.has_value());
    } else {
      CHECK(x.last_error == std::string(c.last_error));
    }
  }
}

TEST_CASE("bird 1.6: the v4 session stays Established while v6 is shut down")
{
  const Summary s =
    parse_case("1.6/v6-admin-shutdown/bird-protocols-all.raw", "1.6/v6-admin-shutdown/bird-status.raw");
  REQUIRE(s.sessions.size() == 1);
  CHECK(s.sessions[0].state == SessionState::established);
  CHECK(s.sessions[0].uptime_seconds == 37);
}

TEST_CASE("bird status: version, clock and graceful restart recovery")
{
  SECTION("1.6 up and running")
  {
    auto st = parse_bird_status(fixture("1.6/established/bird-status.raw"));
    REQUIRE(st.has_value());
    CHECK(st->version == "1.6.8");
    CHECK(st->router_id == "10.64.0.121");
    CHECK_FALSE(st->hostname.has_value());
    CHECK(st->server_time == time_of("2026-11-29 02:47:01"));
    CHECK(st->last_reboot == time_of("2026-11-29 02:46:24"));
    CHECK(st->last_reconfiguration == time_of("2026-11-29 02:46:24"));
    CHECK_FALSE(st->graceful_restart_recovery);
    CHECK_FALSE(st->graceful_restart_waiting.has_value());
    CHECK(st->daemon_state == "Daemon is up and running");
  }
  SECTION("1.6 after a SIGKILL restart, router unreachable")
  {
    auto st = parse_bird_status(fixture("1.6/gr-blocked/bird-status.raw"));
    REQUIRE(st.has_value());
    CHECK(st->graceful_restart_recovery);
    CHECK(st->graceful_restart_waiting == 1u);
    CHECK(st->graceful_restart_wait_timer == "235/240");
    CHECK(st->daemon_state == "Daemon is up and running");
  }
  SECTION("2.0 waits for channels, with millisecond timers")
  {
    auto st = parse_bird_status(fixture("2.0/gr-blocked/bird-status.raw"));
    REQUIRE(st.has_value());
    CHECK(st->version == "2.0.12");
    CHECK(st->hostname == "vm");
    CHECK(st->server_time == time_of("2026-11-29 02:57:34.227"));
    CHECK(st->graceful_restart_recovery);
    CHECK(st->graceful_restart_waiting == 2u);
    CHECK(st->graceful_restart_wait_timer == "228.827/240");
  }
  SECTION("birdc's human output")
  {
    auto st = parse_bird_status(fixture("1.6/loopback/birdc-status.txt"));
    REQUIRE(st.has_value());
    CHECK(st->version == "1.6.8");
    CHECK(st->router_id == "192.0.2.10");
    CHECK(st->server_time == time_of("2026-11-29 03:13:23"));
    CHECK(st->daemon_state == "Daemon is up and running");
  }
  SECTION("not a status reply")
  {
    auto st = parse_bird_status(fixture("1.6/established/bird-protocols.raw"));
    REQUIRE_FALSE(st.has_value());
    CHECK(st.error().code == ParseErrc::syntax);
    CHECK(st.error().line == 2);
    CHECK(st.error().detail == "unexpected BIRD reply code 2002 in 'show status': 'name     proto    table    state  since       info'");
  }
  SECTION("a short version line (found by fuzz_bird)")
  {
    auto st = parse_bird_status("1000-BIRD    \n0013 Daemon is up and running\n");
    REQUIRE(st.has_value());
    CHECK(st->version == "BIRD");
    CHECK_FALSE(st->server_time.has_value());
  }
  SECTION("a BIRD error reply")
  {
    auto st = parse_bird_status(fixture("1.6/error-syntax.raw"));
    REQUIRE_FALSE(st.has_value());
    CHECK(st.error().code == ParseErrc::rpc_error);
    CHECK(st.error().detail == "BIRD error 9001: syntax error");
  }
}

TEST_CASE("bird 2: one daemon, per-channel route counts")
{
  SECTION("Established v4 and v6")
  {
    const Summary s = parse_case("2.0/established/bird-protocols-all.raw", "2.0/established/bird-status.raw");
    REQUIRE(s.sessions.size() == 2);
    const Session& v4 = s.sessions[0];
    CHECK(v4.protocol == "Global_10_64_0_1");
    CHECK(v4.address == addr("10.64.0.1"));
    CHECK(v4.peer_as == 14907u);
    CHECK(v4.local_as == 64601u);
    CHECK(v4.local_address == addr("10.64.0.121"));
    CHECK(v4.state == SessionState::established);
    CHECK(v4.uptime_seconds == 22); // 02:56:59.192 -> 02:57:21.907
    REQUIRE(v4.ribs.size() == 1);
    CHECK(v4.ribs[0].name == "master4");
    CHECK(v4.ribs[0].accepted == 1u);
    CHECK(v4.ribs[0].active == 1u);
    const Session& v6 = s.sessions[1];
    CHECK(v6.address == addr("2620:0:861:101::1"));
    CHECK(v6.local_address == addr("2620:0:861:101:10:64:0:121"));
    REQUIRE(v6.ribs.size() == 1);
    CHECK(v6.ribs[0].name == "master6");
    CHECK(v6.ribs[0].accepted == 1u);
  }
  SECTION("GR recovery: channels DOWN carry no counts")
  {
    const Summary s = parse_case("2.0/gr-blocked/bird-protocols-all.raw", "2.0/gr-blocked/bird-status.raw");
    REQUIRE(s.sessions.size() == 2);
    for (const auto& x : s.sessions) {
      CHECK(x.state == SessionState::active);
      CHECK(x.uptime_seconds == 11);
      CHECK(x.last_error == "Socket: Connection closed");
      CHECK(x.ribs.empty());
    }
  }
  SECTION("one protocol disabled")
  {
    const Summary s = parse_case("2.0/v6-disabled/bird-protocols.raw", "2.0/v6-disabled/bird-status.raw");
    REQUIRE(s.sessions.size() == 2);
    CHECK(s.sessions[0].state == SessionState::established);
    CHECK(s.sessions[0].uptime_seconds == 9);
    CHECK(s.sessions[1].state == SessionState::idle);
    CHECK(s.sessions[1].uptime_seconds == 7);
    CHECK_FALSE(s.sessions[1].last_error.has_value());
  }
  SECTION("router down")
  {
    const Summary s = parse_case("2.0/router-down/bird-protocols.raw", "2.0/router-down/bird-status.raw");
    REQUIRE(s.sessions.size() == 2);
    CHECK(s.sessions[0].state == SessionState::active);
    CHECK(s.sessions[0].last_error == "Socket: Connection refused");
    CHECK(s.sessions[0].uptime_seconds == 15);
  }
  SECTION("no now: no uptime")
  {
    auto r = parse_bird_protocols(fixture("2.0/established/bird-protocols.raw"));
    REQUIRE(r.has_value());
    REQUIRE(r->sessions.size() == 2);
    CHECK_FALSE(r->sessions[0].uptime_seconds.has_value());
  }
}

TEST_CASE("bird: birdc's human output parses like the socket reply")
{
  const Summary raw = parse_case("1.6/loopback/bird-protocols-all.raw", "1.6/loopback/birdc-status.txt");
  const Summary human = parse_case("1.6/loopback/birdc-protocols-all.txt", "1.6/loopback/birdc-status.txt");
  REQUIRE(human.sessions.size() == 2);
  const Session& g = human.sessions[0];
  CHECK(g.protocol == "Global_127_0_0_2");
  CHECK(g.address == addr("127.0.0.2"));
  CHECK(g.peer_as == 14907u);
  CHECK(g.state == SessionState::active);
  CHECK(g.last_error == "Socket: Connection refused");
  const Session& p = human.sessions[1];
  CHECK(p.protocol == "bgp1"); // not a Calico name: the address comes from "Neighbor address:"
  CHECK(p.address == addr("127.0.0.3"));
  CHECK(p.peer_as == 64512u);
  CHECK(p.state == SessionState::active); // "Passive"
  REQUIRE(raw.sessions.size() == 2);
  CHECK(raw.sessions[0].address == g.address);
  CHECK(raw.sessions[0].state == g.state);
  CHECK(raw.sessions[1].state == p.state);

  // Without "Neighbor address:" a non-Calico name has no address: an error.
  auto r = parse_bird_protocols(fixture("1.6/loopback/birdc-protocols.txt"));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ParseErrc::missing_field);
  CHECK(r.error().line == 6);
  CHECK(r.error().detail
        == "BGP protocol 'bgp1' has no neighbor address: not a Calico name (Mesh_/Node_/Global_<address>) and no "
           "\"Neighbor address:\" line ('show protocols all' prints it)");
}

TEST_CASE("bird: unknown shapes are errors naming the line")
{
  const std::string head = "2002-name     proto    table    state  since       info\n";
  struct Case
  {
    const char* name;
    std::string input;
    ParseErrc code;
    std::size_t line;
    const char* detail;
  };
  const Case cases[] = {
    {"short row", head + "1002-Mesh_10_64_0_1 BGP master up\n0000 \n", ParseErrc::syntax, 2,
     "not a BIRD protocol row (name proto table state since info): 'Mesh_10_64_0_1 BGP master up'"},
    {"unknown protocol state", head + "1002-Mesh_10_64_0_1 BGP master dancing 02:46:25 Established\n0000 \n",
     ParseErrc::bad_value, 2, "unknown BIRD protocol state 'dancing' for 'Mesh_10_64_0_1'"},
    {"unknown BGP state", head + "1002-Mesh_10_64_0_1 BGP master up 02:46:25 Establ\n0000 \n", ParseErrc::bad_value, 2,
     "unknown BIRD BGP state 'Establ' for 'Mesh_10_64_0_1'"},
    {"no BGP state", head + "1002-Mesh_10_64_0_1 BGP master start 02:46:25\n0000 \n", ParseErrc::missing_field, 2,
     "BGP protocol 'Mesh_10_64_0_1' in state 'start' has no BGP state"},
    {"bad since", head + "1002-Mesh_10_64_0_1 BGP master up yesterday Established\n0000 \n", ParseErrc::bad_value, 2,
     "unrecognised BIRD time 'yesterday' for 'Mesh_10_64_0_1'"},
    {"bad neighbor AS",
     head + "1002-Mesh_10_64_0_1 BGP master up 02:46:25 Established\n1006-  BGP state: Established\n"
            "     Neighbor AS:      4294967296\n0000 \n",
     ParseErrc::bad_value, 4, "bad BIRD Neighbor AS '4294967296'"},
    {"bad neighbor address",
     head + "1002-Mesh_10_64_0_1 BGP master up 02:46:25 Established\n1006-    Neighbor address: 10.64.0\n0000 \n",
     ParseErrc::bad_value, 3, "bad BIRD neighbor address '10.64.0'"},
    {"bad BGP state line",
     head + "1002-Mesh_10_64_0_1 BGP master up 02:46:25 Established\n1006-  BGP state:          Dancing\n0000 \n",
     ParseErrc::bad_value, 3, "unknown BIRD BGP state 'Dancing'"},
    {"bad routes",
     head + "1002-Mesh_10_64_0_1 BGP master up 02:46:25 Established\n1006-  Routes:         many imported\n0000 \n",
     ParseErrc::bad_value, 3, "bad BIRD route count 'many imported' (expected 'N imported, N exported, N preferred')"},
    {"routes without imported",
     head + "1002-Mesh_10_64_0_1 BGP master up 02:46:25 Established\n1006-  Routes:         2 exported\n0000 \n",
     ParseErrc::missing_field, 3, "BIRD route counts without 'imported': '2 exported'"},
    {"detail before any row", head + "1006-  Description: x\n0000 \n", ParseErrc::syntax, 2,
     "BIRD detail line outside a protocol: '  Description: x'"},
    {"unknown code", head + "1234-what\n0000 \n", ParseErrc::syntax, 2,
     "unexpected BIRD reply code 1234 in 'show protocols': 'what'"},
    {"no heading", "1002-Mesh_10_64_0_1 BGP master up 02:46:25 Established\n0000 \n", ParseErrc::wrong_root, 1,
     "not a BIRD 'show protocols' reply (no heading line before 'Mesh_10_64_0_1 BGP master up 02:46:25 Established')"},
    {"status instead of protocols", "1000-BIRD 1.6.8\n0013 Daemon is up and running\n", ParseErrc::syntax, 1,
     "unexpected BIRD reply code 1000 in 'show protocols': 'BIRD 1.6.8'"},
    {"two headings", head + head + "0000 \n", ParseErrc::syntax, 2, "second heading line in one BIRD reply"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto r = parse_bird_protocols(c.input);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == c.code);
    CHECK(r.error().line == c.line);
    CHECK(r.error().detail == c.detail);
  }
  SECTION("BIRD's own error replies")
  {
    auto r = parse_bird_protocols(fixture("1.6/error-no-such-protocol.raw"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ParseErrc::rpc_error);
    CHECK(r.error().line == 2);
    CHECK(r.error().detail == "BIRD error 9002: nosuchproto is not a protocol");
    auto r2 = parse_bird_protocols(fixture("2.0/error-syntax.raw"));
    REQUIRE_FALSE(r2.has_value());
    CHECK(r2.error().detail == "BIRD error 9001: syntax error, unexpected CF_SYM_UNDEFINED");
  }
}

TEST_CASE("bird: iso long since, filtered routes, link-local neighbor, Close")
{
  const std::string reply = "2002-Name       Proto      Table      State  Since         Info\n"
                            "1002-Node_fe80__1 BGP        ---        stop   2026-11-28 22:00:01.500  Close\n"
                            "1006-  BGP state:          Close\n"
                            "     Neighbor address: fe80::1%eth0\n"
                            "     Neighbor AS:      4200000001\n"
                            "   Channel ipv6\n"
                            "     State:          UP\n"
                            "     Table:          master6\n"
                            "     Routes:         3 imported, 2 filtered, 0 exported, 1 preferred\n"
                            "0000 \n";
  auto r = parse_bird_protocols(reply, time_of("2026-11-29 02:00:01.000"));
  REQUIRE(r.has_value());
  REQUIRE(r->sessions.size() == 1);
  const Session& x = r->sessions[0];
  CHECK(x.address == addr("fe80::1"));
  CHECK(x.peer_as == 4200000001u);
  CHECK(x.state == SessionState::idle);
  CHECK(x.uptime_seconds == 4 * 3600 - 1);
  REQUIRE(x.ribs.size() == 1);
  CHECK(x.ribs[0].name == "master6");
  CHECK(x.ribs[0].accepted == 3u);
  CHECK(x.ribs[0].received == 5u);
  CHECK(x.ribs[0].active == 1u);
}
