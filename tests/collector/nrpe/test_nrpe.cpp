// tests/collector/test_nrpe.cpp: the Icinga/NRPE plugin's classification
// (pure) and output format: golden lines, the 1024-byte cap, perfdata label
// uniqueness and '|' stripping (Monitoring Plugins Development Guidelines).
#include "collector/nrpe/plugin.hpp"
#include "collector/nrpe/run.hpp"

#include <catch2/catch.hpp>

#include <clocale>
#include <set>
#include <sstream>

using namespace bgpwatch;
using namespace bgpwatch::collector;
using bgp::Readiness;
using bgp::Reason;
using bgp::SessionState;

namespace {

bgp::Address addr(const char* text)
{
  auto a = bgp::Address::parse(text);
  REQUIRE(a.has_value());
  return *a;
}

struct Sv
{
  const char* router;
  const char* address;
  Readiness readiness;
  Reason reason;
  std::optional<SessionState> state; // empty: nothing observed
  std::optional<std::int64_t> uptime = std::nullopt;
  std::optional<std::uint64_t> flaps = std::nullopt;
  std::optional<std::uint32_t> peer_as = 64601;
};

bgp::SessionVerdict make(const Sv& s, const char* node = "kubernetes1003.eqiad.wmnet")
{
  bgp::SessionVerdict v;
  v.expected.router = s.router;
  v.expected.address = addr(s.address);
  v.expected.asn = 64601;
  v.expected.node = node;
  v.expected.site = "eqiad";
  v.readiness = s.readiness;
  v.reason = s.reason;
  if (s.state) {
    bgp::Session obs;
    obs.router = s.router;
    obs.address = v.expected.address;
    obs.state = *s.state;
    obs.uptime_seconds = s.uptime;
    obs.flaps = s.flaps;
    obs.peer_as = s.peer_as;
    v.observed.push_back(obs);
  }
  return v;
}

CheckInput node_input(const std::vector<Sv>& sessions, std::vector<RouterStatus> routers = {})
{
  CheckInput in;
  in.mode = CheckMode::node;
  in.target = "kubernetes1003.eqiad.wmnet";
  NodeVerdict nv;
  nv.node = in.target;
  for (const auto& s : sessions) {
    nv.verdict.sessions.push_back(make(s));
  }
  in.nodes.push_back(nv);
  if (routers.empty()) {
    routers = {{"cr1-eqiad", true, ""}, {"cr2-eqiad", true, ""}};
  }
  in.routers = std::move(routers);
  return in;
}

const Sv k_up1{"cr1-eqiad", "10.64.32.23", Readiness::ready, Reason::ready, SessionState::established, 1933, 2};
const Sv k_up2{"cr1-eqiad", "2620:0:861:103:10:64:32:23", Readiness::ready, Reason::ready, SessionState::established,
               86400, 0};
const Sv k_up3{"cr2-eqiad", "10.64.32.23", Readiness::ready, Reason::ready, SessionState::established, 7200, 1};
const Sv k_up4{"cr2-eqiad", "2620:0:861:103:10:64:32:23", Readiness::ready, Reason::ready, SessionState::established,
               7300, 0};
const Sv k_down4{"cr2-eqiad", "2620:0:861:103:10:64:32:23", Readiness::not_ready, Reason::not_established,
                 SessionState::active, 41, 3};
const Sv k_down3{"cr2-eqiad", "10.64.32.23", Readiness::not_ready, Reason::not_established, SessionState::idle, 600, 3};
const Sv k_unk3{"cr2-eqiad", "10.64.32.23", Readiness::unknown, Reason::router_unreadable, std::nullopt};
const Sv k_unk4{"cr2-eqiad", "2620:0:861:103:10:64:32:23", Readiness::unknown, Reason::router_unreadable, std::nullopt};

Thresholds thresholds(const char* w, const char* c)
{
  Thresholds t;
  if (w != nullptr) {
    t.warning = *bgp::parse_range(w);
  }
  if (c != nullptr) {
    t.critical = *bgp::parse_range(c);
  }
  return t;
}

std::vector<std::string> lines_of(const std::string& text)
{
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    out.push_back(line);
  }
  return out;
}

} // namespace

