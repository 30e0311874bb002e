// tests/bgp/test_elapsed.cpp: the Junos elapsed-time grammar
// (junos-format.md §4): every form seen, and exact errors for bad forms.
#include "bgp/junos.hpp"

#include <catch2/catch.hpp>

using bgpwatch::bgp::parse_junos_elapsed;

TEST_CASE("parse_junos_elapsed: every form seen in captures")
{
  struct Case
  {
    const char* in;
    std::int64_t seconds;
  };
  const Case cases[] = {
    // S
    {"2", 2},
    {"9", 9},
    {"24", 24},
    {"0", 0},
    // M:SS
    {"2:32", 152},
    {"3:44", 224}, // = seconds="224" in the same capture
    {"4:05", 245},
    {"56:11", 3371},
    {"32:13", 1933},
    // H:MM:SS
    {"2:28:38", 8918},
    {"17:04:28", 61468},
    // Dd H:MM:SS
    {"2d 3:10:47", 184247},
    {"3d 16:53:40", 320020},
    {"2d 22:41:49", 254509},
    // WwDd H:MM:SS
    {"1w2d 5:31:33", 797493},
    {"9w2d 5:23:37", 5635417},
    {"12w1d 21:45:51", 7422351},
    {"29w5d 22:42:36", 18052956},
    {"44w1d 9:11:17", 26730677},
    // WwDdHh
    {"1w1d1h", 694800},
    {"17w6d2h", 10807200},
    {"20w6d20h", 12686400}, // seconds="12688372" rounds down to the hour
    // right-aligned in the text column; surrounding whitespace is ignored
    {" 3d 3:27:17", 271637},
    {"  2d 3:10:47\n", 184247},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    const auto r = parse_junos_elapsed(c.in);
    REQUIRE(r.has_value());
    CHECK(*r == c.seconds);
  }
}

TEST_CASE("parse_junos_elapsed: bad forms are errors quoting the input")
{
  const std::string grammar = " (expected S, M:SS, H:MM:SS, [Ww]Dd H:MM:SS or WwDdHh)";
  struct Case
  {
    const char* in;
    std::string error;
  };
  const Case cases[] = {
    {"", "empty elapsed time"},
    {"   ", "empty elapsed time"},
    {"-5", "bad elapsed time '-5'" + grammar},
    {"1:5", "bad elapsed time '1:5'" + grammar},        // SS is two digits
    {"1:005", "bad elapsed time '1:005'" + grammar},
    {"1:60", "bad elapsed time '1:60': seconds '60' is not 0-59"},
    {"1:61:00", "bad elapsed time '1:61:00': minutes '61' is not 0-59"},
    {"1:2:03", "bad elapsed time '1:2:03'" + grammar},  // MM is two digits
    {"1:02:03:04", "bad elapsed time '1:02:03:04'" + grammar},
    {"2d", "bad elapsed time '2d'" + grammar},
    {"2d 3:10", "bad elapsed time '2d 3:10'" + grammar},
    {"2d 24:00:00", "bad elapsed time '2d 24:00:00': hours '24' is not 0-23"},
    {"1w 5:31:33", "bad elapsed time '1w 5:31:33'" + grammar},
    {"1w7d 5:31:33", "bad elapsed time '1w7d 5:31:33': days '7' is not 0-6"},
    {"1w2d  5:31:33", "bad elapsed time '1w2d  5:31:33'" + grammar},
    {"1w2d 5:31:33 x", "bad elapsed time '1w2d 5:31:33 x'" + grammar},
    {"1d1h", "bad elapsed time '1d1h'" + grammar},      // weeks required in WwDdHh
    {"1w1d24h", "bad elapsed time '1w1d24h': hours '24' is not 0-23"},
    {"1w1dh", "bad elapsed time '1w1dh'" + grammar},
    {"w1d1h", "bad elapsed time 'w1d1h'" + grammar},
    {"1h1w1d", "bad elapsed time '1h1w1d'" + grammar},
    {"12:34 Establ", "bad elapsed time '12:34 Establ'" + grammar},
    {"Establ", "bad elapsed time 'Establ'" + grammar},
    {"+5", "bad elapsed time '+5'" + grammar},
    {"99999999999999999999", "elapsed time '99999999999999999999' is too large"},
    {"9999999999999999w1d1h", "elapsed time '9999999999999999w1d1h' is too large"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    const auto r = parse_junos_elapsed(c.in);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == c.error);
  }
}
