// tests/bgp/test_ranges.cpp: Monitoring Plugins threshold ranges, every form
// of the guidelines' table plus the invalid ones, with exact error texts.
#include "bgp/ranges.hpp"

#include <catch2/catch.hpp>

#include <clocale>
#include <string>
#include <vector>

using namespace bgpwatch::bgp;

TEST_CASE("bgp::parse_range: the guidelines' table, value by value")
{
  struct Case
  {
    const char* range;
    double value;
    bool alert;
  };
  // Guidelines: "10" < 0 or > 10; "10:" < 10; "~:10" > 10; "10:20" < 10 or
  // > 20; "@10:20" >= 10 and <= 20. Bounds are inclusive.
  const std::vector<Case> cases = {
    {"10", -1, true},      {"10", 0, false},      {"10", 5, false},      {"10", 10, false},
    {"10", 10.5, true},    {"10", 11, true},      {"10:", 9.99, true},   {"10:", 10, false},
    {"10:", 1e9, false},   {"~:10", -1e9, false}, {"~:10", 10, false},   {"~:10", 10.01, true},
    {"10:20", 9, true},    {"10:20", 10, false},  {"10:20", 15, false},  {"10:20", 20, false},
    {"10:20", 21, true},   {"@10:20", 9, false},  {"@10:20", 10, true},  {"@10:20", 15, true},
    {"@10:20", 20, true},  {"@10:20", 20.5, false}, {"0", 0, false},     {"0", 1, true},
    {"@0", 0, true},       {"@0", 1, false},      {"-5:5", -6, true},    {"-5:5", -5, false},
    {"1.5:2.5", 1.4, true}, {"1.5:2.5", 2.5, false}, {":10", -1, true},  {":10", 3, false},
    {"~:", -1e12, false},  {"~:", 1e12, false},   {"@~:", 0, true},      {"@10:", 10, true},
    {"@10:", 9, false},    {"@~:10", 11, false},  {"@~:10", -3, true},   {"5:5", 5, false},
    {"5:5", 5.1, true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.range, c.value);
    const auto r = parse_range(c.range);
    REQUIRE(r.has_value());
    CHECK(r->alerts(c.value) == c.alert);
  }
}

TEST_CASE("bgp::parse_range: parsed bounds and canonical spelling")
{
  struct Case
  {
    const char* in;
    std::optional<double> start;
    std::optional<double> end;
    bool inside;
    const char* canonical;
  };
  const std::vector<Case> cases = {
    {"10", 0.0, 10.0, false, "10"},
    {"10:", 10.0, std::nullopt, false, "10:"},
    {"~:10", std::nullopt, 10.0, false, "~:10"},
    {"10:20", 10.0, 20.0, false, "10:20"},
    {"@10:20", 10.0, 20.0, true, "@10:20"},
    {"@10", 0.0, 10.0, true, "@0:10"},
    {"0:10", 0.0, 10.0, false, "10"},
    {":10", 0.0, 10.0, false, "10"},
    {"-5:1.5", -5.0, 1.5, false, "-5:1.5"},
    {"0.25", 0.0, 0.25, false, "0.25"},
    {"1000000", 0.0, 1000000.0, false, "1000000"},
    {"~:", std::nullopt, std::nullopt, false, "~:"},
    {"-0", 0.0, 0.0, false, "0"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    const auto r = parse_range(c.in);
    REQUIRE(r.has_value());
    CHECK(r->start == c.start);
    CHECK(r->end == c.end);
    CHECK(r->inside == c.inside);
    CHECK(r->to_string() == c.canonical);
    // The canonical spelling parses back to the same range.
    const auto again = parse_range(r->to_string());
    REQUIRE(again.has_value());
    CHECK(*again == *r);
  }
}

TEST_CASE("bgp::parse_range: invalid ranges are errors with exact texts")
{
  struct Case
  {
    const char* in;
    const char* error;
  };
  const std::vector<Case> cases = {
    {"", "empty range"},
    {"@", "range '@': nothing after '@'"},
    {"20:10", "range '20:10': start 20 is greater than end 10"},
    {"@20:10", "range '@20:10': start 20 is greater than end 10"},
    {"x", "'x' in range 'x' is not a number"},
    {"10:x", "'x' in range '10:x' is not a number"},
    {"x:10", "'x' in range 'x:10' is not a number"},
    {"1e3", "'1e3' in range '1e3' is not a number"},
    {"1E3:", "'1E3' in range '1E3:' is not a number"},
    {"+5", "'+5' in range '+5' is not a number"},
    {" 5", "' 5' in range ' 5' is not a number"},
    {"5 ", "'5 ' in range '5 ' is not a number"},
    {"inf", "'inf' in range 'inf' is not a number"},
    {"nan:", "'nan' in range 'nan:' is not a number"},
    {"~", "'~' in range '~' is not a number"},
    {"10:~", "'~' in range '10:~' is not a number"},
    {"1:2:3", "range '1:2:3' has more than one ':'"},
    {"1,5", "'1,5' in range '1,5' is not a number"},
    {"@@1", "'@1' in range '@@1' is not a number"},
    {"10:20@", "'20@' in range '10:20@' is not a number"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    const auto r = parse_range(c.in);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == c.error);
  }
}

TEST_CASE("bgp::parse_range ignores LC_NUMERIC")
{
  // A decimal-comma locale must not change parsing or printing. It must
  // exist (Debian locales-all, packaging/debian-packages.txt): without it
  // this test would prove nothing, so it fails instead.
  const char* old = std::setlocale(LC_NUMERIC, nullptr);
  const std::string saved = old != nullptr ? old : "C";
  REQUIRE(std::setlocale(LC_NUMERIC, "de_DE.UTF-8") != nullptr);
  REQUIRE(std::localeconv()->decimal_point == std::string(","));
  const auto r = parse_range("1.5:2.5");
  REQUIRE(r.has_value());
  CHECK(r->to_string() == "1.5:2.5");
  CHECK(format_plain_number(1234567.125) == "1234567.125");
  CHECK_FALSE(parse_range("1,5").has_value());
  std::setlocale(LC_NUMERIC, saved.c_str());
}

TEST_CASE("bgp::format_plain_number never uses scientific notation")
{
  CHECK(format_plain_number(0) == "0");
  CHECK(format_plain_number(1e21) == "1000000000000000000000");
  CHECK(format_plain_number(0.000001) == "0.000001");
  CHECK(format_plain_number(-12.25) == "-12.25");
  CHECK(format_plain_number(3) == "3");
}