TEST_CASE("nrpe classify: state table")
{
  struct Case
  {
    const char* name;
    std::vector<Sv> sessions;
    const char* warning;
    const char* critical;
    std::vector<RouterStatus> routers;
    PluginState state;
  };
  const std::vector<RouterStatus> cr2_down = {{"cr1-eqiad", true, ""}, {"cr2-eqiad", false, "connection refused"}};
  const std::vector<Case> cases = {
    {"all established", {k_up1, k_up2, k_up3, k_up4}, nullptr, nullptr, {}, PluginState::ok},
    {"one down, default -c 0", {k_up1, k_up2, k_up3, k_down4}, nullptr, nullptr, {}, PluginState::critical},
    {"one down, -w 0 -c 1", {k_up1, k_up2, k_up3, k_down4}, "0", "1", {}, PluginState::warning},
    {"two down, -w 0 -c 1", {k_up1, k_up2, k_down3, k_down4}, "0", "1", {}, PluginState::critical},
    {"one down, -c 1 only", {k_up1, k_up2, k_up3, k_down4}, nullptr, "1", {}, PluginState::ok},
    {"none down, -c 1:", {k_up1, k_up2, k_up3, k_up4}, nullptr, "1:", {}, PluginState::critical},
    {"one down, -c @1:1", {k_up1, k_up2, k_up3, k_down4}, nullptr, "@1:1", {}, PluginState::critical},
    {"two down, -c @1:1", {k_up1, k_up2, k_down3, k_down4}, nullptr, "@1:1", {}, PluginState::ok},
    {"router unreadable, nothing down", {k_up1, k_up2, k_unk3, k_unk4}, nullptr, nullptr, cr2_down,
     PluginState::unknown},
    {"router unreadable, one down", {k_up1, k_down4, k_unk3}, nullptr, nullptr, cr2_down, PluginState::critical},
    {"router unreadable, warning level down", {k_up1, k_down4, k_unk3}, "0", "5", cr2_down, PluginState::warning},
    {"no expected sessions", {}, nullptr, nullptr, {}, PluginState::unknown},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto r = classify(node_input(c.sessions, c.routers), thresholds(c.warning, c.critical));
    CHECK(r.state == c.state);
  }
}

TEST_CASE("nrpe classify: --warn-uptime makes a young session a WARNING")
{
  Thresholds t;
  t.warn_uptime = std::chrono::seconds(3600);
  // k_up1 is up 1933s < 1h.
  auto r = classify(node_input({k_up1, k_up2, k_up3, k_up4}), t);
  CHECK(r.state == PluginState::warning);
  CHECK(render_plugin_output(r, {})
        == "BGPWATCH WARNING - kubernetes1003.eqiad.wmnet: 4/4 sessions established, 1 up < 1h"
           " | established=4;;;0;4 not_ready=0;;0;0;4 unknown=0;;;0;4 min_uptime=1933s;3600:;;0 flaps=3c;;;0\n"
           "cr1-eqiad ipv4 10.64.32.23 Established for 32m13s (< warn-uptime 1h), 2 flaps\n");
  // Young but down elsewhere: CRITICAL wins.
  r = classify(node_input({k_up1, k_up2, k_up3, k_down4}), t);
  CHECK(r.state == PluginState::critical);
  // Old enough: OK.
  t.warn_uptime = std::chrono::seconds(1933);
  CHECK(classify(node_input({k_up1, k_up2, k_up3, k_up4}), t).state == PluginState::ok);
}

