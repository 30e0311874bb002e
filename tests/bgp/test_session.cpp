// tests/bgp/test_session.cpp: the session model (SPEC "Words").
#include "bgp/duration.hpp"
#include "bgp/instant.hpp"
#include "bgp/session.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>

using namespace bgpwatch::bgp;

TEST_CASE("bgp::parse_state_name accepts RFC names and Junos Establ only")
{
  struct Case
  {
    const char* in;
    SessionState out;
  };
  const Case cases[] = {
    {"Idle", SessionState::idle},
    {"Connect", SessionState::connect},
    {"Active", SessionState::active},
    {"OpenSent", SessionState::open_sent},
    {"OpenConfirm", SessionState::open_confirm},
    {"Established", SessionState::established},
    {"Establ", SessionState::established},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    auto r = parse_state_name(c.in);
    REQUIRE(r.has_value());
    CHECK(*r == c.out);
  }
  for (const char* bad : {"", "Unknown", "established", "Estab", "EstabSync", "Idle ", "Up"}) {
    CAPTURE(bad);
    auto r = parse_state_name(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == std::string("unknown BGP state '") + bad + "'");
  }
}

TEST_CASE("bgp::to_string(SessionState) round-trips every state")
{
  for (auto s : {SessionState::idle, SessionState::connect, SessionState::active, SessionState::open_sent,
                 SessionState::open_confirm, SessionState::established}) {
    CHECK(*parse_state_name(to_string(s)) == s);
  }
  CHECK(to_string(SessionState::unknown) == "Unknown");
  CHECK(static_cast<int>(SessionState::established) == 6); // BGP4-MIB numbering
}

TEST_CASE("bgp::Address compares binary, not text")
{
  auto a = Address::parse("2620:0:861:103:10:64:32:23");
  auto b = Address::parse("2620:0000:0861:0103:0010:0064:0032:0023");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == *b);
  CHECK(a->family() == Family::ipv6);
  CHECK(a->to_string() == "2620:0:861:103:10:64:32:23");
  auto v4 = Address::parse("10.64.32.23");
  REQUIRE(v4);
  CHECK(v4->family() == Family::ipv4);
  CHECK(v4->to_string() == "10.64.32.23");
  CHECK(*v4 != *a);
  for (const char* bad : {"", "10.64.32", "10.64.32.256", " 10.1.1.1", "fe80::1%eth0", "10.64.32.23+179", "zz::1"}) {
    CAPTURE(bad);
    CHECK_FALSE(Address::parse(bad).has_value());
  }
}

TEST_CASE("bgp::Prefix parse and contains")
{
  auto p = Prefix::parse("10.64.130.0/24");
  REQUIRE(p);
  CHECK(p->contains(*Address::parse("10.64.130.7")));
  CHECK_FALSE(p->contains(*Address::parse("10.64.131.7")));
  CHECK_FALSE(p->contains(*Address::parse("2620::1")));
  auto odd = Prefix::parse("10.64.128.0/17");
  REQUIRE(odd);
  CHECK(odd->contains(*Address::parse("10.64.255.1")));
  CHECK_FALSE(odd->contains(*Address::parse("10.64.127.1")));
  CHECK(Prefix::parse("10.64.130.1/24").error() == "prefix '10.64.130.1/24': host bits set");
  CHECK(Prefix::parse("10.64.130.0/33").error() == "prefix '10.64.130.0/33': length 33 > 32");
  CHECK_FALSE(Prefix::parse("10.64.130.0").has_value());
  CHECK(Prefix::parse("2620:0:861:101::/64")->to_string() == "2620:0:861:101::/64");
}

