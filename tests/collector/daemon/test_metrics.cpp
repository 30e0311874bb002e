// tests/collector/test_metrics.cpp: the Prometheus text writer's rules
// (registration once, reserved suffixes, escaping, HELP/TYPE, no timestamps).
#include "collector/daemon/metrics.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch::collector;

TEST_CASE("metrics: registration rules with exact errors")
{
  MetricsWriter w;
  REQUIRE(w.add("bgpwatch_router_up", MetricType::gauge, "1 if the router's last poll succeeded").has_value());
  REQUIRE(w.add("bgpwatch_session_flaps_total", MetricType::counter, "flaps").has_value());
  struct Case
  {
    const char* name;
    MetricType type;
    const char* help;
    const char* error;
  };
  const Case cases[] = {
    {"bgpwatch_router_up", MetricType::gauge, "x", "duplicate metric 'bgpwatch_router_up'"},
    {"bgpwatch_session_flaps_total", MetricType::counter, "x", "duplicate metric 'bgpwatch_session_flaps_total'"},
    {"bgpwatch_flaps", MetricType::counter, "x", "counter 'bgpwatch_flaps' must end in _total"},
    {"bgpwatch_x_total", MetricType::gauge, "x", "gauge 'bgpwatch_x_total' uses the reserved suffix _total"},
    {"bgpwatch_x_count", MetricType::gauge, "x", "gauge 'bgpwatch_x_count' uses the reserved suffix _count"},
    {"bgpwatch_x_sum", MetricType::gauge, "x", "gauge 'bgpwatch_x_sum' uses the reserved suffix _sum"},
    {"bgpwatch_x_bucket", MetricType::gauge, "x", "gauge 'bgpwatch_x_bucket' uses the reserved suffix _bucket"},
    {"bgpwatch_x_info", MetricType::gauge, "x", "gauge 'bgpwatch_x_info' uses the reserved suffix _info"},
    {"9lives", MetricType::gauge, "x", "invalid metric name '9lives'"},
    {"", MetricType::gauge, "x", "invalid metric name ''"},
    {"bgp-watch", MetricType::gauge, "x", "invalid metric name 'bgp-watch'"},
    {"bgpwatch_nohelp", MetricType::gauge, "", "metric 'bgpwatch_nohelp' needs a help text"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto r = w.add(c.name, c.type, c.help);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == c.error);
  }
}

TEST_CASE("metrics: exposition text, escaping, no timestamps")
{
  MetricsWriter w;
  const auto up = *w.add("bgpwatch_router_up", MetricType::gauge, "1 if the last poll\nsucceeded \\ else 0");
  const auto flaps = *w.add("bgpwatch_session_flaps_total", MetricType::counter, "Flaps seen by the router");
  const auto empty = *w.add("bgpwatch_node_sessions_expected", MetricType::gauge, "Expected sessions");
  REQUIRE(w.sample(up, {{"router", "cr1-eqiad"}, {"site", "eqiad"}}, 1).has_value());
  REQUIRE(w.sample(up, {{"router", "we\"ird\\\nname"}, {"site", ""}}, 0).has_value());
  REQUIRE(w.sample(flaps, {{"peer", "2620:0:861:103:10:64:32:23"}}, 12345678901.0).has_value());
  REQUIRE(w.sample(flaps, {}, 0.5).has_value());
  CHECK(w.render()
        == "# HELP bgpwatch_router_up 1 if the last poll\\nsucceeded \\\\ else 0\n"
           "# TYPE bgpwatch_router_up gauge\n"
           "bgpwatch_router_up{router=\"cr1-eqiad\",site=\"eqiad\"} 1\n"
           "bgpwatch_router_up{router=\"we\\\"ird\\\\\\nname\",site=\"\"} 0\n"
           "# HELP bgpwatch_session_flaps_total Flaps seen by the router\n"
           "# TYPE bgpwatch_session_flaps_total counter\n"
           "bgpwatch_session_flaps_total{peer=\"2620:0:861:103:10:64:32:23\"} 12345678901\n"
           "bgpwatch_session_flaps_total 0.5\n"
           "# HELP bgpwatch_node_sessions_expected Expected sessions\n"
           "# TYPE bgpwatch_node_sessions_expected gauge\n");
  (void)empty;
}

TEST_CASE("metrics: bad label names and unknown ids are refused")
{
  MetricsWriter w;
  const auto id = *w.add("bgpwatch_router_up", MetricType::gauge, "up");
  auto r = w.sample(id, {{"__name__", "x"}}, 1);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == "metric 'bgpwatch_router_up': invalid label name '__name__'");
  r = w.sample(id, {{"peer-as", "1"}}, 1);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == "metric 'bgpwatch_router_up': invalid label name 'peer-as'");
  r = w.sample(42, {}, 1);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == "unregistered metric id");
  CHECK(w.render() == "# HELP bgpwatch_router_up up\n# TYPE bgpwatch_router_up gauge\n");
}
