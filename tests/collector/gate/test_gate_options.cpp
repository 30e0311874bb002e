// tests/collector/test_gate_options.cpp: SPEC "Gate options" parsing: values,
// defaults, and the exact usage errors (exit 2) for bad values and combinations.
#include "bgp/timeparse.hpp"
#include "collector/gate/options.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch;
using namespace bgpwatch::collector;
using namespace std::chrono_literals;

namespace {

Expected<GateCommandLine, std::string> parse(GateCommand c, std::vector<std::string> args)
{
  return parse_gate_command_line(c, args);
}

} // namespace

TEST_CASE("gate options: defaults and values")
{
  auto r = parse(GateCommand::wait_established, {"--node", "kubernetes1003"});
  REQUIRE(r);
  CHECK(r->node == std::optional<std::string>("kubernetes1003"));
  CHECK_FALSE(r->options.timeout);
  CHECK(r->options.interval == 5s);
  CHECK(r->options.min_uptime == 0s);
  CHECK(r->options.family == "both");
  CHECK(r->options.source == SourceKind::router);
  CHECK_FALSE(r->options.require_prefixes);

  r = parse(GateCommand::wait_established,
            {"--node=kubernetes1003", "--timeout", "2m", "--interval=1s", "--since", "-30s", "--min-uptime", "10s",
             "--require-prefixes", "--family", "ipv6", "--replay", "cr1-eqiad=a.xml", "--replay=cr2-eqiad=b.txt",
             "--now", "2026-11-29T03:00:00Z"});
  REQUIRE(r);
  CHECK(r->options.timeout == std::optional<std::chrono::milliseconds>(120s));
  CHECK(r->options.interval == 1s);
  CHECK(r->options.since == std::optional<std::string>("-30s"));
  CHECK(r->options.min_uptime == 10s);
  CHECK(r->options.require_prefixes);
  CHECK(r->options.family == "ipv6");
  REQUIRE(r->options.replays.size() == 2);
  CHECK(r->options.replays[0].router == "cr1-eqiad");
  CHECK(r->options.replays[0].file == "a.xml");
  CHECK(r->options.replays[1].router == "cr2-eqiad");
  CHECK(r->options.replays[1].file == "b.txt");
  REQUIRE(r->options.now);
  CHECK(bgp::format_rfc3339(*r->options.now) == "2026-11-29T03:00:00.000Z");

  r = parse(GateCommand::gate, {"--node", "n", "--", "kubectl", "uncordon", "--", "x"});
  REQUIRE(r);
  CHECK(r->command == std::vector<std::string>{"kubectl", "uncordon", "--", "x"});

  r = parse(GateCommand::check, {"--source", "bird", "--bird-socket", "/a", "--bird-socket", "/b"});
  REQUIRE(r);
  CHECK_FALSE(r->node);
  CHECK(r->options.source == SourceKind::bird);
  CHECK(r->options.bird_sockets == std::vector<std::string>{"/a", "/b"});

  r = parse(GateCommand::check, {"--node", "n", "--source", "bird,router"});
  REQUIRE(r);
  CHECK(r->options.source == SourceKind::router_bird);

  r = parse(GateCommand::check, {"--help", "--bogus"});
  REQUIRE(r);
  CHECK(r->help);
}

