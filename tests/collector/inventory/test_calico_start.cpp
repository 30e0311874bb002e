// tests/collector/inventory/test_calico_start.cpp: --since auto from the
// Kubernetes API (issue 13): the calico-node container's start in a v1
// PodList, exact values and errors. The HTTPS path is exercised end to end
// by tests/e2e/false_ready (k8s_api_server.py serves the pods).
#include "bgp/timeparse.hpp"
#include "collector/inventory/calico_start.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

std::string pod(const std::string& name, const std::string& state_json, const std::string& extra_meta = "")
{
  return R"({"metadata":{"name":")" + name + R"(","namespace":"kube-system")" + extra_meta
         + R"(},"spec":{"nodeName":"kubernetes1003.eqiad.wmnet"},"status":{"phase":"Running","containerStatuses":[)"
           R"({"name":"install-cni","state":{"running":{"startedAt":"2026-11-29T01:00:00Z"}}},)"
           R"({"name":"calico-node","restartCount":3,"state":)"
         + state_json + "}]}}";
}

std::string list(const std::vector<std::string>& pods)
{
  std::string items;
  for (const auto& p : pods) {
    items += (items.empty() ? "" : ",") + p;
  }
  return R"({"kind":"PodList","apiVersion":"v1","items":[)" + items + "]}";
}

const std::string k_running = R"({"running":{"startedAt":"2026-11-29T02:59:20Z"}})";

} // namespace

TEST_CASE("calico start: the calico-node container's startedAt")
{
  auto r = calico_start_from_pods(list({pod("calico-node-x7k2p", k_running)}), "node kubernetes1003");
  REQUIRE(r);
  REQUIRE(r->started_at);
  CHECK(bgp::format_rfc3339(*r->started_at) == "2026-11-29T02:59:20.000Z");
  CHECK(r->detail == "pod kube-system/calico-node-x7k2p, container calico-node running since 2026-11-29T02:59:20.000Z");
}

TEST_CASE("calico start: a rollout takes the latest start; one not running means not started yet")
{
  auto r = calico_start_from_pods(
    list({pod("calico-node-old", R"({"running":{"startedAt":"2026-11-20T00:00:00Z"}})"), pod("calico-node-new", k_running)}),
    "q");
  REQUIRE(r);
  REQUIRE(r->started_at);
  CHECK(bgp::format_rfc3339(*r->started_at) == "2026-11-29T02:59:20.000Z");
  CHECK(r->detail.starts_with("pod kube-system/calico-node-new,"));

  r = calico_start_from_pods(
    list({pod("calico-node-a", k_running),
          pod("calico-node-b", R"({"waiting":{"reason":"ContainerCreating"}})")}),
    "q");
  REQUIRE(r);
  CHECK_FALSE(r->started_at);
  CHECK(r->detail == "pod kube-system/calico-node-b, container calico-node waiting (ContainerCreating)");

  r = calico_start_from_pods(list({pod("calico-node-a", R"({"terminated":{"reason":"Error","exitCode":1}})")}), "q");
  REQUIRE(r);
  CHECK_FALSE(r->started_at);
  CHECK(r->detail == "pod kube-system/calico-node-a, container calico-node terminated (Error)");

  // Still "running" in the API, but the pod is being deleted: its BIRD is going.
  r = calico_start_from_pods(list({pod("calico-node-a", k_running, R"(,"deletionTimestamp":"2026-11-29T03:00:00Z")")}),
                             "q");
  REQUIRE(r);
  CHECK_FALSE(r->started_at);
  CHECK(r->detail == "pod kube-system/calico-node-a is being deleted");
}

TEST_CASE("calico start: errors say what is missing")
{
  struct T
  {
    std::string json;
    std::string error;
  };
  const T table[] = {
    {list({}), "node n: no calico-node pod"},
    {"{}", "node n: not a PodList (no items)"},
    {"[1,2", "node n: the pod list is not JSON: "},
    {list({R"({"metadata":{"name":"p","namespace":"ns"},"status":{"containerStatuses":[{"name":"other"}]}})"}),
     "node n: pod ns/p has no container named calico-node"},
    {list({pod("p", R"({"running":{}})")}),
     "node n: pod kube-system/p: calico-node state.running.startedAt: bad time '': empty (examples: "
     "2026-11-29T02:46:11Z, @1795920371, -30s)"},
    {list({pod("p", R"({"running":{"startedAt":"9999-01-01T00:00:00Z"}})")}),
     "node n: pod kube-system/p: calico-node state.running.startedAt: bad time '9999-01-01T00:00:00Z': outside the "
     "clock's range (1970-01-01T00:00:00.000Z to 2262-04-11T23:47:16.854Z)"},
    // A wrong JSON type is an error, never an exception.
    {list({R"({"metadata":{"name":5},"status":{"containerStatuses":[{"name":"calico-node","state":{"running":{"startedAt":7}}}]}})"}),
     "node n: pod ?/?: calico-node state.running.startedAt: bad time '': empty (examples: 2026-11-29T02:46:11Z, "
     "@1795920371, -30s)"},
  };
  for (const auto& t : table) {
    CAPTURE(t.json);
    auto r = calico_start_from_pods(t.json, "node n");
    REQUIRE_FALSE(r);
    CHECK(r.error().starts_with(t.error));
  }
  // No container status yet (just scheduled): not started.
  auto r = calico_start_from_pods(list({R"({"metadata":{"name":"p","namespace":"ns"},"status":{"phase":"Pending"}})"}),
                                  "node n");
  REQUIRE(r);
  CHECK_FALSE(r->started_at);
  CHECK(r->detail == "pod ns/p has no container status yet (Pending)");
}