TEST_CASE("nrpe output goldens: node mode")
{
  const RenderOptions capped;
  SECTION("OK")
  {
    const auto r = classify(node_input({k_up1, k_up2, k_up3, k_up4}), Thresholds{});
    CHECK(render_plugin_output(r, capped)
          == "BGPWATCH OK - kubernetes1003.eqiad.wmnet: 4/4 sessions established"
             " | established=4;;;0;4 not_ready=0;;0;0;4 unknown=0;;;0;4 min_uptime=1933s;;;0 flaps=3c;;;0\n");
  }
  SECTION("CRITICAL with long output")
  {
    const auto r = classify(node_input({k_up1, k_up2, k_down3, k_down4}), thresholds("0", "1"));
    CHECK(render_plugin_output(r, capped)
          == "BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 2/4 sessions established, 2 not ready"
             " | established=2;;;0;4 not_ready=2;0;1;0;4 unknown=0;;;0;4 min_uptime=1933s;;;0 flaps=8c;;;0\n"
             "cr2-eqiad ipv4 10.64.32.23 Idle for 10m, 3 flaps\n"
             "cr2-eqiad ipv6 2620:0:861:103:10:64:32:23 Active for 41s, 3 flaps\n");
  }
  SECTION("UNKNOWN: router unreadable, nothing known down")
  {
    const auto r = classify(
      node_input({k_up1, k_up2, k_unk3, k_unk4}, {{"cr1-eqiad", true, ""}, {"cr2-eqiad", false, "connect: timed out"}}),
      Thresholds{});
    CHECK(render_plugin_output(r, capped)
          == "BGPWATCH UNKNOWN - kubernetes1003.eqiad.wmnet: 2/4 sessions established, 2 unknown, 1 router unreadable"
             " | established=2;;;0;4 not_ready=0;;0;0;4 unknown=2;;;0;4 min_uptime=1933s;;;0 flaps=2c;;;0\n"
             "cr2-eqiad unreadable (2 sessions unknown): connect: timed out\n");
  }
  SECTION("every reason has its own text")
  {
    Thresholds t;
    t.min_uptime = std::chrono::seconds(300);
    struct Case
    {
      Sv sv;
      const char* text;
    };
    const std::vector<Case> cases = {
      {{"cr1-eqiad", "10.64.32.23", Readiness::not_ready, Reason::as_mismatch, SessionState::established, 10, 0, 64999},
       "cr1-eqiad ipv4 10.64.32.23 AS mismatch: peer AS 64999, site AS 64601"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::not_ready, Reason::too_young, SessionState::established, 10, 1},
       "cr1-eqiad ipv4 10.64.32.23 Established for 10s (< min-uptime 5m), 1 flap"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::not_ready, Reason::before_since, SessionState::established, 900},
       "cr1-eqiad ipv4 10.64.32.23 Established for 15m, up before --since"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::not_ready, Reason::no_prefixes, SessionState::established, 900},
       "cr1-eqiad ipv4 10.64.32.23 Established for 15m, no accepted prefix"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::unknown, Reason::peer_absent, std::nullopt},
       "cr1-eqiad ipv4 10.64.32.23 Unknown (not configured on the router)"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::unknown, Reason::stale, SessionState::established, 9},
       "cr1-eqiad ipv4 10.64.32.23 Unknown (data too old)"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::unknown, Reason::no_observation, std::nullopt},
       "cr1-eqiad ipv4 10.64.32.23 Unknown (no data)"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::unknown, Reason::uptime_unknown, SessionState::established},
       "cr1-eqiad ipv4 10.64.32.23 Established, uptime unknown"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::unknown, Reason::state_unknown, SessionState::unknown},
       "cr1-eqiad ipv4 10.64.32.23 Unknown"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::not_ready, Reason::not_established, SessionState::connect},
       "cr1-eqiad ipv4 10.64.32.23 Connect"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::unknown, Reason::peer_as_unknown, SessionState::established, 60, 0,
        std::nullopt},
       "cr1-eqiad ipv4 10.64.32.23 Established for 1m, peer AS unknown"},
      {{"cr1-eqiad", "10.64.32.23", Readiness::unknown, Reason::prefixes_unknown, SessionState::established, 60},
       "cr1-eqiad ipv4 10.64.32.23 Established for 1m, accepted prefixes unknown"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.text);
      CHECK(describe_session(make(c.sv), t) == c.text);
    }
  }
}