TEST_CASE("gate options: usage errors are exact")
{
  struct T
  {
    GateCommand command;
    std::vector<std::string> args;
    const char* error;
  };
  const std::vector<T> table = {
    {GateCommand::check, {}, "--node is required (it is optional only with --source bird or wire)"},
    {GateCommand::check, {"--node"}, "--node needs a node name"},
    {GateCommand::check, {"--node="}, "--node: empty node name"},
    {GateCommand::check, {"--node", "n", "--timeout", "1m"}, "check decides on one poll and takes no --timeout"},
    {GateCommand::status, {"--node", "n", "--timeout", "1m"}, "status decides on one poll and takes no --timeout"},
    {GateCommand::wait_established, {"--node", "n", "--timeout"}, "--timeout needs a value"},
    {GateCommand::wait_established, {"--node", "n", "--timeout", "0"}, "--timeout: must be more than 0 (got '0')"},
    {GateCommand::wait_established, {"--node", "n", "--timeout", "soon"},
     "--timeout: bad duration 'soon': expected a number (examples: 90s, 5m, 1h30m, 30)"},
    {GateCommand::wait_established, {"--node", "n", "--interval", "10ms"},
     "--interval: '10ms' is below the minimum of 100ms"},
    {GateCommand::wait_established, {"--node", "n", "--since", "yesterday"},
     "--since: bad time 'yesterday': expected YYYY-MM-DD (examples: 2026-11-29T02:46:11Z, @1795920371, -30s)"},
    {GateCommand::wait_established, {"--node", "n", "--min-uptime", "-5s"},
     "--min-uptime: bad duration '-5s': negative (examples: 90s, 5m, 1h30m, 30)"},
    {GateCommand::check, {"--node", "n", "--family", "inet"}, "--family: unknown family 'inet' (ipv4, ipv6 or both)"},
    {GateCommand::check, {"--node", "n", "--source", "bgp"},
     "--source: unknown source 'bgp' (router, bird, wire or router,bird)"},
    {GateCommand::check, {"--node", "n", "--bird-socket", "/x"}, "--bird-socket needs --source bird or router,bird"},
    {GateCommand::check, {"--node", "n", "--interface", "eth0"}, "--interface needs --source wire"},
    {GateCommand::check, {"--source", "wire"}, "--source wire needs --interface IF"},
    {GateCommand::check, {"--node", "n", "--collector", "localhost:9179"},
     "--collector: 'localhost:9179' is not an http:// or https:// URL"},
    {GateCommand::check, {"--node", "n", "--collector", "http://x", "--replay", "r=f"},
     "--collector and --replay exclude each other"},
    {GateCommand::check, {"--source", "bird", "--replay", "r=f"},
     "--replay reads the routers' view: not with --source bird"},
    {GateCommand::check, {"--node", "n", "--replay", "cr1-eqiad"}, "--replay: expected ROUTER=FILE, got 'cr1-eqiad'"},
    {GateCommand::check, {"--node", "n", "--replay", "=f"}, "--replay: expected ROUTER=FILE, got '=f'"},
    {GateCommand::check, {"--node", "n", "--replay", "r="}, "--replay: expected ROUTER=FILE, got 'r='"},
    {GateCommand::check, {"--node", "n", "--replay", "r=a", "--replay", "r=b"}, "--replay: router 'r' given twice"},
    {GateCommand::check, {"--node", "n", "--now", "@5"}, "--now needs --replay (live data is judged against the real clock)"},
    {GateCommand::check, {"--node", "n", "--replay", "r=f", "--now", "5"},
     "--now: bad time '5': expected YYYY-MM-DD (examples: 2026-11-29T02:46:11Z, @1795920371, -30s)"},
    {GateCommand::check, {"--node", "n", "--require-prefixes=yes"}, "--require-prefixes takes no value"},
    {GateCommand::check, {"--node", "n", "--bogus"}, "unknown option '--bogus'"},
    {GateCommand::check, {"--node", "n", "stray"}, "unexpected argument 'stray'"},
    {GateCommand::check, {"--node", "n", "--", "true"}, "unexpected '--' (only gate runs a command)"},
    {GateCommand::gate, {"--node", "n"}, "gate needs a command to run: gate --node N [options] -- CMD [ARG...]"},
    {GateCommand::gate, {"--node", "n", "--"}, "gate needs a command to run: gate --node N [options] -- CMD [ARG...]"},
  };
  for (const auto& t : table) {
    CAPTURE(t.args);
    const auto r = parse(t.command, t.args);
    REQUIRE_FALSE(r);
    CHECK(r.error() == t.error);
  }
}

TEST_CASE("gate options: resolve --since against the reference, max age for the collector")
{
  const auto ref = *bgp::parse_instant("2026-11-29T03:00:00Z");
  GateCliOptions o;
  o.since = "-30s";
  o.min_uptime = 1500ms;
  o.require_prefixes = true;
  auto g = resolve_gate_options(o, ref);
  REQUIRE(g);
  REQUIRE(g->since);
  CHECK(bgp::format_rfc3339(*g->since) == "2026-11-29T02:59:30.000Z");
  CHECK(g->min_uptime == 2s); // rounded up, never down
  CHECK(g->require_prefixes);
  CHECK_FALSE(g->max_age);

  o.collector_url = "http://127.0.0.1:9179";
  o.interval = 10s;
  g = resolve_gate_options(o, ref);
  REQUIRE(g);
  CHECK(g->max_age == std::optional<std::chrono::seconds>(30s));
}

