// tests/bgp/test_timeparse.cpp: --since / --now parsing, exact values and errors.
#include "bgp/timeparse.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch::bgp;
using namespace std::chrono_literals;

namespace {

std::int64_t unix_ms(WallClock::time_point t)
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

} // namespace

TEST_CASE("parse_instant: RFC 3339 and @UNIX")
{
  struct T
  {
    const char* in;
    std::int64_t ms;
  };
  const T table[] = {
    {"1970-01-01T00:00:00Z", 0},
    {"2026-11-29T02:46:11Z", 1795920371000},
    {"2026-11-29t02:46:11z", 1795920371000},
    {"2026-11-29 02:46:11Z", 1795920371000},
    {"2026-11-29T03:46:11+01:00", 1795920371000},
    {"2026-11-28T21:16:11-05:30", 1795920371000},
    {"2026-11-29T02:46:11.250Z", 1795920371250},
    {"2026-11-29T02:46:11.2509999Z", 1795920371250},
    {"2024-02-29T00:00:00Z", 1709164800000},
    {"2016-12-31T23:59:60Z", 1483228800000},
    {"@0", 0},
    {"@1795920371", 1795920371000},
    {"@1795920371.5", 1795920371500},
  };
  for (const auto& t : table) {
    CAPTURE(t.in);
    const auto r = parse_instant(t.in);
    REQUIRE(r);
    CHECK(unix_ms(*r) == t.ms);
  }
}

TEST_CASE("parse_instant: errors quote the input and say why")
{
  struct T
  {
    const char* in;
    const char* why;
  };
  const T table[] = {
    {"", "empty"},
    {"2026-11-29", "expected 'T' and a time after the date"},
    {"2026-11-29T02:46:11", "a time zone is required (Z or +HH:MM)"},
    {"2026-13-01T00:00:00Z", "month out of range"},
    {"2025-02-29T00:00:00Z", "day out of range"},
    {"2026-11-29T24:00:00Z", "time of day out of range"},
    {"2026-11-29T02:46:11Zjunk", "unexpected text after the time"},
    {"2026-11-29T02:46:11+0100", "bad UTC offset (expected Z or +HH:MM)"},
    {"26-11-29T02:46:11Z", "expected YYYY-MM-DD"},
    {"2026-11-29T2:46:11Z", "expected HH:MM:SS after the date"},
    {"@", "no seconds after '@'"},
    {"@-5", "expected seconds since 1970 after '@'"},
    {"@12x", "expected seconds since 1970 after '@'"},
    {"@1.", "no digits after '.'"},
    {"yesterday", "expected YYYY-MM-DD"},
  };
  for (const auto& t : table) {
    CAPTURE(t.in);
    const auto r = parse_instant(t.in);
    REQUIRE_FALSE(r);
    CHECK(r.error() == std::string("bad time '") + t.in + "': " + t.why
                         + " (examples: 2026-11-29T02:46:11Z, @1795920371, -30s)");
  }
}

TEST_CASE("parse_since: -D is relative to the reference")
{
  const auto ref = *parse_instant("2026-11-29T03:00:00Z");
  CHECK(unix_ms(*parse_since("-30s", ref)) == unix_ms(ref) - 30000);
  CHECK(unix_ms(*parse_since("-1h30m", ref)) == unix_ms(ref) - 5400000);
  CHECK(unix_ms(*parse_since("-0s", ref)) == unix_ms(ref));
  CHECK(unix_ms(*parse_since("@100", ref)) == 100000);
  CHECK(unix_ms(*parse_since("2026-11-29T02:00:00Z", ref)) == unix_ms(ref) - 3600000);
  const auto bad = parse_since("-5x", ref);
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == "bad time '-5x': bad duration '5x': unknown unit (use ms, s, m, h, d or w) "
                       "(examples: 90s, 5m, 1h30m, 30)");
  CHECK_FALSE(parse_since("-", ref));
}

TEST_CASE("format_rfc3339")
{
  CHECK(format_rfc3339(WallClock::time_point{}) == "1970-01-01T00:00:00.000Z");
  CHECK(format_rfc3339(*parse_instant("@1795920371")) == "2026-11-29T02:46:11.000Z");
  CHECK(format_rfc3339(*parse_instant("@1795920371.25")) == "2026-11-29T02:46:11.250Z");
  CHECK(format_rfc3339(*parse_instant("2024-02-29T23:59:59+00:00")) == "2024-02-29T23:59:59.000Z");
  CHECK(format_rfc3339(WallClock::time_point{} - 1s) == "1969-12-31T23:59:59.000Z");
}

// Issue 13: instants the nanosecond system_clock cannot hold wrapped around
// (2263 became 1677) and passed --since; now they are errors that say why.
TEST_CASE("parse_instant: outside the clock's range is an error, never a wrap")
{
  const std::string range = "outside the clock's range (1970-01-01T00:00:00.000Z to 2262-04-11T23:47:16.854Z)";
  const char* const out_of_range[] = {
    "2263-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "@9999999999", "@9223372036854775",
    "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "2262-04-11T23:47:17Z", "1970-01-01T00:59:59+01:00",
  };
  for (const char* in : out_of_range) {
    CAPTURE(in);
    const auto r = parse_instant(in);
    REQUIRE_FALSE(r);
    CHECK(r.error() == std::string("bad time '") + in + "': " + range);
  }
  CHECK(unix_ms(*parse_instant("2262-04-11T23:47:16Z")) == 9223372036000);
  CHECK(unix_ms(*parse_instant("2262-04-11T23:47:16.854Z")) == 9223372036854);
  CHECK_FALSE(parse_instant("2262-04-11T23:47:16.855Z"));
  CHECK(unix_ms(*parse_instant("@9223372036.854")) == 9223372036854);
  CHECK(unix_ms(*parse_instant("1970-01-01T00:00:00Z")) == 0);
  CHECK(parse_instant("@99999999999999999999").error()
        == "bad time '@99999999999999999999': too large (examples: 2026-11-29T02:46:11Z, @1795920371, -30s)");
}

TEST_CASE("parse_since: -D reaching before 1970 is an error")
{
  const auto ref = *parse_instant("2026-11-29T03:00:00Z");
  const auto r = parse_since("-100000w", ref);
  REQUIRE_FALSE(r);
  CHECK(r.error() == "bad time '-100000w': 100000w before 2026-11-29T03:00:00.000Z is outside the clock's range "
                     "(before 1970-01-01T00:00:00.000Z)");
  CHECK(unix_ms(*parse_since("-1795921200s", ref)) == 0);
  CHECK_FALSE(parse_since("-1795921201s", ref));
}