TEST_CASE("nrpe output: the 1024-byte cap truncates long output with a count")
{
  std::vector<Sv> sessions;
  std::vector<std::string> storage;
  storage.reserve(100);
  for (int i = 0; i < 100; ++i) {
    storage.push_back("10.64.33." + std::to_string(i + 1));
  }
  for (const auto& a : storage) {
    sessions.push_back({"cr2-eqiad", a.c_str(), Readiness::not_ready, Reason::not_established, SessionState::active,
                        41, 3});
  }
  const auto r = classify(node_input(sessions), Thresholds{});
  REQUIRE(r.details.size() == 100);
  const auto out = render_plugin_output(r, {});
  CHECK(out.size() <= 1024);
  const auto lines = lines_of(out);
  REQUIRE(lines.size() >= 3);
  const std::size_t shown = lines.size() - 2; // first line, "… and N more"
  CHECK(lines.back() == "\u2026 and " + std::to_string(100 - shown) + " more");
  for (std::size_t i = 0; i < shown; ++i) {
    CHECK(lines[i + 1] == r.details[i]);
  }
  // The line that did not fit would have: the cap is used, not wasted.
  CHECK(out.size() + r.details[shown].size() + 1 > 1024 - 40);

  SECTION("--long: everything")
  {
    RenderOptions unlimited;
    unlimited.max_bytes = std::nullopt;
    const auto full = render_plugin_output(r, unlimited);
    CHECK(lines_of(full).size() == 101);
    CHECK(full.size() > 1024);
  }
  SECTION("every cap from tiny to large is honoured")
  {
    for (std::size_t cap = 60; cap <= 1500; cap += 7) {
      CAPTURE(cap);
      RenderOptions o;
      o.max_bytes = cap;
      const auto text = render_plugin_output(r, o);
      CHECK(text.size() <= cap);
      CHECK(text.starts_with("BGPWATCH CRITICAL - "));
    }
  }
}

TEST_CASE("nrpe output: an oversized first line drops perfdata before it overflows")
{
  CheckResult r;
  r.state = PluginState::ok;
  r.summary = "site eqiad";
  for (int i = 0; i < 80; ++i) {
    r.perfdata.push_back({"established_router" + std::to_string(i), "1", "", "", "", "0", "2"});
  }
  const auto out = render_plugin_output(r, {});
  CHECK(out.size() <= 1024);
  CHECK(out.starts_with("BGPWATCH OK - site eqiad | established_router0=1;;;0;2 "));
  CHECK(out.back() == '\n');
  CHECK(lines_of(out).size() == 1);
}

TEST_CASE("nrpe output: '|' never reaches human text")
{
  const auto r = classify(node_input({k_up1, k_unk3}, {{"cr1-eqiad", true, ""},
                                                       {"cr2-eqiad", false, "rpc-error: a|b || c"}}),
                          Thresholds{});
  const auto out = render_plugin_output(r, {});
  const auto lines = lines_of(out);
  REQUIRE(lines.size() == 2);
  // Exactly one '|' in the whole output: the perfdata separator.
  CHECK(std::count(out.begin(), out.end(), '|') == 1);
  CHECK(lines[1] == "cr2-eqiad unreadable (1 session unknown): rpc-error: ab  c");
  CHECK(sanitize_text("a|b\nc\r") == "ab c ");
  CheckResult u = unknown_result("bad | summary");
  CHECK(render_plugin_output(u, {}) == "BGPWATCH UNKNOWN - bad  summary\n");
}

TEST_CASE("nrpe perfdata: format, quoting and U")
{
  CHECK(PerfDatum{"established", "4", "", "", "", "0", "4"}.to_string() == "established=4;;;0;4");
  CHECK(PerfDatum{"not_ready", "1", "", "0", "2", "0", "4"}.to_string() == "not_ready=1;0;2;0;4");
  CHECK(PerfDatum{"min_uptime", "U", "s", "", "", "0", ""}.to_string() == "min_uptime=Us;;;0");
  CHECK(PerfDatum{"flaps", "7", "c", "", "", "", ""}.to_string() == "flaps=7c");
  CHECK(PerfDatum{"cr1 eqiad", "1", "", "", "", "", ""}.to_string() == "'cr1 eqiad'=1");
  CHECK(PerfDatum{"it's", "1", "", "", "", "", ""}.to_string() == "'it''s'=1");
  CHECK(PerfDatum{"a=b|c", "1", "", "", "", "", ""}.to_string() == "'a=bc'=1");
}

TEST_CASE("nrpe perfdata: no established session gives min_uptime=U, never an invented 0")
{
  const auto r = classify(node_input({k_down3, k_down4}), Thresholds{});
  CHECK(render_plugin_output(r, {}).find(" min_uptime=Us;;;0 ") != std::string::npos);
  const auto none = classify(node_input({k_unk3}), Thresholds{});
  CHECK(render_plugin_output(none, {}).find(" flaps=Uc;;;0") != std::string::npos);
}