TEST_CASE("gate options: usage text lists every option once")
{
  const auto wait = gate_usage(GateCommand::wait_established);
  for (const char* opt : {"--node", "--timeout", "--interval", "--since", "--min-uptime", "--require-prefixes",
                          "--family", "--source", "--bird-socket", "--interface", "--collector", "--replay", "--now"}) {
    CAPTURE(opt);
    CHECK(wait.find(std::string("  ") + opt + " ") != std::string::npos);
  }
  CHECK(gate_usage(GateCommand::check).find("--timeout") == std::string::npos);
}

// Issue 13: the bare wait must not pass on the sessions from before a
// restart; --since auto is the default of wait-established and gate only.
TEST_CASE("gate options: --since defaults to auto for wait-established and gate, not check/status")
{
  for (auto c : {GateCommand::wait_established, GateCommand::gate}) {
    CAPTURE(to_string(c));
    std::vector<std::string> args = {"--node", "n"};
    if (c == GateCommand::gate) {
      args.insert(args.end(), {"--", "true"});
    }
    auto r = parse(c, args);
    REQUIRE(r);
    CHECK(r->options.since == std::optional<std::string>("auto"));
  }
  for (auto c : {GateCommand::check, GateCommand::status}) {
    CAPTURE(to_string(c));
    auto r = parse(c, {"--node", "n"});
    REQUIRE(r);
    CHECK_FALSE(r->options.since);
  }
  auto r = parse(GateCommand::wait_established, {"--node", "n", "--since", "none"});
  REQUIRE(r);
  CHECK(r->options.since == std::optional<std::string>("none"));
  r = parse(GateCommand::check, {"--node", "n", "--since=auto"});
  REQUIRE(r);
  CHECK(r->options.since == std::optional<std::string>("auto"));
  r = parse(GateCommand::wait_established, {"--node", "n", "--since", "-2m"});
  REQUIRE(r);
  CHECK(r->options.since == std::optional<std::string>("-2m"));
}

TEST_CASE("gate options: auto and none leave the verdict's --since unset (auto is prepare_gate's)")
{
  const auto ref = *bgp::parse_instant("2026-11-29T03:00:00Z");
  GateCliOptions o;
  for (const char* v : {"auto", "none"}) {
    o.since = v;
    auto g = resolve_gate_options(o, ref);
    REQUIRE(g);
    CHECK_FALSE(g->since);
  }
}

