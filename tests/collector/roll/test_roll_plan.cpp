// tests/collector/roll/test_roll_plan.cpp: the roll's plan and command line
// (collector/roll/plan.hpp, options.hpp): order, batches, resume, {node}/{fqdn}.
#include "collector/roll/options.hpp"
#include "collector/roll/plan.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch::collector;

namespace {

const std::vector<std::string> k_site = {"kubernetes1003.eqiad.wmnet", "kubernetes1001.eqiad.wmnet",
                                         "kubernetes1002.eqiad.wmnet", "kubernetes1010.eqiad.wmnet"};

} // namespace

TEST_CASE("roll plan: every node of the site by name, or --nodes in the operator's order")
{
  auto all = choose_nodes(k_site, {});
  REQUIRE(all.has_value());
  CHECK(*all == std::vector<std::string>{"kubernetes1001.eqiad.wmnet", "kubernetes1002.eqiad.wmnet",
                                          "kubernetes1003.eqiad.wmnet", "kubernetes1010.eqiad.wmnet"});
  auto some = choose_nodes(k_site, {"kubernetes1010", "KUBERNETES1001.eqiad.wmnet"});
  REQUIRE(some.has_value());
  CHECK(*some == std::vector<std::string>{"kubernetes1010.eqiad.wmnet", "kubernetes1001.eqiad.wmnet"});

  struct Bad
  {
    std::vector<std::string> requested;
    std::string error;
  };
  const Bad bad[] = {
    {{"kubernetes1099"}, "--nodes: kubernetes1099 is not a node of the site"},
    {{"kubernetes1001", "kubernetes1001.eqiad.wmnet"}, "--nodes: kubernetes1001.eqiad.wmnet is listed twice"},
    {{"kubernetes101"}, "--nodes: kubernetes101 is not a node of the site"}, // no prefix matching
  };
  for (const auto& b : bad) {
    auto r = choose_nodes(k_site, b.requested);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == b.error);
  }
  auto twice = choose_nodes({"kubernetes1001.eqiad.wmnet", "kubernetes1001.codfw.wmnet"}, {"kubernetes1001"});
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error()
        == "--nodes: kubernetes1001 matches kubernetes1001.codfw.wmnet and kubernetes1001.eqiad.wmnet; give the "
           "full name");
}

TEST_CASE("roll plan: batches of --max-unavailable, nodes done earlier skipped")
{
  const std::vector<std::string> nodes = {"a.x", "b.x", "c.x", "d.x", "e.x"};
  auto one = make_plan("eqiad", nodes, {}, 1);
  CHECK(one.batches == std::vector<std::vector<std::string>>{{"a.x"}, {"b.x"}, {"c.x"}, {"d.x"}, {"e.x"}});
  CHECK(one.already_done.empty());
  auto two = make_plan("eqiad", nodes, {"b.x"}, 2);
  CHECK(two.batches == std::vector<std::vector<std::string>>{{"a.x", "c.x"}, {"d.x", "e.x"}});
  CHECK(two.already_done == std::vector<std::string>{"b.x"});
  CHECK(two.nodes == nodes);
  auto all_done = make_plan("eqiad", nodes, {"a.x", "b.x", "c.x", "d.x", "e.x"}, 3);
  CHECK(all_done.batches.empty());
  auto zero = make_plan("eqiad", nodes, {}, 0); // treated as 1, never "everything at once"
  CHECK(zero.batches.size() == 5);
}

TEST_CASE("roll plan: {node} and {fqdn} in every argument")
{
  CHECK(expand_command({"ssh", "{fqdn}", "sudo", "systemctl", "restart", "calico-node"}, "kubernetes1003.eqiad.wmnet")
        == std::vector<std::string>{"ssh", "kubernetes1003.eqiad.wmnet", "sudo", "systemctl", "restart",
                                    "calico-node"});
  CHECK(expand_command({"echo", "{node}:{fqdn}:{node}", "{other}"}, "kubernetes1003.eqiad.wmnet")
        == std::vector<std::string>{"echo", "kubernetes1003:kubernetes1003.eqiad.wmnet:kubernetes1003", "{other}"});
  CHECK(first_label("kubernetes1003") == "kubernetes1003");
  CHECK(split_list("a,,b,") == std::vector<std::string>{"a", "b"});
}

