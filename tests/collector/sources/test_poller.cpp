// tests/collector/test_poller.cpp: the Poller. Backoff is pure and tested
// here; the [.sshd] cases need simulated routers behind sshd and are run by
// tests/e2e/test_netconf_poller.sh, which passes a bgpwatch config through
// BGPWATCH_POLLER_CONFIG.
#include "collector/config/config.hpp"
#include "collector/sources/poller.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <thread>

using namespace bgpwatch;
using namespace bgpwatch::collector;
using namespace std::chrono_literals;

TEST_CASE("backoff_delay: exponential, capped, jittered into [50%, 100%]")
{
  const Backoff b{1000ms, 60000ms};
  CHECK(backoff_delay(b, 0, 1.0) == 0ms);
  CHECK(backoff_delay(b, 1, 1.0) == 1000ms);
  CHECK(backoff_delay(b, 2, 1.0) == 2000ms);
  CHECK(backoff_delay(b, 4, 1.0) == 8000ms);
  CHECK(backoff_delay(b, 7, 1.0) == 60000ms); // 64 s capped
  CHECK(backoff_delay(b, 200, 1.0) == 60000ms);
  CHECK(backoff_delay(b, 1, 0.0) == 500ms);
  CHECK(backoff_delay(b, 3, 0.5) == 3000ms);
}

TEST_CASE("parse_router_reply sets the router on every session")
{
  const std::string reply =
    "<rpc-reply message-id=\"1\"><bgp-information><group-count>1</group-count><peer-count>1</peer-count>"
    "<down-peer-count>0</down-peer-count><bgp-peer><peer-address>10.64.32.23</peer-address><peer-as>64601</peer-as>"
    "<elapsed-time seconds=\"5\">5</elapsed-time><peer-state format=\"Establ\">Established</peer-state></bgp-peer>"
    "</bgp-information></rpc-reply>";
  auto s = parse_router_reply(reply, "cr1-eqiad");
  REQUIRE(s);
  REQUIRE(s->sessions.size() == 1);
  CHECK(s->sessions[0].router == std::optional<std::string>("cr1-eqiad"));
  CHECK(s->sessions[0].state == bgp::SessionState::established);
  auto bad = parse_router_reply("<rpc-reply message-id=\"1\"><nonsense/></rpc-reply>", "cr1-eqiad");
  REQUIRE_FALSE(bad);

  // In place (what the Poller uses): the same sessions; the same error,
  // without its line.
  std::string own = reply;
  auto inplace = parse_router_reply_inplace(own, "cr1-eqiad");
  REQUIRE(inplace);
  CHECK(inplace->sessions == s->sessions);
  std::string bad_text = "<rpc-reply message-id=\"1\">\n<bgp-information><bgp-peer><peer-address>10.64.32.23"
                         "</peer-address><peer-state>Nonsense</peer-state></bgp-peer></bgp-information></rpc-reply>";
  const auto bad_copied = parse_router_reply(bad_text, "cr1-eqiad");
  const auto bad_inplace = parse_router_reply_inplace(bad_text, "cr1-eqiad");
  REQUIRE_FALSE(bad_copied);
  REQUIRE_FALSE(bad_inplace);
  CHECK(bad_copied.error() == "line 2: " + bad_inplace.error());
}

namespace {

Config load_env_config()
{
  const char* path = std::getenv("BGPWATCH_POLLER_CONFIG");
  REQUIRE(path != nullptr);
  auto config = load_config_file(path);
  REQUIRE(config);
  return *config;
}

RouterConfig router_named(const Config& c, const std::string& name)
{
  for (const auto& r : c.all_routers()) {
    if (r.name == name) {
      return r;
    }
  }
  FAIL("no router " << name);
  return {};
}

} // namespace