// Issue 13: --since beyond the clock's range was READY; in the future it
// could never be met. Both are usage errors (exit 2) that say why.
TEST_CASE("gate options: --since out of range or in the future is refused")
{
  const auto ref = *bgp::parse_instant("2026-11-29T03:00:00Z");
  const std::string range = "outside the clock's range (1970-01-01T00:00:00.000Z to 2262-04-11T23:47:16.854Z)";
  struct T
  {
    const char* since;
    std::string error;
  };
  const T table[] = {
    {"2263-01-01T00:00:00Z", "--since: bad time '2263-01-01T00:00:00Z': " + range},
    {"9999-12-31T23:59:59Z", "--since: bad time '9999-12-31T23:59:59Z': " + range},
    {"@9999999999", "--since: bad time '@9999999999': " + range},
    {"2030-01-01T00:00:00Z", "--since: 2030-01-01T00:00:00.000Z is in the future (now is 2026-11-29T03:00:00.000Z): no "
                             "session can have come up after it yet"},
    {"2026-11-29T03:00:02.001Z", "--since: 2026-11-29T03:00:02.001Z is in the future (now is "
                                 "2026-11-29T03:00:00.000Z): no session can have come up after it yet"},
    {"-100000w", "--since: bad time '-100000w': 100000w before 2026-11-29T03:00:00.000Z is outside the clock's "
                 "range (before 1970-01-01T00:00:00.000Z)"},
  };
  for (const auto& t : table) {
    CAPTURE(t.since);
    GateCliOptions o;
    o.since = t.since;
    auto g = resolve_gate_options(o, ref);
    REQUIRE_FALSE(g);
    CHECK(g.error() == t.error);
  }
  // Within the skew (2 s): a --since computed on another machine whose
  // clock is a little ahead.
  GateCliOptions o;
  o.since = "2026-11-29T03:00:02Z";
  auto g = resolve_gate_options(o, ref);
  REQUIRE(g);
  CHECK(bgp::format_rfc3339(*g->since) == "2026-11-29T03:00:02.000Z");
  // The command line refuses the out-of-range ones at once (syntax check).
  auto r = parse(GateCommand::check, {"--node", "n", "--since", "2263-01-01T00:00:00Z"});
  REQUIRE_FALSE(r);
  CHECK(r.error() == "--since: bad time '2263-01-01T00:00:00Z': " + range);
  r = parse(GateCommand::check, {"--node", "n", "--replay", "a=b", "--now", "@9999999999"});
  REQUIRE_FALSE(r);
  CHECK(r.error() == "--now: bad time '@9999999999': " + range);
}
TEST_CASE("gate options: check/status refuse an --interval they would not use")
{
  auto r = parse_gate_command_line(GateCommand::check, {"--node", "n", "--interval", "1s"});
  REQUIRE_FALSE(r);
  CHECK(r.error() == "check decides on one poll: --interval only applies with --collector (its poll interval)");
  r = parse_gate_command_line(GateCommand::status, {"--node", "n", "--interval=1s"});
  REQUIRE_FALSE(r);
  CHECK(r.error() == "status decides on one poll: --interval only applies with --collector (its poll interval)");
  r = parse_gate_command_line(GateCommand::check, {"--node", "n", "--collector", "http://127.0.0.1:9179", "--interval", "10s"});
  REQUIRE(r);
  CHECK(r->options.interval == 10s);
  r = parse_gate_command_line(GateCommand::wait_established, {"--node", "n", "--interval", "0.5s"});
  REQUIRE(r);
  CHECK(r->options.interval == 500ms);
}

TEST_CASE("gate options: one aligned option column")
{
  for (auto command : {GateCommand::status, GateCommand::check, GateCommand::wait_established, GateCommand::gate}) {
    const auto usage = gate_usage(command);
    CAPTURE(usage);
    std::size_t column = 0;
    std::size_t lines = 0;
    std::size_t at = usage.find("\noptions:\n");
    REQUIRE(at != std::string::npos);
    at += 10;
    while (at < usage.size() && usage.compare(at, 4, "  --") == 0) {
      const auto end = usage.find('\n', at);
      const std::string line = usage.substr(at, end - at);
      const auto help = line.find_first_not_of(' ', line.find("  ", 4));
      if (column == 0) {
        column = help;
      }
      CHECK(help == column);
      ++lines;
      at = end + 1;
    }
    CHECK(lines >= 12);
  }
}

TEST_CASE("gate options: --require defaults to routes where the router's neighbor detail is at hand")
{
  using bgp::Require;
  struct Case
  {
    GateCommand command;
    std::vector<std::string> args;
    Require want;
  };
  const std::vector<Case> cases = {
    {GateCommand::check, {"--node", "k"}, Require::routes},
    {GateCommand::wait_established, {"--node", "k", "--since", "none"}, Require::routes},
    // The collector serves every peer's neighbor detail (issue 14).
    {GateCommand::check, {"--node", "k", "--collector", "http://127.0.0.1:9179"}, Require::routes},
    {GateCommand::wait_established, {"--node", "k", "--since", "none", "--collector", "http://127.0.0.1:9179"},
     Require::routes},
    {GateCommand::check, {"--node", "k", "--replay", "cr1-eqiad=a.xml"}, Require::established},
    {GateCommand::check, {"--source", "bird"}, Require::established},
    {GateCommand::status, {"--node", "k"}, Require::established},
    {GateCommand::status, {"--node", "k", "--collector", "http://127.0.0.1:9179"}, Require::established},
    {GateCommand::check, {"--node", "k", "--collector", "http://127.0.0.1:9179", "--require", "established"},
     Require::established},
  };
  for (const auto& c : cases) {
    std::string joined;
    for (const auto& a : c.args) {
      joined += a + " ";
    }
    CAPTURE(joined);
    auto r = parse(c.command, c.args);
    REQUIRE(r);
    CHECK(r->options.require == std::optional<Require>(c.want));
  }
}
