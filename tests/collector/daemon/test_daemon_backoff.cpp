// tests/collector/test_daemon_backoff.cpp: the collector's reconnect
// backoff never waits longer than half an interval, so a router that comes
// back after a long outage is read at its next scheduled poll.
#include "collector/daemon/daemon.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch::collector;
using std::chrono::milliseconds;

TEST_CASE("collector backoff: capped at half the interval")
{
  const auto b = collector_backoff(milliseconds(10'000));
  CHECK(b.base == milliseconds(1000));
  CHECK(b.cap == milliseconds(5000));
  // Jitter 1.0 is the longest wait: 1 s, 2 s, 4 s, then the cap for good.
  CHECK(backoff_delay(b, 1, 1.0) == milliseconds(1000));
  CHECK(backoff_delay(b, 3, 1.0) == milliseconds(4000));
  CHECK(backoff_delay(b, 4, 1.0) == milliseconds(5000));
  CHECK(backoff_delay(b, 40, 1.0) == milliseconds(5000));
  CHECK(backoff_delay(b, 40, 0.0) == milliseconds(2500));
  // The default Poller backoff (60 s) would wait six 10 s intervals.
  CHECK(backoff_delay(Backoff{}, 40, 1.0) == milliseconds(60'000));
}

TEST_CASE("collector backoff: short intervals keep the 1 s base")
{
  const auto b = collector_backoff(milliseconds(1000));
  CHECK(b.cap == milliseconds(1000));
  CHECK(backoff_delay(b, 10, 1.0) == milliseconds(1000));
}
