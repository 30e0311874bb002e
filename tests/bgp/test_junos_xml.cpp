// tests/bgp/test_junos_xml.cpp: parse_junos_xml on every fixture in
// fixtures/junos/*.xml, with exact values and exact error codes/lines.
#include "tests/bgp/test_junos_util.hpp"

using namespace junos_test;
using S = SessionState;

namespace {

const std::vector<Peer>& eqiad_peers()
{
  static const std::vector<Peer> peers = {
    {"10.64.0.121", {}, 64601, S::established, 1933, 2, 220, 208, 0, "kubernetes1001", {xrib("inet.0", 0, 1, 1, 0)}},
    {"10.64.0.145", {}, 64601, S::established, 7335951, 1, 824512, 795240, 0, "kubernetes1005",
     {xrib("inet.0", 1, 1, 1, 0)}},
    {"10.64.32.23", {}, 64601, S::established, 1139, 2, 130, 123, 0, "kubernetes1003", {xrib("inet.0", 1, 1, 1, 0)}},
    {"10.64.48.52", {}, 64601, S::active, 41, 3, 782006, 754152, 0, "kubernetes1004", {}},
    {"2620:0:861:101:10:64:0:121", {}, 64601, S::established, 1932, 2, 217, 208, 0, "kubernetes1001",
     {xrib("inet6.0", 0, 1, 1, 0)}},
    {"2620:0:861:107:10:64:48:52", {}, 64601, S::established, 7039653, 2, 782077, 754154, 0, "kubernetes1004",
     {xrib("inet6.0", 1, 1, 1, 0)}},
  };
  return peers;
}

ParseError parse_err(const std::string& name)
{
  CAPTURE(name);
  auto r = parse_junos_xml(fixture(name));
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

} // namespace

TEST_CASE("junos xml: | display xml capture (rpc-reply, junos: attributes, 20.4R3 namespace, banner)")
{
  const auto r = parse_junos_xml(fixture("display_xml_eqiad.xml"));
  INFO("display_xml_eqiad.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 4, 6, 1);
  check_sessions(s, eqiad_peers());
}

TEST_CASE("junos xml: PyEZ-saved bare bgp-information with plain attributes, no namespace")
{
  const auto r = parse_junos_xml(fixture("pyez_plain_attrs.xml"));
  INFO("pyez_plain_attrs.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 4, 6, 1);
  check_sessions(s, eqiad_peers());
}

TEST_CASE("junos xml: raw NETCONF reply, prefixed nc:rpc-reply, XML declaration, 18.4R1 namespace, no final newline")
{
  const auto r = parse_junos_xml(fixture("netconf_18_4.xml"));
  INFO("netconf_18_4.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 2, 3, 0);
  const auto& all = eqiad_peers();
  check_sessions(s, {all[0], all[1], all[2]});
}

TEST_CASE("junos xml: SRX cluster reply with trailing <cli><banner>{primary:node0}")
{
  const auto r = parse_junos_xml(fixture("srx_cluster_banner.xml"));
  INFO("srx_cluster_banner.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 1, 2, 1);
  check_sessions(s, {
                      {"10.64.16.1", {}, 64600, S::established, 1469733, 0, 98231, 98544, 0, "cr1-eqiad",
                       {xrib("inet.0", 14, 15, 15, 0)}},
                      {"10.64.16.2", {}, 64600, S::connect, 24, 5, 12, 9, 0, "cr2-eqiad", {}},
                    });
}

TEST_CASE("junos xml: empty replies")
{
  SECTION("only the three counters")
  {
    const auto r = parse_junos_xml(fixture("empty_counters.xml"));
    INFO("empty_counters.xml: " << error_text(r));
    REQUIRE(r.has_value());
    const Summary& s = *r;
    check_counts(s, 0, 0, 0);
    CHECK(s.sessions.empty());
  }
  SECTION("<bgp-information/>: no counters at all")
  {
    const auto r = parse_junos_xml(fixture("empty_element.xml"));
    INFO("empty_element.xml: " << error_text(r));
    REQUIRE(r.has_value());
    const Summary& s = *r;
    check_counts(s, std::nullopt, std::nullopt, std::nullopt);
    CHECK(s.sessions.empty());
  }
}

TEST_CASE("junos xml: instance-scoped reply names the instance from table names")
{
  const auto r = parse_junos_xml(fixture("instance_frontend.xml"));
  INFO("instance_frontend.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 1, 3, 1);
  check_sessions(s, {
                      {"10.64.130.11", "frontend", 64601, S::established, 131990, 0, 4411, 4390, 0, {},
                       {xrib("frontend.inet.0", 2, 2, 2, 0), xrib("frontend.mdt.0", 0, 0, 0, 0)}},
                      // Idle: no RIBs of its own; the reply's tables are all frontend's.
                      {"10.64.130.12", "frontend", 64601, S::idle, 612, 0, 0, 0, 0, {}, {}},
                      {"2620:0:861:130:10:64:130:11", "frontend", 64601, S::established, 131990, 0, 4408, 4390, 0, {},
                       {xrib("frontend.inet6.0", 2, 2, 2, 0)}},
                    });
}

TEST_CASE("junos xml: instance prefix match (vrf, vrf2) and a master VPN peer importing into both")
{
  const auto r = parse_junos_xml(fixture("instance_prefix_match.xml"));
  INFO("instance_prefix_match.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 3, 5, 1);
  check_sessions(
    s, {
         // bgp.l3vpn.0 is a master table: the peer is in the master instance.
         {"10.64.0.1", {}, 64600, S::established, 954211, 1, 52311, 50122, 0, "cr1 ibgp",
          {xrib("bgp.l3vpn.0", 10, 13, 13, 0), xrib("vrf.inet.0", 4, 4, 4, 0), xrib("vrf2.inet.0", 6, 6, 6, 0)}},
         // The same address in two instances: two sessions.
         {"192.0.2.10", "vrf", 64701, S::established, 35990, 0, 1201, 1199, 0, {}, {xrib("vrf.inet.0", 3, 3, 3, 0)}},
         {"192.0.2.10", "vrf2", 64702, S::established, 2590, 0, 88, 87, 0, {}, {xrib("vrf2.inet.0", 1, 1, 1, 0)}},
         // No RIBs and the reply's tables span two instances: cannot tell -> unset.
         {"192.0.2.20", {}, 64701, S::active, 612, 0, 0, 0, 0, {}, {}},
         // Tables of two instances and no master table: unset.
         {"10.64.0.2", {}, 64600, S::established, 954210, 1, 52300, 50120, 0, {},
          {xrib("__default_evpn__.evpn.0", 0, 0, 0, 0), xrib("default-switch.evpn.0", 2, 2, 2, 0)}},
       });
}

TEST_CASE("junos xml: header counters are reported, never cross-checked against the list")
{
  const auto r = parse_junos_xml(fixture("counters_disagree.xml"));
  INFO("counters_disagree.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 1, 5, 2);
  REQUIRE(s.sessions.size() == 6);
  CHECK(to_string(s.sessions[3].state) == "Active");
  CHECK(to_string(s.sessions[4].state) == "Connect");
  CHECK(to_string(s.sessions[5].state) == "Idle");
}

TEST_CASE("junos xml: 64-bit counters and 4-byte ASNs")
{
  const auto r = parse_junos_xml(fixture("large_numbers.xml"));
  INFO("large_numbers.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 2, 2, 0);
  check_sessions(s, {
                      {"10.64.0.145", {}, 4290029998u, S::established, 12688372, 17, 3988100231u, 4139021655u, 0,
                       "transit 4-byte", {xrib("inet.0", 812331, 812400, 812390, 0)}},
                      {"2a01:280:100::1", {}, 4201065544u, S::established, 1566000, 0, 2147483648u,
                       18446744073709551615u, 0, {}, {xrib("inet6.0", 190211, 190300, 190300, 0)}},
                    });
}

TEST_CASE("junos xml: every RFC 4271 state, including OpenSent and OpenConfirm")
{
  const auto r = parse_junos_xml(fixture("states_all.xml"));
  INFO("states_all.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_sessions(s, {
                      {"10.64.0.121", {}, 64601, S::idle, 5, 0, 0, 0, 0, {}, {}},
                      {"10.64.0.145", {}, 64601, S::connect, 11, 0, 0, 1, 0, {}, {}},
                      {"10.64.16.75", {}, 64601, S::active, 9, 0, 0, 1, 0, {}, {}},
                      {"10.64.32.18", {}, 64601, S::open_sent, 2, 0, 1, 2, 0, {}, {}},
                      {"10.64.32.23", {}, 64601, S::open_confirm, 3, 0, 2, 2, 0, {}, {}},
                      {"10.64.48.52", {}, 64601, S::established, 1, 0, 3, 3, 0, {}, {xrib("inet.0", 0, 0, 0, 0)}},
                    });
}

TEST_CASE("junos xml: elapsed-time text when the seconds attribute is absent")
{
  const auto r = parse_junos_xml(fixture("elapsed_text_only.xml"));
  INFO("elapsed_text_only.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  REQUIRE(s.sessions.size() == 6);
  const std::int64_t want[] = {24, 224, 61468, 184247, 797493, 12686400};
  for (std::size_t i = 0; i < 6; ++i) {
    CAPTURE(i);
    CHECK(s.sessions[i].uptime_seconds == want[i]);
  }
}

TEST_CASE("junos xml: peer-address with a +port suffix is split on the last '+'")
{
  const auto r = parse_junos_xml(fixture("peer_port_suffix.xml"));
  INFO("peer_port_suffix.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_sessions(s, {
                      {"10.64.0.121", {}, 64601, S::established, 1933, 2, 220, 208, 0, {}, {xrib("inet.0", 0, 1, 1, 0)}},
                      {"2620:0:861:101:10:64:0:121", {}, 64601, S::established, 1932, 2, 217, 208, 0, {},
                       {xrib("inet6.0", 0, 1, 1, 0)}},
                      {"10.64.48.52", {}, 64601, S::active, 41, 3, 0, 0, 0, {}, {}},
                    });
}

TEST_CASE("junos xml: multi-routing-engine-results: every RE's peers, first RE wins a duplicate")
{
  const auto r = parse_junos_xml(fixture("multi_re.xml"));
  INFO("multi_re.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 4, 2, 0); // from the first RE
  const auto& all = eqiad_peers();
  check_sessions(s, {all[0], all[1],
                     {"10.64.16.75", {}, 64601, S::established, 1405, 2, 161, 152, 0, {}, {xrib("inet.0", 0, 1, 1, 0)}}});
}

TEST_CASE("junos xml: an <rpc-error> of severity warning next to data is not a failure")
{
  const auto r = parse_junos_xml(fixture("warning_with_data.xml"));
  INFO("warning_with_data.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 4, 1, 0);
  check_sessions(s, {eqiad_peers()[0]});
}

TEST_CASE("junos xml: <output> (format=text reply) goes through the text parser")
{
  const auto r = parse_junos_xml(fixture("output_text.xml"));
  INFO("output_text.xml: " << error_text(r));
  REQUIRE(r.has_value());
  const Summary& s = *r;
  check_counts(s, 1, 2, 1);
  check_sessions(s, {
                      {"10.64.0.121", {}, 64601, S::established, 1933, 2, 220, 208, 0, {}, {trib("inet.0", 1, 1, 1, 0)}},
                      {"10.64.48.52", {}, 64601, S::active, 41, 3, 782006, 754152, 0, {}, {}},
                    });
}

TEST_CASE("junos xml: errors carry the exact code, line and detail")
{
  struct Case
  {
    const char* file;
    ParseErrc code;
    std::size_t line;
    const char* detail;
  };
  const Case cases[] = {
    {"rpc_error.xml", ParseErrc::rpc_error, 2,
     "routing instance frontend-missing not found (bad-element frontend-missing) (error-path [edit])"},
    {"warning_only.xml", ParseErrc::rpc_error, 2, "warning: BGP is not running"},
    {"bad_wrong_root.xml", ParseErrc::missing_field, 1, "<rpc-reply> holds no <bgp-information>"},
    {"bad_wrong_root_route.xml", ParseErrc::wrong_root, 1,
     "root element <route-information> is not <rpc-reply> or <bgp-information>"},
    {"bad_non_numeric.xml", ParseErrc::bad_value, 72, "bad flap-count 'one' (expected an unsigned integer)"},
    {"bad_huge_value.xml", ParseErrc::out_of_range, 69,
     "input-messages '184467440737095516160' does not fit in 64 bits"},
    {"bad_asn_overflow.xml", ParseErrc::out_of_range, 68, "peer-as '4294967296' exceeds 4294967295"},
    {"bad_unknown_state.xml", ParseErrc::bad_value, 111, "unknown BGP state 'Estab'"},
    {"bad_missing_state.xml", ParseErrc::missing_field, 102, "<bgp-peer> 10.64.48.52 has no <peer-state>"},
    {"bad_elapsed_text.xml", ParseErrc::bad_value, 55,
     "bad elapsed time '1w 5:31:33' (expected S, M:SS, H:MM:SS, [Ww]Dd H:MM:SS or WwDdHh)"},
    {"bad_two_roots.xml", ParseErrc::syntax, 2, "second root element <bgp-information>"},
    {"bad_binary_junk.xml", ParseErrc::syntax, 4, "NUL byte in input: binary data, not XML"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.file);
    const auto e = parse_err(c.file);
    CHECK(to_string(e.code) == to_string(c.code));
    CHECK(e.line == c.line);
    CHECK(e.detail == c.detail);
  }
}

TEST_CASE("junos xml: truncated and non-XML input is a syntax error with the library's location")
{
  SECTION("truncated mid-document")
  {
    const auto e = parse_err("bad_truncated.xml");
    CHECK(e.code == ParseErrc::syntax);
    CHECK(e.detail == "not well-formed XML: Error parsing start element tag");
    CHECK(e.line == 25); // the cut is inside <pending-prefix-count on the last line
    CHECK(e.column == 27);
  }
  SECTION("high bytes, no markup")
  {
    const auto e = parse_err("bad_binary_no_nul.xml");
    CHECK(e.code == ParseErrc::syntax);
    CHECK(e.line == 1);
  }
  SECTION("empty input")
  {
    auto r = parse_junos_xml("");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ParseErrc::syntax);
  }
  SECTION("text only")
  {
    auto r = parse_junos_xml("Groups: 1 Peers: 1 Down peers: 0\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ParseErrc::syntax);
  }
}

TEST_CASE("junos xml: input over k_max_input_bytes is refused before parsing")
{
  std::string big(k_max_input_bytes + 1, ' ');
  auto r = parse_junos_xml(big);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ParseErrc::too_large);
  CHECK(r.error().detail == "input is 67108865 bytes, over the limit of 67108864");
}

TEST_CASE("junos xml: field errors inline")
{
  struct Case
  {
    const char* xml;
    ParseErrc code;
    const char* detail;
  };
  const Case cases[] = {
    {"<bgp-information><peer-count>-1</peer-count></bgp-information>", ParseErrc::bad_value,
     "bad peer-count '-1' (expected an unsigned integer)"},
    {"<bgp-information><group-count></group-count></bgp-information>", ParseErrc::bad_value,
     "bad group-count '' (expected an unsigned integer)"},
    {"<bgp-information><bgp-peer><peer-state>Active</peer-state></bgp-peer></bgp-information>",
     ParseErrc::missing_field, "<bgp-peer> has no <peer-address>"},
    {"<bgp-information><bgp-peer><peer-address>10.64.0.300</peer-address></bgp-peer></bgp-information>",
     ParseErrc::bad_value, "bad peer-address '10.64.0.300'"},
    {"<bgp-information><bgp-peer><peer-address>10.64.0.1+99999</peer-address></bgp-peer></bgp-information>",
     ParseErrc::bad_value, "bad port in peer-address '10.64.0.1+99999'"},
    {"<bgp-information><bgp-peer><peer-address>10.64.0.1</peer-address><peer-as>AS64601</peer-as>"
     "</bgp-peer></bgp-information>",
     ParseErrc::bad_value, "bad peer-as 'AS64601'"},
    {"<bgp-information><bgp-peer><peer-address>10.64.0.1</peer-address><peer-state>Unknown</peer-state>"
     "</bgp-peer></bgp-information>",
     ParseErrc::bad_value, "unknown BGP state 'Unknown'"},
    {"<bgp-information><bgp-peer><peer-address>10.64.0.1</peer-address>"
     "<elapsed-time junos:seconds=\"12x\">1:02</elapsed-time></bgp-peer></bgp-information>",
     ParseErrc::bad_value, "bad elapsed-time seconds '12x' (expected an unsigned integer)"},
    {"<bgp-information><bgp-peer><peer-address>10.64.0.1</peer-address>"
     "<elapsed-time seconds=\"9223372036854775808\"/></bgp-peer></bgp-information>",
     ParseErrc::out_of_range, "elapsed-time seconds '9223372036854775808' is too large"},
    {"<bgp-information><bgp-peer><peer-address>10.64.0.1</peer-address><peer-state>Active</peer-state>"
     "<bgp-rib><active-prefix-count>1</active-prefix-count></bgp-rib></bgp-peer></bgp-information>",
     ParseErrc::missing_field, "<bgp-rib> has no <name>"},
    {"<rpc-reply><rpc-error><error-tag>operation-failed</error-tag></rpc-error><bgp-information/></rpc-reply>",
     ParseErrc::rpc_error, "router returned <rpc-error> without <error-message> (error-tag operation-failed)"},
    {"<rpc-reply><multi-routing-engine-results><multi-routing-engine-item><re-name>re1</re-name>"
     "<rpc-error><error-severity>error</error-severity><error-message>re1 not responding</error-message>"
     "</rpc-error></multi-routing-engine-item></multi-routing-engine-results></rpc-reply>",
     ParseErrc::rpc_error, "re1 not responding"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.xml);
    auto r = parse_junos_xml(c.xml);
    REQUIRE_FALSE(r);
    CHECK(to_string(r.error().code) == to_string(c.code));
    CHECK(r.error().detail == c.detail);
    CHECK(r.error().line == 1);
  }
}

TEST_CASE("junos xml: elements are matched on local names, attributes with any prefix")
{
  auto r = parse_junos_xml("<j:bgp-information xmlns:j=\"http://xml.juniper.net/junos/23.2R1/junos-routing\">"
                           "<j:peer-count>1</j:peer-count><j:bgp-peer><j:peer-address>2620:0:861:103:10:64:32:23"
                           "</j:peer-address><j:peer-as>64601</j:peer-as><j:elapsed-time x:seconds=\"61\">1:01"
                           "</j:elapsed-time><j:peer-state x:format=\"Establ\">Established</j:peer-state>"
                           "<j:unknown-new-field>1</j:unknown-new-field></j:bgp-peer></j:bgp-information>");
  REQUIRE(r);
  CHECK(r->peers == 1u);
  REQUIRE(r->sessions.size() == 1);
  CHECK(r->sessions[0].address.to_string() == "2620:0:861:103:10:64:32:23");
  CHECK(r->sessions[0].uptime_seconds == 61);
  CHECK(r->sessions[0].state == SessionState::established);
  CHECK_FALSE(r->sessions[0].flaps.has_value()); // absent stays absent
}

TEST_CASE("junos xml: hostile nesting of routing-engine wrappers is refused, not recursed into")
{
  std::string xml = "<rpc-reply>";
  for (int i = 0; i < 5000; ++i) {
    xml += "<multi-routing-engine-results>";
  }
  for (int i = 0; i < 5000; ++i) {
    xml += "</multi-routing-engine-results>";
  }
  xml += "</rpc-reply>";
  auto r = parse_junos_xml(xml);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ParseErrc::syntax);
  CHECK(r.error().detail == "<multi-routing-engine-results> nested too deep");
}

TEST_CASE("junos xml: text around the document: a pasted prompt is not XML")
{
  auto r = parse_junos_xml("user@cr1-eqiad> show bgp summary | display xml\n<bgp-information/>\n");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ParseErrc::syntax);
  CHECK(r.error().line == 1);
  CHECK(r.error().detail == "text outside the root element");

  r = parse_junos_xml("<bgp-information/>\n{master}\n");
  REQUIRE_FALSE(r);
  CHECK(r.error().line == 2);

  // RFC 6242 NETCONF 1.0 end-of-message marker after a raw reply is fine.
  auto ok = parse_junos_xml("<rpc-reply><bgp-information><peer-count>0</peer-count></bgp-information></rpc-reply>\n"
                            "]]>]]>\n");
  REQUIRE(ok);
  CHECK(ok->peers == 0u);
}

// Issue 17: the Poller parses each reply in place (no copy). Every XML
// fixture, good or bad, must give the same sessions, or the same error
// detail (without a line: the text it would be counted in is rewritten).
TEST_CASE("junos xml: in place, every fixture parses as with a copy")
{
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fixtures_dir() / "junos")) {
    if (entry.path().extension() != ".xml") {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    std::string mutable_text = text;
    const auto copied = parse_junos_xml(text);
    const auto inplace = parse_junos_xml_inplace(mutable_text);
    INFO(entry.path().filename().string());
    REQUIRE(copied.has_value() == inplace.has_value());
    if (copied) {
      CHECK(copied->sessions == inplace->sessions);
      CHECK(copied->groups == inplace->groups);
      CHECK(copied->peers == inplace->peers);
      CHECK(copied->down_peers == inplace->down_peers);
    } else {
      CHECK(copied.error().code == inplace.error().code);
      CHECK(copied.error().detail == inplace.error().detail);
      CHECK(inplace.error().line == 0);
    }
    ++checked;
  }
  CHECK(checked >= 20);

  // pugixml takes the buffer's last byte aside: a stray '<' before a final
  // newline must be the same error in place (found by fuzz_junos_xml).
  for (const std::string text : {"junk<\n", "<a/>\n<", "<bgp-information/>\n"}) {
    std::string own = text;
    const auto copied = parse_junos_xml(text);
    const auto inplace = parse_junos_xml_inplace(own);
    INFO(text);
    REQUIRE(copied.has_value() == inplace.has_value());
    if (!copied) {
      CHECK(copied.error().detail == inplace.error().detail);
    }
  }
}
