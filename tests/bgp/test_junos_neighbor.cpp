// tests/bgp/test_junos_neighbor.cpp: parse_junos_neighbor_xml/_text and
// detect_neighbor_format on fixtures/junos-neighbor/*, with exact values,
// exact error codes and lines, and the golden JSON beside each fixture
// (<case>_<ext>.json, the `parse --format json` shape). The goldens were
// written with BGPWATCH_UPDATE_GOLDEN=1 and then checked by hand against
// the fixtures; a mismatch leaves <golden>.actual beside the golden.
#include "bgp/detect.hpp"
#include "bgp/junos_neighbor.hpp"
#include "tests/bgp/test_junos_util.hpp"

#include <nlohmann/json.hpp>

using namespace junos_test;
using S = SessionState;
using Words = std::vector<std::string>;

namespace {

std::filesystem::path neighbor_dir()
{
  return fixtures_dir() / "junos-neighbor";
}

std::string neighbor_fixture(const std::string& name)
{
  std::ifstream in(neighbor_dir() / name, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bgpwatch::Expected<Summary, ParseError> parse_fixture(const std::string& name)
{
  const auto content = neighbor_fixture(name);
  return name.ends_with(".xml") ? parse_junos_neighbor_xml(content) : parse_junos_neighbor_text(content);
}

template <class T>
nlohmann::json opt(const std::optional<T>& v)
{
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// The session JSON of issue 14 (SPEC "Session JSON" + the neighbor keys).
nlohmann::json session_json(const Session& s)
{
  nlohmann::json ribs = nlohmann::json::array();
  for (const auto& r : s.ribs) {
    ribs.push_back({{"name", r.name},
                    {"active", opt(r.active)},
                    {"received", opt(r.received)},
                    {"accepted", opt(r.accepted)},
                    {"damped", opt(r.damped)},
                    {"state", opt(r.state)}});
  }
  nlohmann::json j = {
    {"router", opt(s.router)},
    {"site", opt(s.site)},
    {"address", s.address.to_string()},
    {"family", std::string(to_string(s.family()))},
    {"peer_as", opt(s.peer_as)},
    {"state", std::string(to_string(s.state))},
    {"uptime_seconds", opt(s.uptime_seconds)},
    {"flaps", opt(s.flaps)},
    {"input_messages", opt(s.input_messages)},
    {"output_messages", opt(s.output_messages)},
    {"output_queue", opt(s.output_queue)},
    {"description", opt(s.description)},
    {"node", opt(s.node)},
    {"ribs", std::move(ribs)},
    // The golden is also `bgpwatch parse`'s output (tests/e2e/test_parse_golden.sh),
    // which says "replay" for a saved reply; the parser's own tag is checked
    // (netconf) in check_golden.
    {"source", "replay"},
    {"instance", opt(s.instance)},
    {"last_state", opt(s.last_state)},
    {"last_error", opt(s.last_error)},
    {"peer_flags", opt(s.peer_flags)},
    {"options", opt(s.options)},
    {"restart_time_received", opt(s.restart_time_received)},
    {"stale_route_time", opt(s.stale_route_time)},
    {"restart_negotiated", opt(s.restart_negotiated)},
    {"end_of_rib_received", opt(s.end_of_rib_received)},
    {"end_of_rib_sent", opt(s.end_of_rib_sent)},
    {"restart_flags_received", opt(s.restart_flags_received)},
    {"stale_routes_expire_at", nullptr}, // live only: parse has no clock
    {"protocol", opt(s.protocol)},
    {"local_address", s.local_address ? nlohmann::json(s.local_address->to_string()) : nlohmann::json(nullptr)},
    {"local_as", opt(s.local_as)},
  };
  return j;
}

void check_golden(const std::string& name)
{
  CAPTURE(name);
  const auto r = parse_fixture(name);
  INFO(error_text(r));
  REQUIRE(r.has_value());
  std::size_t down = 0;
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& s : r->sessions) {
    CHECK(s.has_detail);
    CHECK(s.source == Source::netconf);
    down += s.state == S::established ? 0 : 1;
    sessions.push_back(session_json(s));
  }
  // The format `parse` reports: what detection says (an empty reply reads as a summary).
  const nlohmann::json doc = {{"format", std::string(to_string(detect_format(neighbor_fixture(name))))},
                              {"groups", nullptr},
                              {"peers", nullptr},
                              {"down_peers", nullptr},
                              {"sessions", sessions}};
  const std::string actual = doc.dump(2) + "\n";
  std::string case_name = name;
  std::replace(case_name.begin(), case_name.end(), '.', '_');
  const auto golden = neighbor_dir() / (case_name + ".json");
  if (const char* update = std::getenv("BGPWATCH_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
    std::ofstream(golden, std::ios::binary) << actual;
  }
  std::ifstream in(golden, std::ios::binary);
  INFO("golden " << golden.string() << " (BGPWATCH_UPDATE_GOLDEN=1 writes it)");
  REQUIRE(in.good());
  std::ostringstream want;
  want << in.rdbuf();
  if (want.str() != actual) {
    std::ofstream(golden.string() + ".actual", std::ios::binary) << actual;
  }
  CHECK(want.str() == actual);
}

ParseError parse_err(const std::string& name)
{
  CAPTURE(name);
  auto r = parse_fixture(name);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

Address addr(const char* text)
{
  auto a = Address::parse(text);
  REQUIRE(a.has_value());
  return *a;
}

} // namespace

TEST_CASE("junos neighbor xml: GR negotiated, End-of-RIB received, 20.4R3 rpc-reply with junos: attributes")
{
  const auto r = parse_fixture("gr_eor_received.xml");
  INFO(error_text(r));
  REQUIRE(r.has_value());
  CHECK_FALSE(r->groups.has_value());
  CHECK_FALSE(r->peers.has_value());
  CHECK_FALSE(r->down_peers.has_value());
  REQUIRE(r->sessions.size() == 1);
  const auto& s = r->sessions[0];
  CHECK(s.address == addr("10.64.0.121")); // "+179" stripped
  CHECK(s.peer_as == 64601u);
  CHECK(s.local_address == addr("10.64.0.1"));
  CHECK(s.local_as == 14907u);
  CHECK(s.description == "kubernetes1001");
  CHECK_FALSE(s.instance.has_value()); // peer-cfg-rti master
  CHECK(s.state == S::established);
  CHECK(s.has_detail);
  CHECK(s.peer_flags == Words{"Sync"});
  CHECK(s.last_state == "OpenConfirm");
  CHECK(s.last_error == "None");
  CHECK(s.options
        == Words{"Preference", "HoldTime", "GracefulRestart", "AddressFamily", "PeerAS", "PrefixLimit", "Refresh",
                 "GracefulShutdownRcv"});
  CHECK(s.flaps == 2u);
  CHECK(s.restart_time_received == 120u);
  CHECK(s.stale_route_time == 300u);
  CHECK(s.restart_negotiated == Words{"inet-unicast"});
  CHECK(s.end_of_rib_received == Words{"inet-unicast"});
  CHECK(s.end_of_rib_sent == Words{"inet-unicast"});
  CHECK(s.restart_flags_received == "Notification");
  CHECK_FALSE(s.uptime_seconds.has_value()); // the detail reply has no elapsed-time
  CHECK(s.input_messages == 220u);
  CHECK(s.output_messages == 208u);
  REQUIRE(s.ribs.size() == 1);
  CHECK(s.ribs[0].name == "inet.0");
  CHECK(s.ribs[0].state == "BGP restart is complete");
  CHECK(s.ribs[0].active == 1u);
  CHECK(s.ribs[0].received == 1u);
  CHECK(s.ribs[0].accepted == 1u);
  CHECK(s.ribs[0].suppressed == 0u);
  CHECK_FALSE(s.ribs[0].damped.has_value());
}

TEST_CASE("junos neighbor xml: End-of-RIB pending, RIB restarting, 18.4R1 bare bgp-information, plain attributes")
{
  const auto r = parse_fixture("eor_pending_18_4.xml");
  INFO(error_text(r));
  REQUIRE(r.has_value());
  REQUIRE(r->sessions.size() == 1);
  const auto& s = r->sessions[0];
  CHECK(s.address == addr("10.64.32.23"));
  CHECK(s.last_state == "EstabSync");
  CHECK(s.restart_negotiated == Words{"inet-unicast"});
  CHECK_FALSE(s.end_of_rib_received.has_value()); // element absent: null, not []
  CHECK(s.end_of_rib_sent == Words{"inet-unicast"});
  CHECK(s.restart_flags_received == "Restarting Notification");
  CHECK(s.options == Words{"Preference", "HoldTime", "GracefulRestart", "AddressFamily", "PeerAS", "PrefixLimit",
                           "Refresh"});
  REQUIRE(s.ribs.size() == 1);
  CHECK(s.ribs[0].state == "BGP restart in progress");
}

TEST_CASE("junos neighbor xml: IPv6 without GR and a down peer, nc:rpc-reply 22.3R1 with ]]>]]>")
{
  const auto r = parse_fixture("no_gr_ipv6_and_down.xml");
  INFO(error_text(r));
  REQUIRE(r.has_value());
  REQUIRE(r->sessions.size() == 2);
  const auto& v6 = r->sessions[0];
  CHECK(v6.address == addr("2620:0:861:101:10:64:0:121"));
  CHECK(v6.family() == Family::ipv6);
  CHECK(v6.local_address == addr("2620:0:861:101::1"));
  CHECK_FALSE(v6.restart_negotiated.has_value());
  CHECK_FALSE(v6.restart_time_received.has_value());
  CHECK(v6.end_of_rib_received == Words{"inet6-unicast"});
  CHECK(v6.flaps == 0u);
  REQUIRE(v6.ribs.size() == 1);
  CHECK_FALSE(v6.ribs[0].state.has_value());
  CHECK(v6.ribs[0].accepted == 1u);
  const auto& down = r->sessions[1];
  CHECK(down.address == addr("10.64.48.52"));
  CHECK(down.state == S::active);
  CHECK_FALSE(down.local_address.has_value()); // "unspecified"
  CHECK(down.peer_flags == Words{});           // present and empty
  CHECK(down.last_error == "Hold Timer Expired Error");
  CHECK(down.last_state == "Idle");
  CHECK(down.ribs.empty());
}

TEST_CASE("junos neighbor xml: terminal states keep the router's words")
{
  {
    const auto r = parse_fixture("prefix_limit_teardown.xml");
    INFO(error_text(r));
    REQUIRE(r.has_value());
    REQUIRE(r->sessions.size() == 1);
    CHECK(r->sessions[0].state == S::idle);
    CHECK(r->sessions[0].peer_flags == Words{"Idled"});
    CHECK(r->sessions[0].last_error == "Cease");
    CHECK(r->sessions[0].last_state == "Established");
  }
  {
    const auto r = parse_fixture("admin_shutdown.xml");
    INFO(error_text(r));
    REQUIRE(r.has_value());
    REQUIRE(r->sessions.size() == 1);
    CHECK(r->sessions[0].options
          == Words{"Preference", "HoldTime", "GracefulRestart", "AddressFamily", "PeerAS", "Refresh", "Shutdown"});
  }
  {
    const auto r = parse_fixture("unconfigured.xml");
    INFO(error_text(r));
    REQUIRE(r.has_value());
    REQUIRE(r->sessions.size() == 1);
    CHECK(r->sessions[0].peer_flags == Words{"Unconfigured", "Sync"});
    CHECK_FALSE(r->sessions[0].options.has_value()); // no bgp-option-information
  }
}

TEST_CASE("junos neighbor xml: instance from peer-cfg-rti, two families, SRX banner")
{
  const auto r = parse_fixture("two_families_srx_cluster.xml");
  INFO(error_text(r));
  REQUIRE(r.has_value());
  REQUIRE(r->sessions.size() == 1);
  const auto& s = r->sessions[0];
  CHECK(s.instance == "k8s");
  CHECK(s.restart_negotiated == Words{"inet-unicast", "inet6-unicast"});
  CHECK(s.end_of_rib_received == Words{"inet-unicast"});
  CHECK(s.peer_flags == Words{"Sync", "RSync"});
  REQUIRE(s.ribs.size() == 2);
  CHECK(s.ribs[1].name == "k8s.inet6.0");
}

TEST_CASE("junos neighbor xml: empty reply and errors")
{
  const auto r = parse_fixture("empty_reply.xml");
  INFO(error_text(r));
  REQUIRE(r.has_value());
  CHECK(r->sessions.empty());

  auto e = parse_err("bad_restart_time.xml");
  CHECK(e.code == ParseErrc::bad_value);
  CHECK(e.line == 7);
  CHECK(e.detail.find("peer-restart-time-received") != std::string::npos);

  e = parse_err("bad_missing_state.xml");
  CHECK(e.code == ParseErrc::missing_field);
  CHECK(e.line == 2);

  e = parse_err("rpc_error.xml");
  CHECK(e.code == ParseErrc::rpc_error);
  CHECK(e.detail == "syntax error, expecting <neighbor-address> (bad-element 10.64.0.300)");

  CHECK(parse_junos_neighbor_xml("<route-information/>").error().code == ParseErrc::wrong_root);
  CHECK(parse_junos_neighbor_xml("<bgp-information><bgp-peer>").error().code == ParseErrc::syntax);
  CHECK(parse_junos_neighbor_xml(std::string_view("<bgp-information>\0</bgp-information>", 36)).error().code
        == ParseErrc::syntax);
  CHECK(parse_junos_neighbor_xml("<bgp-information/>\nuser@cr1> ").error().code == ParseErrc::syntax);
}

TEST_CASE("junos neighbor text: GR negotiated and End-of-RIB received, prompt and command echo")
{
  const auto r = parse_fixture("established_gr.txt");
  INFO(error_text(r));
  REQUIRE(r.has_value());
  REQUIRE(r->sessions.size() == 1);
  const auto& s = r->sessions[0];
  CHECK(s.address == addr("10.64.0.121"));
  CHECK(s.peer_as == 64601u);
  CHECK(s.local_address == addr("10.64.0.1"));
  CHECK(s.local_as == 14907u);
  CHECK(s.description == "kubernetes1001");
  CHECK_FALSE(s.instance.has_value());
  CHECK(s.state == S::established);
  CHECK(s.peer_flags == Words{"Sync"});
  CHECK(s.last_state == "OpenConfirm");
  CHECK(s.last_error == "None");
  CHECK(s.options
        == Words{"Preference", "HoldTime", "GracefulRestart", "AddressFamily", "PeerAS", "PrefixLimit", "Refresh",
                 "GracefulShutdownRcv"});
  CHECK(s.flaps == 2u);
  CHECK(s.restart_time_received == 120u);
  CHECK(s.stale_route_time == 300u);
  CHECK(s.restart_flags_received == "Notification");
  CHECK(s.restart_negotiated == Words{"inet-unicast"});
  CHECK(s.end_of_rib_received == Words{"inet-unicast"});
  CHECK(s.end_of_rib_sent == Words{"inet-unicast"});
  CHECK(s.input_messages == 220u);
  CHECK(s.output_messages == 208u);
  REQUIRE(s.ribs.size() == 1);
  CHECK(s.ribs[0].name == "inet.0");
  CHECK(s.ribs[0].state == "BGP restart is complete");
  CHECK(s.ribs[0].active == 1u);
  CHECK(s.ribs[0].received == 1u);
  CHECK(s.ribs[0].accepted == 1u);
  CHECK(s.ribs[0].suppressed == 0u);
}

TEST_CASE("junos neighbor text: IPv6 with End-of-RIB pending, then a down peer")
{
  const auto r = parse_fixture("ipv6_pending_and_down.txt");
  INFO(error_text(r));
  REQUIRE(r.has_value());
  REQUIRE(r->sessions.size() == 2);
  const auto& v6 = r->sessions[0];
  CHECK(v6.address == addr("2620:0:861:101:10:64:0:121"));
  CHECK(v6.local_address == addr("2620:0:861:101::1"));
  CHECK(v6.last_state == "EstabSync");
  CHECK(v6.restart_flags_received == "Restarting Notification");
  CHECK(v6.restart_negotiated == Words{"inet6-unicast"});
  CHECK_FALSE(v6.end_of_rib_received.has_value());
  REQUIRE(v6.ribs.size() == 1);
  CHECK(v6.ribs[0].state == "BGP restart in progress");
  CHECK(v6.ribs[0].accepted == 0u);
  const auto& down = r->sessions[1];
  CHECK(down.address == addr("10.64.48.52"));
  CHECK(down.state == S::active);
  CHECK_FALSE(down.local_address.has_value());
  CHECK(down.peer_flags == Words{});
  CHECK(down.last_error == "Hold Timer Expired Error");
  CHECK(down.flaps == 3u);
  CHECK_FALSE(down.restart_time_received.has_value());
  CHECK(down.ribs.empty());
}

TEST_CASE("junos neighbor text: Shutdown on a second Options line; errors with lines")
{
  const auto r = parse_fixture("shutdown.txt");
  INFO(error_text(r));
  REQUIRE(r.has_value());
  REQUIRE(r->sessions.size() == 1);
  CHECK(r->sessions[0].options
        == Words{"Preference", "HoldTime", "GracefulRestart", "AddressFamily", "PeerAS", "Refresh", "Shutdown"});
  CHECK(r->sessions[0].state == S::idle);

  auto e = parse_err("bad_other_command.txt");
  CHECK(e.code == ParseErrc::syntax);
  CHECK(e.line == 1);
  e = parse_err("bad_restart_time.txt");
  CHECK(e.code == ParseErrc::bad_value);
  CHECK(e.line == 3);
  e = parse_err("bad_unknown_state.txt");
  CHECK(e.code == ParseErrc::bad_value);
  CHECK(e.line == 2);
  CHECK(parse_junos_neighbor_text("").error().code == ParseErrc::missing_field);
  CHECK(parse_junos_neighbor_text("Peer: 10.1.1.1 AS 1 Local: 10.1.1.2 AS 2\n").error().code
        == ParseErrc::missing_field);
  // The command echo alone: a neighbor that has nothing to show.
  const auto echo = parse_junos_neighbor_text("user@cr1> show bgp neighbor 10.9.9.9\n\nuser@cr1> \n");
  REQUIRE(echo.has_value());
  CHECK(echo->sessions.empty());
}

TEST_CASE("junos neighbor: golden JSON for every good fixture")
{
  std::size_t checked = 0;
  for (const char* name : {"gr_eor_received.xml", "eor_pending_18_4.xml", "no_gr_ipv6_and_down.xml",
                           "prefix_limit_teardown.xml", "admin_shutdown.xml", "unconfigured.xml",
                           "two_families_srx_cluster.xml", "empty_reply.xml", "established_gr.txt",
                           "ipv6_pending_and_down.txt", "shutdown.txt"}) {
    check_golden(name);
    ++checked;
  }
  // Every golden in the fixture folder is one checked here: a new fixture
  // with a golden cannot sit unchecked.
  std::size_t goldens = 0;
  for (const auto& e : std::filesystem::directory_iterator(neighbor_dir())) {
    goldens += e.path().extension() == ".json" ? 1 : 0;
  }
  CHECK(goldens == checked);
}

TEST_CASE("detect: neighbor formats")
{
  using N = NeighborFormat;
  for (const char* name : {"gr_eor_received.xml", "eor_pending_18_4.xml", "no_gr_ipv6_and_down.xml",
                           "prefix_limit_teardown.xml", "admin_shutdown.xml", "unconfigured.xml",
                           "two_families_srx_cluster.xml", "bad_restart_time.xml", "bad_missing_state.xml"}) {
    CAPTURE(name);
    CHECK(detect_neighbor_format(neighbor_fixture(name)) == N::junos_neighbor_xml);
    CHECK(detect_format(neighbor_fixture(name)) == InputFormat::junos_neighbor_xml);
  }
  for (const char* name : {"established_gr.txt", "ipv6_pending_and_down.txt", "shutdown.txt", "bad_restart_time.txt"}) {
    CAPTURE(name);
    CHECK(detect_neighbor_format(neighbor_fixture(name)) == N::junos_neighbor_text);
    CHECK(detect_format(neighbor_fixture(name)) == InputFormat::junos_neighbor_text);
  }
  CHECK(detect_format(neighbor_fixture("empty_reply.xml")) == InputFormat::junos_xml);
  CHECK(to_string(InputFormat::junos_neighbor_xml) == "junos-neighbor-xml");
  // An empty reply or an error reads the same as a summary's: not neighbor detail.
  CHECK(detect_neighbor_format(neighbor_fixture("empty_reply.xml")) == N::none);
  CHECK(detect_neighbor_format(neighbor_fixture("rpc_error.xml")) == N::none);
  CHECK(detect_neighbor_format(neighbor_fixture("bad_other_command.txt")) == N::none);
  // Summaries are not neighbor detail.
  for (const char* name : {"display_xml_eqiad.xml", "pyez_plain_attrs.xml", "multi_re.xml", "prompt_full.txt",
                           "runbook_match.txt", "states_text.txt"}) {
    CAPTURE(name);
    CHECK(detect_neighbor_format(fixture(name)) == N::none);
  }
  CHECK(detect_neighbor_format("") == N::none);
  CHECK(detect_neighbor_format("Peer: banana AS 1\n") == N::none);
  CHECK(to_string(N::junos_neighbor_xml) == "junos-neighbor-xml");
  CHECK(to_string(N::junos_neighbor_text) == "junos-neighbor-text");
}

TEST_CASE("merge_neighbor_detail: summary state and counters stay, detail facts come in")
{
  const auto summary = parse_junos_xml(fixture("peer_port_suffix.xml"));
  REQUIRE(summary.has_value());
  auto sessions = summary->sessions; // 10.64.0.121 Established, 2620:...:121 Established, 10.64.48.52 Active
  auto detail = parse_fixture("gr_eor_received.xml");  // 10.64.0.121 Established, GR + EoR
  REQUIRE(detail.has_value());
  auto more = parse_fixture("no_gr_ipv6_and_down.xml"); // 2620:...:121 Established; 10.64.48.52 Active
  REQUIRE(more.has_value());
  auto all = detail->sessions;
  all.insert(all.end(), more->sessions.begin(), more->sessions.end());
  CHECK(merge_neighbor_detail(sessions, all) == 3);
  const auto& v4 = sessions[0];
  CHECK(v4.has_detail);
  CHECK(v4.uptime_seconds == 1933);           // from the summary
  CHECK(v4.input_messages == 220u);           // the summary's counters stay
  CHECK(v4.restart_negotiated == Words{"inet-unicast"});
  CHECK(v4.end_of_rib_received == Words{"inet-unicast"});
  REQUIRE(v4.ribs.size() == 1);
  CHECK(v4.ribs[0].state == "BGP restart is complete");
  CHECK(v4.ribs[0].accepted == 1u);
  CHECK(sessions[2].last_error == "Hold Timer Expired Error");
  CHECK(sessions[2].uptime_seconds == 41);

  // The state moved between the two RPCs: not merged, fail closed.
  auto again = summary->sessions;
  auto moved = detail->sessions;
  moved[0].state = SessionState::active;
  CHECK(merge_neighbor_detail(again, moved) == 0);
  CHECK_FALSE(again[0].has_detail);
  CHECK_FALSE(again[0].restart_negotiated.has_value());

  // A down peer's stale table is added with its state.
  auto down = summary->sessions;
  Session stale = down[2];
  stale.has_detail = true;
  stale.restart_time_received = 120;
  RibCounts rib;
  rib.name = "inet.0";
  rib.accepted = 1;
  rib.state = "BGP restart in progress";
  stale.ribs = {rib};
  CHECK(merge_neighbor_detail(down, {stale}) == 1);
  REQUIRE(down[2].ribs.size() == 1);
  CHECK(down[2].ribs[0].state == "BGP restart in progress");
  CHECK(down[2].restart_time_received == 120u);
}
