// tests/bgp/test_junos_text.cpp: parse_junos_text on every fixture in
// fixtures/junos/*.txt, with exact values and exact error codes/lines.
#include "tests/bgp/test_junos_util.hpp"

using namespace junos_test;
using S = SessionState;

namespace {

Peer up(const char* address, std::uint32_t as, std::int64_t uptime, std::uint64_t flaps, std::uint64_t in,
        std::uint64_t out, std::vector<RibCounts> ribs = {}, std::optional<std::string> instance = {})
{
  return Peer{address, std::move(instance), as, S::established, uptime, flaps, in, out, 0, {}, std::move(ribs)};
}

Peer down(const char* address, std::uint32_t as, S state, std::int64_t uptime, std::uint64_t flaps, std::uint64_t in,
          std::uint64_t out, std::optional<std::string> instance = {})
{
  return Peer{address, std::move(instance), as, state, uptime, flaps, in, out, 0, {}, {}};
}

} // namespace

TEST_CASE("junos text: the runbook's `| match 64601` paste (peer lines only, no header)")
{
  const auto r = parse_junos_text(fixture("runbook_match.txt"));
  INFO("runbook_match.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, std::nullopt, std::nullopt, std::nullopt);
  check_sessions(s, {
                      up("10.64.0.121", 64601, 1933, 2, 220, 208),
                      up("10.64.0.145", 64601, 7422351, 1, 824512, 795240),
                      up("10.64.16.75", 64601, 1405, 2, 161, 152),
                      up("10.64.32.18", 64601, 7422405, 2, 824596, 795247),
                      up("10.64.32.23", 64601, 1139, 2, 130, 123),
                      up("10.64.48.52", 64601, 7038832, 3, 782006, 754152),
                      up("2620:0:861:101:10:64:0:121", 64601, 1932, 2, 217, 208),
                      up("2620:0:861:101:10:64:0:145", 64601, 7422351, 1, 824472, 795240),
                      up("2620:0:861:102:10:64:16:75", 64601, 1405, 2, 160, 152),
                      up("2620:0:861:103:10:64:32:18", 64601, 7422405, 1, 824527, 795246),
                      up("2620:0:861:103:10:64:32:23", 64601, 1139, 2, 130, 123),
                      up("2620:0:861:107:10:64:48:52", 64601, 7038853, 2, 782077, 754154),
                    });
}

TEST_CASE("junos text: full paste with prompt, Threading mode, Table section, RIB lines, trailing prompt")
{
  const auto r = parse_junos_text(fixture("prompt_full.txt"));
  INFO("prompt_full.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 4, 7, 2);
  check_sessions(s, {
                      up("10.64.0.121", 64601, 1933, 2, 220, 208, {trib("inet.0", 0, 1, 1, 0)}),
                      up("10.64.0.145", 64601, 7422351, 1, 824512, 795240, {trib("inet.0", 1, 1, 1, 0)}),
                      down("10.64.48.52", 64601, S::active, 41, 3, 782006, 754152),
                      down("10.64.16.75", 64601, S::connect, 271637, 2, 0, 1),
                      up("208.80.154.197", 14907, 10807200, 0, 98231, 98544,
                         {trib("inet.0", 870, 910, 905, 0), trib("inet6.0", 0, 0, 0, 0)}),
                      up("2620:0:861:101:10:64:0:121", 64601, 1932, 2, 217, 208, {trib("inet6.0", 0, 1, 1, 0)}),
                      up("2620:0:861:107:10:64:48:52", 64601, 797493, 2, 782077, 754154, {trib("inet6.0", 1, 1, 1, 0)}),
                    });
}

TEST_CASE("junos text: logical-system prompt and {master:0} banners, no Table section")
{
  const auto r = parse_junos_text(fixture("lsys_prompt.txt"));
  INFO("lsys_prompt.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 1, 2, 0);
  check_sessions(s, {
                      up("10.64.130.11", 64601, 131990, 0, 4411, 4390, {trib("inet.0", 2, 2, 2, 0)}),
                      up("2620:0:861:130:10:64:130:11", 64601, 131990, 0, 4408, 4390, {trib("inet6.0", 2, 2, 2, 0)}),
                    });
}

TEST_CASE("junos text: configuration mode `[edit]` + `user@host# run show bgp sum`")
{
  const auto r = parse_junos_text(fixture("config_run.txt"));
  INFO("config_run.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 2, 2, 1);
  check_sessions(s, {
                      up("10.192.0.20", 64602, 35990, 0, 1201, 1199, {trib("inet.0", 14, 15, 15, 0)}),
                      down("10.192.16.31", 64602, S::connect, 5, 1, 3, 4),
                    });
}

TEST_CASE("junos text: HTML <b> around the command")
{
  const auto r = parse_junos_text(fixture("html_bold.txt"));
  INFO("html_bold.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 1, 1, 0);
  check_sessions(s, {up("10.64.32.23", 64601, 1139, 2, 130, 123, {trib("inet.0", 1, 1, 1, 0)})});
}

TEST_CASE("junos text: one-line A/R/Acc/D counts = Established, groups named by the Table section")
{
  const auto r = parse_junos_text(fixture("one_line_counts.txt"));
  INFO("one_line_counts.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 2, 4, 1);
  check_sessions(s, {
                      up("10.64.130.1", 64810, 247, 0, 98231, 98544,
                         {trib("inet.0", 5, 6, 6, 0), trib("inet.3", 0, 0, 0, 0)}),
                      up("10.64.130.23", 64601, 254509, 2, 130, 123,
                         {trib("inet.0", 0, 0, 0, 0), trib("inet.3", 0, 0, 0, 0)}),
                      down("10.64.130.24", 64601, S::active, 3371, 4, 12, 3),
                      up("2620:0:861:130:10:64:130:1", 64810, 245, 0, 98240, 98544, {trib("inet6.0", 3, 3, 3, 0)}),
                    });
}

TEST_CASE("junos text: 8-space indentation, leading blank line, whitespace-only last line, no final newline")
{
  const auto r = parse_junos_text(fixture("indented_no_newline.txt"));
  INFO("indented_no_newline.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 2, 3, 1);
  check_sessions(s, {
                      up("10.64.0.121", 64601, 1933, 2, 220, 208, {trib("inet.0", 0, 1, 1, 0)}),
                      down("10.64.32.23", 64601, S::idle, 1139, 2, 130, 123),
                      up("10.64.0.145", 64601, 18052956, 1, 824512, 795240, {trib("inet.0", 1, 1, 1, 0)}),
                    });
}

TEST_CASE("junos text: an Establ peer with no RIB line at the end")
{
  const auto r = parse_junos_text(fixture("establ_no_rib_end.txt"));
  INFO("establ_no_rib_end.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_sessions(s, {
                      up("10.64.0.121", 64601, 1933, 2, 220, 208, {trib("inet.0", 0, 1, 1, 0)}),
                      up("10.64.16.75", 64601, 1405, 2, 161, 152),
                    });
}

TEST_CASE("junos text: Default eBGP mode / Unconfigured peers headers, Idle, 4-byte ASNs, 64-bit counters, OutQ")
{
  const auto r = parse_junos_text(fixture("headers_unconfigured.txt"));
  INFO("headers_unconfigured.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 3, 3, 1);
  auto q1 = up("198.35.26.193", 65534, 2, 0, 10, 9, {trib("inet.0", 0, 0, 0, 0)});
  q1.queue = 1;
  check_sessions(s, {
                      up("10.10.1.1", 4012345678u, 12686400, 17, 3988100231u, 4139021655u,
                         {trib("inet.0", 812331, 812400, 812390, 0)}),
                      down("198.35.26.192", 4290029998u, S::idle, 8918, 0, 0, 0),
                      q1,
                    });
}

TEST_CASE("junos text: instance-scoped paste: instance from RIB lines, else from the Table section")
{
  const auto r = parse_junos_text(fixture("instance_text.txt"));
  INFO("instance_text.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 1, 3, 1);
  check_sessions(s, {
                      up("10.64.130.11", 64601, 131990, 0, 4411, 4390,
                         {trib("frontend.inet.0", 2, 2, 2, 0), trib("frontend.mdt.0", 0, 0, 0, 0)}, "frontend"),
                      down("10.64.130.12", 64601, S::idle, 612, 0, 0, 0, "frontend"),
                      up("2620:0:861:130:10:64:130:11", 64601, 131990, 0, 4408, 4390,
                         {trib("frontend.inet6.0", 2, 2, 2, 0)}, "frontend"),
                    });
}

TEST_CASE("junos text: peers of two instances told apart by their RIB prefixes")
{
  const auto r = parse_junos_text(fixture("two_instances_text.txt"));
  INFO("two_instances_text.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 3, 4, 1);
  check_sessions(s, {
                      up("10.64.0.1", 64600, 954211, 1, 52311, 50122,
                         {trib("bgp.l3vpn.0", 10, 13, 13, 0), trib("VRF-TEST001.inet.0", 0, 0, 0, 0)}),
                      up("192.0.2.10", 64701, 35990, 0, 1201, 1199, {trib("VRF-TEST001.inet.0", 4, 4, 4, 0)},
                         "VRF-TEST001"),
                      up("192.0.2.10", 64702, 2590, 0, 88, 87, {trib("wanTrusted.inet.0", 3, 3, 3, 0)}, "wanTrusted"),
                      // no RIBs, and the Table section spans several instances
                      down("192.0.2.20", 64701, S::active, 612, 0, 0, 0),
                    });
}

TEST_CASE("junos text: every state word")
{
  const auto r = parse_junos_text(fixture("states_text.txt"));
  INFO("states_text.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_sessions(s, {
                      down("10.64.0.121", 64601, S::idle, 5, 0, 0, 0),
                      down("10.64.0.145", 64601, S::connect, 11, 0, 0, 1),
                      down("10.64.16.75", 64601, S::active, 9, 0, 0, 1),
                      down("10.64.32.18", 64601, S::open_sent, 2, 0, 1, 2),
                      down("10.64.32.23", 64601, S::open_confirm, 3, 0, 2, 2),
                      up("10.64.48.52", 64601, 1, 0, 3, 3, {trib("inet.0", 0, 0, 0, 0)}),
                    });
}

TEST_CASE("junos text: a long IPv6 address whose columns went to the next line")
{
  const auto r = parse_junos_text(fixture("wrapped_ipv6.txt"));
  INFO("wrapped_ipv6.txt: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_sessions(s, {
                      up("2620:0:861:ffff:ffff:ffff:ffff:fffe", 64601, 1139, 2, 130, 123, {trib("inet6.0", 1, 1, 1, 0)}),
                      up("2620:0:861:103:10:64:32:23", 64601, 1139, 2, 130, 123, {trib("inet6.0", 1, 1, 1, 0)}),
                    });
}

TEST_CASE("junos text: malformed pastes: exact code, line and detail")
{
  struct Case
  {
    const char* file;
    ParseErrc code;
    std::size_t line;
    const char* detail;
  };
  const Case cases[] = {
    {"bad_unrecognised.txt", ParseErrc::syntax, 5, "unrecognised line 'error: the routing subsystem is not running'"},
    {"bad_unknown_state.txt", ParseErrc::bad_value, 3,
     "unknown BGP state 'Estab' in '10.64.0.121          64601        220        208       0       2       32:13 "
     "Estab'"},
    {"bad_non_numeric.txt", ParseErrc::bad_value, 3, "bad InPkt '12k' (expected an unsigned integer)"},
    {"bad_huge_value.txt", ParseErrc::out_of_range, 3, "OutPkt '99999999999999999999999' does not fit in 64 bits"},
    {"bad_truncated.txt", ParseErrc::missing_field, 6,
     "peer line has too few columns '10.64.0.145           64601     824512'"},
    {"bad_truncated_header.txt", ParseErrc::missing_field, 5, "table 'inet.0' has no counts line"},
    {"bad_command_only.txt", ParseErrc::missing_field, 0,
     "the paste ends after the command: no 'Groups:' line, no peer lines"},
    {"bad_rib_orphan.txt", ParseErrc::syntax, 4, "RIB line without an Establ peer above it 'inet.0: 1/1/1/0'"},
    {"bad_elapsed.txt", ParseErrc::bad_value, 3,
     "bad elapsed time '12w1d21:45:51' (expected S, M:SS, H:MM:SS, [Ww]Dd H:MM:SS or WwDdHh)"},
    {"bad_asn.txt", ParseErrc::out_of_range, 3, "peer-as '4294967296' exceeds 4294967295"},
    {"bad_other_command.txt", ParseErrc::syntax, 1, "not a show bgp summary command 'user@cr1-eqiad> show route summary'"},
    {"bad_binary_junk.txt", ParseErrc::syntax, 2, "NUL byte: binary data, not a show bgp summary paste"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.file);
    auto r = parse_junos_text(fixture(c.file));
    REQUIRE_FALSE(r.has_value());
    CHECK(to_string(r.error().code) == to_string(c.code));
    CHECK(r.error().line == c.line);
    CHECK(r.error().detail == c.detail);
  }
}

TEST_CASE("junos text: inline edge cases")
{
  SECTION("empty and whitespace-only input")
  {
    for (const char* in : {"", "\n\n   \n", "        "}) {
      auto r = parse_junos_text(in);
      REQUIRE_FALSE(r);
      CHECK(r.error().code == ParseErrc::missing_field);
      CHECK(r.error().detail == "no 'Groups:' line and no peer lines: not show bgp summary output");
    }
  }
  SECTION("a | match paste that matched nothing is an empty summary")
  {
    auto r = parse_junos_text("user@cr1-eqiad> show bgp summary | match 64699\n\nuser@cr1-eqiad> \n");
    REQUIRE(r);
    CHECK(r->sessions.empty());
  }
  SECTION("Groups: with peers but the paste stops before the peer list")
  {
    auto r = parse_junos_text("Groups: 4 Peers: 7 Down peers: 2\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ParseErrc::missing_field);
    CHECK(r.error().detail == "'Groups:' line counts 7 peers but the paste ends before the peer list");
  }
  SECTION("no peers configured")
  {
    auto r = parse_junos_text("Groups: 0 Peers: 0 Down peers: 0\n");
    REQUIRE(r);
    CHECK(r->peers == 0u);
    CHECK(r->sessions.empty());
  }
  SECTION("CRLF line endings")
  {
    auto r = parse_junos_text("Groups: 1 Peers: 1 Down peers: 0\r\n10.64.0.121  64601  220  208  0  2  32:13 Establ\r\n"
                              "  inet.0: 0/1/1/0\r\n");
    REQUIRE(r);
    REQUIRE(r->sessions.size() == 1);
    REQUIRE(r->sessions[0].ribs.size() == 1);
    CHECK(r->sessions[0].ribs[0].accepted == 1u);
  }
  SECTION("a second summary in the same paste")
  {
    auto r = parse_junos_text("Groups: 1 Peers: 0 Down peers: 0\nGroups: 1 Peers: 0 Down peers: 0\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().line == 2);
    CHECK(r.error().detail == "second 'Groups:' line: more than one summary in the input");
  }
  SECTION("bad Groups: line")
  {
    auto r = parse_junos_text("Groups: 1 Peers: x Down peers: 0\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ParseErrc::bad_value);
    CHECK(r.error().detail == "bad peer count 'x' (expected an unsigned integer)");
  }
  SECTION("a wrapped address with nothing after it")
  {
    auto r = parse_junos_text("Groups: 1 Peers: 1 Down peers: 0\n2620:0:861:ffff:ffff:ffff:ffff:fffe\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().line == 2);
    CHECK(r.error().detail == "peer 2620:0:861:ffff:ffff:ffff:ffff:fffe has no columns after its address");
  }
  SECTION("control characters are not echoed raw")
  {
    auto r = parse_junos_text("Groups: 1 Peers: 1 Down peers: 0\n\x1b[31mred\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().detail == "unrecognised line '?[31mred'");
  }
  SECTION("over k_max_input_bytes")
  {
    auto r = parse_junos_text(std::string(k_max_input_bytes + 1, '\n'));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ParseErrc::too_large);
  }
}

TEST_CASE("junos text: a line with more fields than any summary line is refused")
{
  std::string line = "10.64.0.121";
  for (int i = 0; i < 100; ++i) {
    line += " 1";
  }
  auto r = parse_junos_text("Groups: 1 Peers: 1 Down peers: 0\n" + line + "\n");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ParseErrc::syntax);
  CHECK(r.error().line == 2);
}