TEST_CASE("nrpe perfdata: labels unique in their first 19 characters")
{
  std::vector<PerfDatum> p = {
    {"established_router-long-name-a", "1", "", "", "", "", ""},
    {"established_router-long-name-b", "1", "", "", "", "", ""},
    {"established_router-long-name-c", "1", "", "", "", "", ""},
    {"short", "1", "", "", "", "", ""},
  };
  make_labels_unique(p);
  std::set<std::string> prefixes;
  for (const auto& d : p) {
    prefixes.insert(d.label.substr(0, 19));
  }
  CHECK(prefixes.size() == 4);
  CHECK(p[0].label == "established_router-long-name-a");
  CHECK(p[1].label == "2_established_router-long-name-b");
  CHECK(p[2].label == "3_established_router-long-name-c");
  CHECK(p[3].label == "short");

  // Site mode with long router names: every label distinct in 19 chars.
  CheckInput in;
  in.mode = CheckMode::site;
  in.target = "eqiad";
  NodeVerdict nv;
  nv.node = "kubernetes1003";
  for (const char* router : {"cr1-eqiad.wikimedia.org", "cr1-eqiad.wikimedia.net", "cr2-eqiad.wikimedia.org"}) {
    Sv s = k_up1;
    s.router = router;
    nv.verdict.sessions.push_back(make(s));
  }
  in.nodes.push_back(nv);
  const auto r = classify(in, Thresholds{});
  std::set<std::string> seen;
  for (const auto& d : r.perfdata) {
    CAPTURE(d.label);
    CHECK(seen.insert(d.label.substr(0, 19)).second);
  }
  CHECK(r.perfdata.size() == 14); // 9 totals + 2 per router
}

TEST_CASE("nrpe site mode: cordoned nodes, unknown peers, per-router perfdata")
{
  CheckInput in;
  in.mode = CheckMode::site;
  in.target = "eqiad";
  in.routers = {{"cr1-eqiad", true, ""}, {"cr2-eqiad", true, ""}};
  NodeVerdict a{"kubernetes1003.eqiad.wmnet", {}, {}};
  a.verdict.sessions = {make(k_up1, "kubernetes1003.eqiad.wmnet"), make(k_up3, "kubernetes1003.eqiad.wmnet")};
  NodeVerdict b{"kubernetes1004.eqiad.wmnet", {}, {}};
  b.verdict.sessions = {
    make({"cr1-eqiad", "10.64.32.24", Readiness::ready, Reason::ready, SessionState::established, 500, 0},
         "kubernetes1004.eqiad.wmnet"),
    make({"cr2-eqiad", "10.64.32.24", Readiness::ready, Reason::ready, SessionState::established, 400, 0},
         "kubernetes1004.eqiad.wmnet")};
  in.nodes = {a, b};
  in.cordoned = {"kubernetes1005.eqiad.wmnet"};

  SECTION("all up, one cordoned: OK, the cordoned node is listed")
  {
    const auto r = classify(in, Thresholds{});
    CHECK(r.state == PluginState::ok);
    CHECK(render_plugin_output(r, {})
          == "BGPWATCH OK - site eqiad: 2 nodes (1 cordoned skipped), 4/4 sessions established"
             " | nodes=2;;;0 cordoned=1;;;0 established=4;;;0;4 not_ready=0;;0;0;4 unknown=0;;;0;4"
             " min_uptime=400s;;;0 flaps=3c;;;0 unknown_peers=0;;;0"
             " established_cr1-eqiad=2;;;0;2 not_ready_cr1-eqiad=0;;;0;2"
             " established_cr2-eqiad=2;;;0;2 not_ready_cr2-eqiad=0;;;0;2\n"
             "cordoned, skipped: kubernetes1005.eqiad.wmnet\n");
  }
  SECTION("an unknown peer in the site's AS is a WARNING")
  {
    in.unknown_peers.push_back({"cr1-eqiad", addr("10.64.0.99"), SessionState::active});
    const auto r = classify(in, Thresholds{});
    CHECK(r.state == PluginState::warning);
    const auto lines = lines_of(render_plugin_output(r, {}));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].starts_with(
      "BGPWATCH WARNING - site eqiad: 2 nodes (1 cordoned skipped), 4/4 sessions established, 1 unknown peer | "));
    CHECK(lines[1] == "unknown peer 10.64.0.99 on cr1-eqiad (Active)");
    CHECK(lines[2] == "cordoned, skipped: kubernetes1005.eqiad.wmnet");
  }
  SECTION("a down session names its node and beats the unknown-peer WARNING")
  {
    in.unknown_peers.push_back({"cr1-eqiad", addr("10.64.0.99"), SessionState::active});
    in.nodes[1].verdict.sessions[1] =
      make({"cr2-eqiad", "10.64.32.24", Readiness::not_ready, Reason::not_established, SessionState::active, 41, 3},
           "kubernetes1004.eqiad.wmnet");
    const auto r = classify(in, Thresholds{});
    CHECK(r.state == PluginState::critical);
    REQUIRE(r.details.size() == 3);
    CHECK(r.details[0] == "kubernetes1004.eqiad.wmnet cr2-eqiad ipv4 10.64.32.24 Active for 41s, 3 flaps");
    const auto out = render_plugin_output(r, {});
    CHECK(out.find(" not_ready_cr2-eqiad=1;;;0;2") != std::string::npos);
    CHECK(out.find(" established_cr2-eqiad=1;;;0;2") != std::string::npos);
  }
  SECTION("every node cordoned: UNKNOWN, nothing to check")
  {
    CheckInput empty = in;
    empty.nodes.clear();
    empty.cordoned = {"kubernetes1003.eqiad.wmnet", "kubernetes1004.eqiad.wmnet"};
    const auto r = classify(empty, Thresholds{});
    CHECK(r.state == PluginState::unknown);
    CHECK(r.summary == "site eqiad: 0 nodes (2 cordoned skipped), no nodes to check");
  }
}

