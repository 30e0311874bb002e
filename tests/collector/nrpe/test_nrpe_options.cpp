// tests/collector/test_nrpe_options.cpp: the plugin's command line; every
// usage error is one exact line (printed as UNKNOWN by cmd_nrpe).
#include "collector/nrpe/options.hpp"
#include "collector/nrpe/watchdog.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch::collector;

TEST_CASE("nrpe options: defaults")
{
  const auto o = parse_nrpe_options({"--node", "kubernetes1003"});
  REQUIRE(o.has_value());
  CHECK(o->action == NrpeAction::check);
  CHECK(o->node == "kubernetes1003");
  CHECK_FALSE(o->site.has_value());
  CHECK_FALSE(o->warning.has_value());
  CHECK(o->critical.to_string() == "0");
  CHECK(o->timeout == std::chrono::seconds(10));
  CHECK(o->family == "both");
  CHECK_FALSE(o->long_output);
  CHECK(o->min_uptime == std::chrono::seconds(0));
  CHECK_FALSE(o->warn_uptime.has_value());
}

TEST_CASE("nrpe options: every option, long, short, glued and '=' forms")
{
  const auto o = parse_nrpe_options({"-s", "eqiad", "-w", "1", "-c2:", "--warn-uptime=5m", "--min-uptime", "90",
                                     "--family", "ipv6", "-t", "30", "--long", "-v", "-v", "--config", "/tmp/c.yaml",
                                     "--replay", "cr1-eqiad=/tmp/a.xml", "--replay=cr2-eqiad=/tmp/b=c.xml", "--now",
                                     "@1700000000"});
  REQUIRE(o.has_value());
  CHECK(o->site == "eqiad");
  CHECK(o->warning->to_string() == "1");
  CHECK(o->critical.to_string() == "2:");
  CHECK(o->warn_uptime == std::chrono::seconds(300));
  CHECK(o->min_uptime == std::chrono::seconds(90));
  CHECK(o->family == "ipv6");
  CHECK(o->timeout == std::chrono::seconds(30));
  CHECK(o->long_output);
  CHECK(o->verbosity == 2);
  CHECK(o->config_path == "/tmp/c.yaml");
  REQUIRE(o->replay.size() == 2);
  CHECK(o->replay[0] == std::pair<std::string, std::string>{"cr1-eqiad", "/tmp/a.xml"});
  CHECK(o->replay[1] == std::pair<std::string, std::string>{"cr2-eqiad", "/tmp/b=c.xml"});
  CHECK(o->now == "@1700000000");

  const auto t = parse_nrpe_options({"--node=k1", "--timeout=1500ms", "--critical=@0:3", "--warning", "~:2"});
  REQUIRE(t.has_value());
  CHECK(t->timeout == std::chrono::milliseconds(1500));
  CHECK(t->critical.to_string() == "@0:3");
  CHECK(t->warning->to_string() == "~:2");
}

TEST_CASE("nrpe options: -h, -V win over anything after them")
{
  CHECK(parse_nrpe_options({"-h"})->action == NrpeAction::help);
  CHECK(parse_nrpe_options({"--help", "--bogus"})->action == NrpeAction::help);
  CHECK(parse_nrpe_options({"-V"})->action == NrpeAction::version);
  CHECK(parse_nrpe_options({"--node", "x", "--version"})->action == NrpeAction::version);
}

TEST_CASE("nrpe options: usage errors are exact")
{
  struct Case
  {
    std::vector<std::string> args;
    const char* error;
  };
  const std::vector<Case> cases = {
    {{}, "one of --node N or --site S is required"},
    {{"--node", "a", "--site", "b"}, "--node and --site are mutually exclusive"},
    {{"--node"}, "--node needs a value"},
    {{"--node="}, "--node needs a node name"},
    {{"--node", "a", "-w", "20:10"}, "-w/--warning: range '20:10': start 20 is greater than end 10"},
    {{"--node", "a", "-c", "x"}, "-c/--critical: 'x' in range 'x' is not a number"},
    {{"--node", "a", "-t", "0"}, "-t/--timeout: must be more than 0"},
    {{"--node", "a", "-t", "soon"}, "-t/--timeout: bad duration 'soon': expected a number (examples: 90s, 5m, 1h30m, 30)"},
    {{"--node", "a", "--warn-uptime", "1500ms"}, "--warn-uptime: '1500ms' is not a whole number of seconds"},
    {{"--node", "a", "--family", "inet"}, "--family: 'inet' is not ipv4, ipv6 or both"},
    {{"--node", "a", "--replay", "cr1"}, "--replay: 'cr1' is not ROUTER=FILE"},
    {{"--node", "a", "--replay", "=f"}, "--replay: '=f' is not ROUTER=FILE"},
    {{"--node", "a", "--now", "@1"}, "--now only makes sense with --replay"},
    {{"--node", "a", "--collector", "http://x", "--replay", "r=f"}, "--collector and --replay are mutually exclusive"},
    {{"--node", "a", "--frobnicate"}, "unknown option '--frobnicate'"},
    {{"--node", "a", "extra"}, "unexpected argument 'extra'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.error);
    const auto r = parse_nrpe_options(c.args);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == c.error);
  }
}

TEST_CASE("nrpe usage and help name the program and every option")
{
  const auto usage = nrpe_usage("check_bgpwatch");
  CHECK(usage.starts_with("Usage: check_bgpwatch (--node N | --site S) [-w RANGE] [-c RANGE]"));
  const auto help = nrpe_help("check_bgpwatch");
  for (const char* opt : {"--node", "--site", "--warning", "--critical", "--warn-uptime", "--min-uptime", "--family",
                          "--timeout", "--long", "--config", "--collector", "--replay", "--now", "--verbose", "--help",
                          "--version"}) {
    CAPTURE(opt);
    CHECK(help.find(opt) != std::string::npos);
  }
}

TEST_CASE("nrpe watchdog: the timeout line, and a claimed output keeps it quiet")
{
  CHECK(PluginWatchdog::timeout_line(std::chrono::seconds(10), "NETCONF from cr1-eqiad")
        == "BGPWATCH UNKNOWN - timed out after 10s waiting for NETCONF from cr1-eqiad");
  CHECK(PluginWatchdog::timeout_line(std::chrono::milliseconds(1500), "a|b") ==
        "BGPWATCH UNKNOWN - timed out after 1s500ms waiting for ab");
  // Far deadline: the check claims first; destruction joins without firing.
  PluginWatchdog w(std::chrono::steady_clock::now() + std::chrono::hours(1), std::chrono::hours(1));
  w.waiting_for("nothing");
  CHECK(w.claim_output());
}