TEST_CASE("bgp::parse_duration")
{
  using std::chrono::milliseconds;
  struct Case
  {
    const char* in;
    long long ms;
  };
  const Case cases[] = {
    {"90s", 90'000}, {"5m", 300'000}, {"1h30m", 5'400'000}, {"30", 30'000},
    {"0", 0},        {"500ms", 500},  {"2d", 172'800'000},  {"1m30s", 90'000},
    // Go-style fractions, in any component; a lone number is seconds.
    {"0.5s", 500},   {"1.5m", 90'000}, {"1h0.5m", 3'630'000}, {".5s", 500},
    {"1.5", 1'500},  {"0.25h", 900'000}, {"1.0001s", 1'000}, {"2.5ms", -1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    auto r = parse_duration(c.in);
    if (c.ms < 0) {
      CHECK_FALSE(r.has_value());
      continue;
    }
    REQUIRE(r);
    CHECK(r->count() == c.ms);
  }
  CHECK(parse_duration("-5s").error() == "bad duration '-5s': negative (examples: 90s, 5m, 1h30m, 30)");
  CHECK(parse_duration("5x").error() == "bad duration '5x': unknown unit (use ms, s, m, h, d or w) (examples: 90s, 5m, 1h30m, 30)");
  CHECK(parse_duration("1.s").error() == "bad duration '1.s': expected digits after '.' (examples: 90s, 5m, 1h30m, 30)");
  for (const char* bad : {"", "s", "5m1h", "1m30", "99999999999999999999s", ".", "s.5", "1..5s", "1.5.5s", "0.5ms"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
  CHECK(format_duration(milliseconds(90'000)) == "1m30s");
  CHECK(format_duration(milliseconds(500)) == "500ms");
  CHECK(format_duration(milliseconds(0)) == "0s");
}

TEST_CASE("format_elapsed: the one elapsed-time spelling, Go style to a tenth of a second (issue 16)", "[session]")
{
  using std::chrono::milliseconds;
  CHECK(format_elapsed(milliseconds(0)) == "0s");
  CHECK(format_elapsed(milliseconds(99)) == "0s");
  CHECK(format_elapsed(milliseconds(400)) == "0.4s");
  CHECK(format_elapsed(milliseconds(15'249)) == "15.2s"); // rounded down: never more time than passed
  CHECK(format_elapsed(milliseconds(60'000)) == "1m0s");
  CHECK(format_elapsed(milliseconds(268'000)) == "4m28s");
  CHECK(format_elapsed(milliseconds(3'723'400)) == "1h2m3.4s");
  CHECK(format_elapsed(milliseconds(7'200'000)) == "2h0m0s");
  CHECK(format_elapsed(milliseconds(-5)) == "0s");
  // The uptime spelling stays the router's, whole seconds.
  CHECK(format_uptime(1139) == "18m59s");
}

TEST_CASE("Address::format writes inet_ntop's text for every zero-run shape (issue 17)", "[session]")
{
  std::mt19937 rng(17);
  const auto check = [](const bgpwatch::bgp::Address& a) {
    char want[INET6_ADDRSTRLEN] = {};
    REQUIRE(inet_ntop(a.family() == bgpwatch::bgp::Family::ipv4 ? AF_INET : AF_INET6, a.data(), want, sizeof want)
            != nullptr);
    char got[bgpwatch::bgp::Address::k_max_text];
    const auto n = a.format(got);
    REQUIRE(std::string(got, n) == want);
    REQUIRE(a.to_string() == want);
  };
  // Every pattern of zero / non-zero words, the non-zero ones random
  // (sometimes 0xffff, 1 digit, 4 digits), so every run length and
  // position, ties between runs and the embedded-IPv4 forms all occur.
  for (unsigned mask = 0; mask < 256; ++mask) {
    for (int round = 0; round < 8; ++round) {
      std::array<std::uint8_t, 16> bytes{};
      for (int w = 0; w < 8; ++w) {
        if ((mask >> w & 1U) == 0) {
          continue;
        }
        unsigned v = 0;
        switch (rng() % 4) {
        case 0:
          v = 0xffff;
          break;
        case 1:
          v = 1 + rng() % 15;
          break;
        default:
          v = 1 + rng() % 0xffff;
        }
        bytes[2 * w] = static_cast<std::uint8_t>(v >> 8);
        bytes[2 * w + 1] = static_cast<std::uint8_t>(v);
      }
      check(bgpwatch::bgp::Address::v6(bytes));
    }
  }
  for (int i = 0; i < 2000; ++i) {
    const auto v = static_cast<std::uint32_t>(rng());
    check(bgpwatch::bgp::Address::v4({static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                                      static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}));
  }
  check(bgpwatch::bgp::Address::v4({0, 0, 0, 0}));
  check(bgpwatch::bgp::Address::v4({255, 255, 255, 255}));
}