TEST_CASE("nrpe output does not depend on LC_NUMERIC")
{
  const char* old = std::setlocale(LC_NUMERIC, nullptr);
  const std::string saved = old != nullptr ? old : "C";
  const auto before = render_plugin_output(classify(node_input({k_up1, k_down4}), thresholds("0.5", "1.5")), {});
  // locales-all provides it; without a comma-decimal locale this proves nothing.
  REQUIRE(std::setlocale(LC_NUMERIC, "de_DE.UTF-8") != nullptr);
  REQUIRE(std::localeconv()->decimal_point == std::string(","));
  const auto after = render_plugin_output(classify(node_input({k_up1, k_down4}), thresholds("0.5", "1.5")), {});
  std::setlocale(LC_NUMERIC, saved.c_str());
  CHECK(before == after);
  CHECK(before.find("not_ready=1;0.5;1.5;0;2") != std::string::npos);
}

TEST_CASE("nrpe stale routes: WARNING while a router keeps them, CRITICAL under --critical-budget")
{
  const RenderOptions capped;
  const Sv down1{"cr1-eqiad", "10.64.32.23", Readiness::not_ready, Reason::not_established, SessionState::active, 45, 3};
  const Sv down3{"cr2-eqiad", "10.64.32.23", Readiness::not_ready, Reason::not_established, SessionState::active, 44, 3};
  auto with_budget = [](CheckInput in, std::vector<std::optional<std::int64_t>> left) {
    in.nodes[0].stale_seconds_left = std::move(left);
    return in;
  };
  SECTION("one router keeps the routes 75 s more: WARNING, not counted as not ready")
  {
    const auto r = classify(with_budget(node_input({down1, k_up2, k_up3, k_up4}), {75, {}, {}, {}}), Thresholds{});
    CHECK(r.state == PluginState::warning);
    CHECK(render_plugin_output(r, capped)
          == "BGPWATCH WARNING - kubernetes1003.eqiad.wmnet: 3/4 sessions established, routes kept for 75 s more on "
             "cr1-eqiad | established=3;;;0;4 not_ready=0;;0;0;4 unknown=0;;;0;4 min_uptime=7200s;;;0 flaps=4c;;;0 "
             "routes_stale=1;;;0;4 stale_budget=75s;;30:;0\n"
             "cr1-eqiad ipv4 10.64.32.23 Active for 45s, routes kept for 75 s more on cr1-eqiad, 3 flaps\n");
  }
  SECTION("both routers, one under the 30 s budget: CRITICAL, the most urgent first")
  {
    const auto r =
      classify(with_budget(node_input({down1, k_up2, down3, k_up4}), {75, {}, 29, {}}), Thresholds{});
    CHECK(r.state == PluginState::critical);
    CHECK(render_plugin_output(r, capped)
          == "BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 2/4 sessions established, routes kept for 75 s more on "
             "cr1-eqiad, 29 s more on cr2-eqiad | established=2;;;0;4 not_ready=0;;0;0;4 unknown=0;;;0;4 "
             "min_uptime=7300s;;;0 flaps=6c;;;0 routes_stale=2;;;0;4 stale_budget=29s;;30:;0\n"
             "cr2-eqiad ipv4 10.64.32.23 Active for 44s, routes kept for 29 s more on cr2-eqiad, 3 flaps\n"
             "cr1-eqiad ipv4 10.64.32.23 Active for 45s, routes kept for 75 s more on cr1-eqiad, 3 flaps\n");
  }
  SECTION("--critical-budget 0: never CRITICAL for the budget; 90s: 75 s left is CRITICAL")
  {
    Thresholds never;
    never.critical_budget = std::chrono::seconds(0);
    const auto in = with_budget(node_input({down1, k_up2, down3, k_up4}), {75, {}, 1, {}});
    const auto r = classify(in, never);
    CHECK(r.state == PluginState::warning);
    CHECK(r.perfdata.back().to_string() == "stale_budget=1s;;;0");
    Thresholds wide;
    wide.critical_budget = std::chrono::seconds(90);
    CHECK(classify(with_budget(node_input({down1, k_up2, k_up3, k_up4}), {75, {}, {}, {}}), wide).state
          == PluginState::critical);
  }
  SECTION("a session down without stale routes stays not ready: CRITICAL under -c 0, no stale perfdata")
  {
    const auto r = classify(with_budget(node_input({down1, k_up2, down3, k_up4}), {75, {}, {}, {}}), Thresholds{});
    CHECK(r.state == PluginState::critical);
    CHECK(render_plugin_output(r, capped)
          == "BGPWATCH CRITICAL - kubernetes1003.eqiad.wmnet: 2/4 sessions established, 1 not ready, routes kept for "
             "75 s more on cr1-eqiad | established=2;;;0;4 not_ready=1;;0;0;4 unknown=0;;;0;4 min_uptime=7300s;;;0 "
             "flaps=6c;;;0 routes_stale=1;;;0;4 stale_budget=75s;;30:;0\n"
             "cr2-eqiad ipv4 10.64.32.23 Active for 44s, 3 flaps\n"
             "cr1-eqiad ipv4 10.64.32.23 Active for 45s, routes kept for 75 s more on cr1-eqiad, 3 flaps\n");
  }
  SECTION("a budget on a session that is not plainly down is ignored (terminal, Established)")
  {
    const Sv torn{"cr1-eqiad", "10.64.32.23", Readiness::not_ready, Reason::terminal_prefix_limit, SessionState::idle,
                  45, 3};
    const auto r = classify(with_budget(node_input({torn, k_up2, k_up3, k_up4}), {75, 60, {}, {}}), Thresholds{});
    CHECK(r.state == PluginState::critical);
    CHECK(r.summary == "kubernetes1003.eqiad.wmnet: 3/4 sessions established, 1 not ready");
  }
}