TEST_CASE("roll options: --selector LABEL=VALUE")
{
  auto ok = parse_roll_command_line({"--site", "eqiad", "--selector", "topology.kubernetes.io/zone=eqiad-row-b", "--",
                                     "true"});
  REQUIRE(ok.has_value());
  CHECK(ok->selector == std::optional<std::string>("topology.kubernetes.io/zone=eqiad-row-b"));
  CHECK(ok->nodes.empty());
  auto eq = parse_roll_command_line({"--site", "eqiad", "--selector=role=worker", "--", "true"});
  REQUIRE(eq.has_value());
  CHECK(eq->selector == std::optional<std::string>("role=worker"));
  auto empty_value = parse_roll_command_line({"--site", "eqiad", "--selector", "node.kubernetes.io/exclude=", "--", "true"});
  REQUIRE(empty_value.has_value()); // Kubernetes allows an empty label value
  CHECK_FALSE(parse_roll_command_line({"--site", "eqiad", "--", "true"})->selector.has_value());

  struct Bad
  {
    std::string selector;
    std::string error;
  };
  const std::string eg = " (e.g. --selector topology.kubernetes.io/zone=eqiad-row-a)";
  const Bad bad[] = {
    {"role", "--selector: not LABEL=VALUE in 'role'" + eg},
    {"=worker", "--selector: not LABEL=VALUE in '=worker'" + eg},
    {"role!=worker", "--selector: not LABEL=VALUE in 'role!=worker'" + eg},
    {"role==worker", "--selector: not LABEL=VALUE in 'role==worker'" + eg},
    {"a=b,c=d", "--selector: not LABEL=VALUE in 'a=b,c=d'" + eg}, // one label: the site is the other term
    {"/zone=a", "--selector: bad label '/zone' in '/zone=a'" + eg},
    {"topology.kubernetes.io/=a", "--selector: bad label 'topology.kubernetes.io/' in 'topology.kubernetes.io/=a'" + eg},
    {"ro le=worker", "--selector: bad label 'ro le' in 'ro le=worker'" + eg},
    {"role=work er", "--selector: bad label value 'work er' in 'role=work er'" + eg},
    {"role=" + std::string(64, 'x'), "--selector: bad label value '" + std::string(64, 'x') + "' in 'role="
                                        + std::string(64, 'x') + "'" + eg},
  };
  for (const auto& b : bad) {
    CAPTURE(b.selector);
    auto r = parse_roll_command_line({"--site", "eqiad", "--selector", b.selector, "--", "true"});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == b.error);
  }
  auto both = parse_roll_command_line({"--site", "eqiad", "--nodes", "kubernetes1001", "--selector", "role=worker",
                                       "--", "true"});
  REQUIRE_FALSE(both.has_value());
  CHECK(both.error() == "--nodes and --selector: give one of them");
  auto missing = parse_roll_command_line({"--site", "eqiad", "--selector"});
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error() == "--selector needs a value");
}

TEST_CASE("roll options: the command line")
{
  auto ok = parse_roll_command_line({"--site", "eqiad", "--nodes", "kubernetes1001,kubernetes1002", "--max-unavailable",
                                     "2", "--settle=30s", "--state", "/tmp/s.jsonl", "--timeout", "5m", "--interval",
                                     "1s", "--min-uptime", "10s", "--", "ssh", "{fqdn}", "true"});
  REQUIRE(ok.has_value());
  CHECK(ok->site == "eqiad");
  CHECK(ok->nodes == std::vector<std::string>{"kubernetes1001", "kubernetes1002"});
  CHECK(ok->max_unavailable == 2);
  CHECK(ok->settle == std::chrono::seconds(30));
  CHECK(ok->state_path == "/tmp/s.jsonl");
  CHECK(ok->gate.timeout == std::chrono::minutes(5));
  CHECK(ok->gate.interval == std::chrono::seconds(1));
  CHECK(ok->gate.min_uptime == std::chrono::seconds(10));
  CHECK(ok->command == std::vector<std::string>{"ssh", "{fqdn}", "true"});
  CHECK_FALSE(ok->dry_run);
  CHECK_FALSE(ok->drain);

  struct Bad
  {
    std::vector<std::string> args;
    std::string error;
  };
  const Bad bad[] = {
    {{"--", "true"}, "--site is required"},
    {{"--site", "eqiad"}, "no command: give it after '--' (e.g. -- ssh {fqdn} sudo systemctl restart calico-node)"},
    {{"--site", "eqiad", "--max-unavailable", "0", "--", "true"},
     "--max-unavailable: a whole number of nodes, at least 1 (got '0')"},
    {{"--site", "eqiad", "--since", "-30s", "--", "true"}, "--since: roll sets it per node (the instant CMD starts)"},
    {{"--site", "eqiad", "--node", "x", "--", "true"}, "--node: roll takes --site (and --nodes N1,N2,...)"},
    {{"--site", "eqiad", "--bogus", "--", "true"}, "unknown option '--bogus'"},
    {{"--site", "eqiad", "--dry-run=yes", "--", "true"}, "--dry-run takes no value"},
    {{"--site", "eqiad", "--drain-timeout", "0s", "--", "true"}, "--drain-timeout: must be more than 0 (got '0s')"},
    {{"--site", "eqiad", "--source", "bird", "--", "true"}, "--source: roll reads the routers' view (--source router)"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.args);
    auto r = parse_roll_command_line(b.args);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == b.error);
  }
}
