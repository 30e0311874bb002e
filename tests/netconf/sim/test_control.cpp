// tests/netconf/sim/test_control.cpp: the simulator's control file (JSON Lines)
// and its overlay on a node's timelines (netconf/sim/control.hpp).
#include "netconf/sim/control.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace bgpwatch;
using namespace bgpwatch::netconf::sim;
using S = bgp::SessionState;

namespace {

// Two nodes on one router, each with IPv4 and IPv6; start at UNIX 1000.
const char* k_scenario = R"({
  "sites": {"eqiad": {"asn": 64601, "routers": ["cr1-eqiad"]}},
  "nodes": {
    "kubernetes1001.eqiad.wmnet": {"site": "eqiad", "addresses": ["10.64.0.1", "2620:0:861::1"]},
    "kubernetes1002.eqiad.wmnet": {"site": "eqiad", "addresses": ["10.64.0.2", "2620:0:861::2"],
      "sessions": {"cr1-eqiad": {"ipv4": {"timeline": [{"at": -100, "state": "Established", "received": 7},
                                                       {"at": 50, "state": "Active"}]}}}}
  },
  "routers": {"cr1-eqiad": {"node_peers": {}, "peers": [{"address": "10.64.9.9", "as": 64601}]}},
  "control": "control.jsonl"
})";
constexpr double k_start = 1000;

RouterSpec router()
{
  auto sc = parse_scenario(k_scenario);
  REQUIRE(sc.has_value());
  CHECK(sc->control_path == "control.jsonl");
  return sc->routers.at("cr1-eqiad");
}

S state_of(const RouterSpec& r, const std::string& address, double t)
{
  for (const auto& p : peers_at(r, t)) {
    if (p.address == address) {
      return p.state;
    }
  }
  FAIL("no peer " << address << " at t=" << t);
  return S::idle;
}

} // namespace

TEST_CASE("control: parse JSON Lines")
{
  auto ok = parse_control("{\"node\": \"kubernetes1001\", \"at_unix\": 1010, \"script\": \"restart\"}\n"
                          "\n"
                          "{\"node\": \"kubernetes1002.eqiad.wmnet\", \"at_unix\": 1020.5, \"script\": \"down\"}\n"
                          "{\"node\": \"kubernetes1003\", \"at_unix\": 1030, \"up_after\": 3}\n"
                          "{\"node\": \"half-writ");
  REQUIRE(ok.has_value());
  REQUIRE(ok->size() == 3);
  CHECK((*ok)[0].node == "kubernetes1001");
  CHECK((*ok)[0].at_unix == 1010);
  CHECK((*ok)[0].script == ControlScript::restart);
  CHECK((*ok)[0].up_after == k_default_up_after);
  CHECK((*ok)[1].script == ControlScript::down);
  CHECK((*ok)[1].at_unix == 1020.5);
  CHECK((*ok)[2].script == ControlScript::restart);
  CHECK((*ok)[2].up_after == 3);

  struct Bad
  {
    const char* text;
    const char* error;
  };
  const Bad bad[] = {
    {"nope\n", "control line 1: not a JSON object"},
    {"\n{\"at_unix\": 1}\n", "control line 2: needs \"node\" (a string)"},
    {"{\"node\": \"a\"}\n", "control line 1: needs \"at_unix\" (UNIX seconds)"},
    {"{\"node\": \"a\", \"at_unix\": 1, \"script\": \"reboot\"}\n",
     "control line 1: script must be \"restart\" or \"down\", not 'reboot'"},
    // Found by fuzz_sim_control in CI: a number where the script name goes threw type_error.
    {"{\"node\": \"a\", \"at_unix\": 1, \"script\": 1010}\n",
     "control line 1: script must be \"restart\" or \"down\" (a string)"},
    {"{\"node\": \"a\", \"at_unix\": 1, \"when\": 2}\n", "control line 1: unknown key 'when'"},
    {"{\"node\": \"a\", \"at_unix\": 1, \"up_after\": -1}\n",
     "control line 1: up_after must be a non-negative number of seconds"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.text);
    auto r = parse_control(b.text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == b.error);
  }
}