TEST_CASE("nrpe stale routes: stale_budgets from the router's poll and the check's now")
{
  const auto polled = bgp::WallClock::time_point(std::chrono::seconds(1795920000));
  bgp::RouterObservation cr1;
  cr1.router = "cr1-eqiad";
  cr1.readable = true;
  cr1.polled_at = polled;
  bgp::Session s;
  s.router = "cr1-eqiad";
  s.address = addr("10.64.32.23");
  s.state = SessionState::active;
  s.uptime_seconds = 45; // down since polled - 45 s
  s.has_detail = true;
  s.restart_time_received = 120;
  s.restart_negotiated = std::vector<std::string>{"inet-unicast"};
  cr1.sessions = {s};
  bgp::Verdict verdict;
  bgp::SessionVerdict v = make({"cr1-eqiad", "10.64.32.23", Readiness::not_ready, Reason::not_established,
                                SessionState::active, 45});
  v.observed = {s};
  verdict.sessions = {v, make(k_up2)};
  const std::vector<bgp::RouterObservation> obs{cr1};
  // Judged 2 s after the poll: 120 - 45 - 2 = 73 s left.
  auto left = stale_budgets(verdict, obs, polled + std::chrono::seconds(2));
  REQUIRE(left.size() == 2);
  CHECK(left[0] == std::optional<std::int64_t>(73));
  CHECK_FALSE(left[1].has_value());
  // Spent: nothing.
  CHECK_FALSE(stale_budgets(verdict, obs, polled + std::chrono::seconds(80))[0].has_value());
  // A slow router: asked 6 s before its answer came in. It measured the
  // 45 s after it was asked, so the session went down 45 s before the
  // request at the latest: judged when the answer is in, 120 - 45 - 6 = 69 s.
  std::vector<bgp::RouterObservation> slow = obs;
  slow[0].request_sent_at = polled - std::chrono::seconds(6);
  CHECK(stale_budgets(verdict, slow, polled)[0] == std::optional<std::int64_t>(69));
  // No graceful restart negotiated: the routes went with the session.
  verdict.sessions[0].observed[0].restart_negotiated = std::vector<std::string>{};
  CHECK_FALSE(stale_budgets(verdict, obs, polled)[0].has_value());
}