TEST_CASE("reconnect with backoff after the router drops the session", "[.sshd]")
{
  const Config config = load_env_config();
  // cr-flaky drops every get-bgp-summary-information before t=FLAKY_UNTIL
  // (scenario time, = seconds after the harness started the routers).
  Poller poller(config.netconf, 2, Backoff{200ms, 1000ms});
  const std::vector<RouterConfig> routers{router_named(config, "cr-flaky")};
  auto first = poller.poll(routers, SteadyClock::now() + 30s);
  REQUIRE(first.size() == 1);
  CHECK_FALSE(first[0].readable);
  CHECK_THAT(first[0].error, Catch::Matchers::Contains("the server closed the session before sending the reply"));
  // Poll until it answers (bounded): each failure reopens a session after a
  // backoff; once the fault window is over the router is readable again.
  bool readable = false;
  const auto give_up = SteadyClock::now() + 40s;
  while (!readable && SteadyClock::now() < give_up) {
    auto obs = poller.poll(routers, SteadyClock::now() + 30s);
    readable = obs[0].readable;
    if (!readable) {
      std::this_thread::sleep_for(200ms); // poll interval, not synchronisation
    }
  }
  CHECK(readable);
  const auto opened = poller.sessions_opened();
  CHECK(opened >= 2);
  // Healthy now: further polls reuse the session.
  auto again = poller.poll(routers, SteadyClock::now() + 30s);
  CHECK(again[0].readable);
  CHECK(poller.sessions_opened() == opened);
}

TEST_CASE("persistent sessions are reused across polls", "[.sshd]")
{
  const Config config = load_env_config();
  Poller poller(config.netconf, 4);
  const std::vector<RouterConfig> routers{router_named(config, "cr1-eqiad"), router_named(config, "cr2-eqiad")};
  for (int i = 0; i < 3; ++i) {
    auto obs = poller.poll(routers, SteadyClock::now() + 60s);
    REQUIRE(obs.size() == 2);
    CHECK(obs[0].router == "cr1-eqiad");
    CHECK(obs[1].router == "cr2-eqiad");
    CHECK(obs[0].readable);
    CHECK(obs[1].readable);
    CHECK(obs[0].sessions.size() == 12);
    CHECK(obs[1].sessions.size() == 12);
  }
  CHECK(poller.sessions_opened() == 2);
}

TEST_CASE("a slow router does not delay the others", "[.sshd]")
{
  const Config config = load_env_config();
  Poller poller(config.netconf, 4);
  // cr-slow answers after 3 s; cr1/cr2 at once.
  const std::vector<RouterConfig> routers{router_named(config, "cr-slow"), router_named(config, "cr1-eqiad"),
                                          router_named(config, "cr2-eqiad")};
  // Warm up (SSH set-up is not what this measures), then one poll.
  (void)poller.poll(routers, SteadyClock::now() + 60s);
  auto results = poller.poll_detailed(routers, SteadyClock::now() + 60s);
  REQUIRE(results.size() == 3);
  for (const auto& r : results) {
    CAPTURE(r.observation.router, r.observation.error);
    CHECK(r.observation.readable);
  }
  CHECK(results[0].duration >= 2900ms);
  // The fast routers finished long before the slow one.
  CHECK(results[1].duration + 1500ms < results[0].duration);
  CHECK(results[2].duration + 1500ms < results[0].duration);
  CHECK(poller.sessions_opened() == 3);
}

TEST_CASE("a poll deadline shorter than the router's reply", "[.sshd]")
{
  const Config config = load_env_config();
  Poller poller(config.netconf, 4);
  const std::vector<RouterConfig> routers{router_named(config, "cr-slow")};
  (void)poller.poll(routers, SteadyClock::now() + 60s); // connect first
  const auto start = SteadyClock::now();
  auto obs = poller.poll(routers, SteadyClock::now() + 1s);
  const auto took = SteadyClock::now() - start;
  REQUIRE(obs.size() == 1);
  CHECK_FALSE(obs[0].readable);
  CHECK(obs[0].sessions.empty());
  CHECK_THAT(obs[0].error, Catch::Matchers::StartsWith("cr-slow (127.0.0.1:"));
  CHECK_THAT(obs[0].error, Catch::Matchers::Contains("timed out waiting for the reply to <get-bgp-summary-information>"));
  CHECK(took < 2500ms);
}

