// tests/collector/gate/test_gate_signals.cpp: SIGINT/SIGTERM handling of the
// waits (issue 13): a signal is remembered for the whole life of the
// outermost StopSignals (gate holds one up to the fork), nested instances
// see it, and the exit codes are 128 + the signal.
#include "collector/gate/signals.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace bgpwatch::collector;
using namespace std::chrono_literals;

TEST_CASE("signals: interrupted exit codes are 130 (SIGINT) and 143 (SIGTERM)")
{
  CHECK(interrupted_exit_code(SIGINT) == 130);
  CHECK(interrupted_exit_code(SIGTERM) == 143);
  CHECK(std::string(signal_name(SIGINT)) == "SIGINT");
  CHECK(std::string(signal_name(SIGTERM)) == "SIGTERM");
}

TEST_CASE("signals: a signal caught by the wait's instance outlives it inside gate's")
{
  StopSignals outer; // gate's, for the whole run
  CHECK_FALSE(outer.received());
  {
    StopSignals inner; // the wait's
    CHECK_FALSE(inner.wait(0ms));
    ::raise(SIGTERM);
    CHECK(inner.wait(1000ms));
    CHECK(inner.received() == std::optional<int>(SIGTERM));
  }
  // The wait returned (say, ready): the signal is still known, and the
  // process still catches SIGTERM (not killed by the default action).
  CHECK(outer.received() == std::optional<int>(SIGTERM));
  ::raise(SIGINT);
  CHECK(outer.wait(0ms));
  // A nested instance made after the signal wakes at once.
  StopSignals late;
  CHECK(late.wait(10s));
}

TEST_CASE("signals: the outermost instance restores the previous handlers")
{
  struct sigaction before{};
  ::sigaction(SIGTERM, nullptr, &before);
  {
    StopSignals a;
    StopSignals b;
    struct sigaction during{};
    ::sigaction(SIGTERM, nullptr, &during);
    CHECK(during.sa_handler != before.sa_handler);
  }
  struct sigaction after{};
  ::sigaction(SIGTERM, nullptr, &after);
  CHECK(after.sa_handler == before.sa_handler);
  // A new outermost instance starts clean.
  StopSignals fresh;
  CHECK_FALSE(fresh.received());
}