TEST_CASE("nrpe stale routes on many routers: the status line keeps its perfdata within NRPE v2's 1024 bytes")
{
  // A site whose 30 ToR routers all keep a node's routes stale (the whole
  // site restarting calico-node at once, the 2021-09-29 incident): the
  // summary may not grow with the routers until the perfdata, the budget
  // among it, no longer fits the NRPE v2 packet.
  CheckInput in;
  in.mode = CheckMode::site;
  in.target = "eqiad";
  std::string routers;
  for (int i = 0; i < 30; ++i) {
    const std::string router = "lsw1-" + std::string(1, static_cast<char>('a' + i / 8)) + std::to_string(1 + i % 8) + "-eqiad";
    in.routers.push_back({router, true, ""});
    const std::string node = "kubernetes" + std::to_string(2001 + i) + ".eqiad.wmnet";
    const std::string address = "10.64." + std::to_string(130 + i) + ".10";
    NodeVerdict nv;
    nv.node = node;
    nv.verdict.sessions = {make({router.c_str(), address.c_str(), Readiness::not_ready, Reason::not_established,
                                 SessionState::active, 20, 1},
                                node.c_str())};
    nv.stale_seconds_left = {i == 17 ? 12 : 100 + i};
    in.nodes.push_back(std::move(nv));
  }
  const auto r = classify(in, Thresholds{});
  CHECK(r.state == PluginState::critical);
  const auto out = render_plugin_output(r, {});
  CHECK(out.size() <= RenderOptions::k_nrpe_v2_max_bytes);
  const auto lines = lines_of(out);
  REQUIRE(!lines.empty());
  CAPTURE(lines[0]);
  CHECK(lines[0].starts_with("BGPWATCH CRITICAL - site eqiad: 30 nodes, 0/30 sessions established, routes kept on 30 "
                             "routers, the least for 12 s more on lsw1-c2-eqiad | nodes=30;;;0 cordoned=0;;;0 "
                             "established=0;;;0;30 not_ready=0;;0;0;30 unknown=0;;;0;30 min_uptime=Us;;;0 flaps=30c;;;0 "
                             "routes_stale=30;;;0;30 stale_budget=12s;;30:;0 unknown_peers=0;;;0 "));
  // (The per-router perfdata fills the rest of the line: the sessions are
  // left to "… and 30 more", as the renderer prefers perfdata.)
  CHECK(lines.back() == "\u2026 and 30 more");
  // Up to 4 routers are still named one by one, in the check's order.
  CheckInput few = in;
  few.nodes.resize(4);
  few.routers.resize(4);
  CHECK(classify(few, Thresholds{}).summary
        == "site eqiad: 4 nodes, 0/4 sessions established, routes kept for 100 s more on lsw1-a1-eqiad, 101 s more on "
           "lsw1-a2-eqiad, 102 s more on lsw1-a3-eqiad, 103 s more on lsw1-a4-eqiad");
}
