// tests/bgp/test_instant.cpp: checked time arithmetic (issue 13), exact values.
#include "bgp/instant.hpp"
#include "bgp/timeparse.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace bgpwatch::bgp;
using namespace std::chrono_literals;

namespace {

std::int64_t unix_ms(WallClock::time_point t)
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

const WallClock::time_point k_now = *parse_instant("2026-11-29T03:00:00Z"); // @1795921200

} // namespace

TEST_CASE("instant: the clock's range")
{
  CHECK(unix_ms(earliest_instant()) == 0);
  CHECK(unix_ms(latest_instant()) == 9223372036854);
  CHECK(format_rfc3339(latest_instant()) == "2262-04-11T23:47:16.854Z");
  CHECK(unix_ms(*instant_from_unix_ms(0)) == 0);
  CHECK(unix_ms(*instant_from_unix_ms(9223372036854)) == 9223372036854);
  CHECK_FALSE(instant_from_unix_ms(-1));
  CHECK_FALSE(instant_from_unix_ms(9223372036855));
  CHECK_FALSE(instant_from_unix_ms(std::numeric_limits<std::int64_t>::max()));
  CHECK_FALSE(instant_from_unix_ms(std::numeric_limits<std::int64_t>::min()));
}

TEST_CASE("instant: checked_add and checked_sub")
{
  CHECK(unix_ms(*checked_sub(k_now, 30s)) == 1795921170000);
  CHECK(unix_ms(*checked_add(k_now, 30s)) == 1795921230000);
  CHECK(unix_ms(*checked_add(k_now, -30s)) == 1795921170000);
  CHECK(unix_ms(*checked_sub(k_now, std::chrono::milliseconds(1795921200000))) == 0);
  CHECK_FALSE(checked_sub(k_now, std::chrono::milliseconds(1795921200001)));
  CHECK_FALSE(checked_add(latest_instant(), 1ms));
  CHECK_FALSE(checked_add(k_now, std::chrono::milliseconds::max()));
  CHECK_FALSE(checked_sub(k_now, std::chrono::milliseconds::max()));
  CHECK_FALSE(checked_sub(k_now, std::chrono::milliseconds::min()));
  // Sub-millisecond parts are kept: t + d exactly.
  const auto odd = k_now + 123us;
  CHECK((*checked_add(odd, 1s) - odd) == 1s);
}

TEST_CASE("instant: session_came_up is request_sent_at - uptime - 1 s, checked")
{
  CHECK(format_rfc3339(*session_came_up(k_now, 40)) == "2026-11-29T02:59:19.000Z");
  CHECK(format_rfc3339(*session_came_up(k_now, 0)) == "2026-11-29T02:59:59.000Z");
  CHECK(format_rfc3339(*session_came_up(k_now, 3600)) == "2026-11-29T01:59:59.000Z");
  // Back to the epoch exactly: plausible; one second more: not.
  CHECK(unix_ms(*session_came_up(k_now, 1795921199)) == 0);
  CHECK_FALSE(session_came_up(k_now, 1795921200));
  // The value, and every overflow: implausible, never a wrap.
  CHECK_FALSE(session_came_up(k_now, 15000000000));
  CHECK_FALSE(session_came_up(k_now, std::numeric_limits<std::int64_t>::max()));
  CHECK_FALSE(session_came_up(k_now, std::numeric_limits<std::int64_t>::max() / 1000));
  CHECK_FALSE(session_came_up(k_now, -1));
  CHECK_FALSE(session_came_up(earliest_instant(), 0));
}

TEST_CASE("instant: format_uptime never overflows")
{
  CHECK(format_uptime(0) == "0s");
  CHECK(format_uptime(3600) == "1h");
  CHECK(format_uptime(15000000000) == "24801w4d2h40m");
  CHECK(format_uptime(std::numeric_limits<std::int64_t>::max())
        == "9223372036854775807 s");
  CHECK(format_uptime(-5) == "-5 s");
}