TEST_CASE("control: restart drops and restores only the named node, on both families")
{
  const RouterSpec base = router();
  auto events = parse_control("{\"node\": \"kubernetes1001\", \"at_unix\": 1010, \"script\": \"restart\"}\n");
  REQUIRE(events.has_value());
  const RouterSpec r = overlay_control(base, *events, k_start);
  for (const char* a : {"10.64.0.1", "2620:0:861::1"}) {
    CAPTURE(a);
    CHECK(state_of(r, a, 9.9) == S::established);
    CHECK(state_of(r, a, 10) == S::idle);
    CHECK(state_of(r, a, 12) == S::connect);
    CHECK(state_of(r, a, 14) == S::active);
    CHECK(state_of(r, a, 16) == S::open_sent);
    CHECK(state_of(r, a, 17.9) == S::open_sent);
    CHECK(state_of(r, a, 18) == S::established);
    CHECK(state_of(r, a, 1000) == S::established);
  }
  // Uptime restarts and the drop counts as a flap, like Junos.
  for (const auto& p : peers_at(r, 25)) {
    if (p.address == "10.64.0.1") {
      CHECK(p.elapsed_seconds == 7);
      CHECK(p.flaps == 1);
    }
  }
  // Another node, and a peer that belongs to no node, are untouched.
  CHECK(state_of(r, "10.64.0.2", 10) == S::established);
  CHECK(state_of(r, "2620:0:861::2", 12) == S::established);
  CHECK(state_of(r, "10.64.9.9", 12) == S::established);
  // Without the overlay nothing changes.
  CHECK(state_of(base, "10.64.0.1", 12) == S::established);
}

TEST_CASE("control: down never comes back; a script replaces the scenario's later events")
{
  const RouterSpec base = router();
  auto events = parse_control("{\"node\": \"kubernetes1002.eqiad.wmnet\", \"at_unix\": 1020, \"script\": \"down\"}\n"
                              "{\"node\": \"kubernetes1002\", \"at_unix\": 1060, \"script\": \"restart\", "
                              "\"up_after\": 4}\n");
  REQUIRE(events.has_value());
  const RouterSpec r = overlay_control(base, *events, k_start);
  CHECK(state_of(r, "10.64.0.2", 19) == S::established);
  CHECK(state_of(r, "10.64.0.2", 20) == S::idle);
  CHECK(state_of(r, "10.64.0.2", 22) == S::active);
  // The scenario's own Active at t=50 was replaced by the script's Active from 22 on.
  CHECK(state_of(r, "10.64.0.2", 55) == S::active);
  // The later restart (up_after 4) brings it back at 64, with the prefixes it had (7).
  CHECK(state_of(r, "10.64.0.2", 63.9) != S::established);
  CHECK(state_of(r, "10.64.0.2", 64) == S::established);
  for (const auto& p : peers_at(r, 64)) {
    if (p.address == "10.64.0.2") {
      REQUIRE(p.ribs.size() == 1);
      CHECK(p.ribs[0].received == 7);
    }
  }
  // A down event alone: never Established again.
  auto down_only = parse_control("{\"node\": \"kubernetes1001\", \"at_unix\": 1005, \"script\": \"down\"}\n");
  REQUIRE(down_only.has_value());
  const RouterSpec d = overlay_control(base, *down_only, k_start);
  for (double t : {5.0, 7.0, 100.0, 100000.0}) {
    CAPTURE(t);
    CHECK(state_of(d, "2620:0:861::1", t) != S::established);
  }
}

TEST_CASE("control: the reply source re-reads the file on every RPC")
{
  const RouterSpec base = router();
  char dir_template[] = "/tmp/bgpwatch-control-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string path = std::string(dir_template) + "/control.jsonl";
  ControlledReplySource source(base, path, k_start);
  auto before = source.bgp_summary(12); // no file yet: the plain scenario
  REQUIRE(before.has_value());
  CHECK(before->find("<peer-state junos:format=\"Establ\">Established</peer-state>") != std::string::npos);
  CHECK(before->find(">Connect<") == std::string::npos);
  {
    std::ofstream out(path);
    out << "{\"node\": \"kubernetes1001\", \"at_unix\": 1010}\n";
  }
  auto after = source.bgp_summary(12);
  REQUIRE(after.has_value());
  CHECK(after->find(">Connect<") != std::string::npos);
  {
    std::ofstream out(path, std::ios::app);
    out << "garbage\n";
  }
  auto broken = source.bgp_summary(12);
  REQUIRE_FALSE(broken.has_value());
  CHECK(broken.error() == path + ": control line 2: not a JSON object");
  std::remove(path.c_str());
  ::rmdir(dir_template);
}
