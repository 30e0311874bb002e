// tests/collector/roll/test_roll_drain.cpp: which pods roll --drain evicts,
// leaves, or refuses (collector/roll/drain.hpp), on the fixture the kubectl
// reference was recorded with (fixtures/kubernetes/roll-objects.json).
#include "collector/roll/drain.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace bgpwatch::collector;
using nlohmann::json;

namespace {

std::string fixtures_dir()
{
  if (const char* env = std::getenv("BGPWATCH_FIXTURES"); env != nullptr && *env != '\0') {
    return env;
  }
  const auto beside =
    std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "fixtures";
  return std::filesystem::is_directory(beside) ? beside.string() : std::string("fixtures");
}

json pods_of(const std::string& node)
{
  std::ifstream in(fixtures_dir() + "/kubernetes/roll-objects.json");
  REQUIRE(in.good());
  const json objects = json::parse(in);
  json list = {{"kind", "PodList"}, {"apiVersion", "v1"}, {"items", json::array()}};
  for (const auto& p : objects["pods"]) {
    if (p["spec"]["nodeName"] == node) {
      list["items"].push_back(p);
    }
  }
  return list;
}

std::vector<std::string> keys(const std::vector<PodRef>& v)
{
  std::vector<std::string> out;
  for (const auto& p : v) {
    out.push_back(p.key());
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

TEST_CASE("drain plan: what kubectl drain --ignore-daemonsets --delete-emptydir-data evicts")
{
  const DrainPlan plan = plan_drain(pods_of("kubernetes1003.eqiad.wmnet"));
  // Same sets as fixtures/kubernetes/kubectl-drain.reference.json ("evicted", "untouched").
  CHECK(keys(plan.evict) == std::vector<std::string>{"eventgate/eventgate-main-0", "mediawiki/mw-api-5c4b7d8f6-03k9p",
                                                     "mediawiki/mw-web-6d5f8b7c9-03q2w"});
  REQUIRE(plan.skip.size() == 2);
  CHECK(plan.skip[0].first.key() == "kube-system/calico-node-03x7k");
  CHECK(plan.skip[0].second == "DaemonSet");
  CHECK(plan.skip[1].first.key() == "kube-system/kube-proxy-kubernetes1003");
  CHECK(plan.skip[1].second == "mirror pod");
  CHECK(plan.refuse.empty());
  CHECK(plan.evict[0].uid == "uid-mediawiki-mw-web-6d5f8b7c9-03q2w");
}

TEST_CASE("drain plan: a pod no controller manages stops the drain; finished pods go")
{
  const json list = json::parse(R"({"items": [
    {"metadata": {"name": "debug", "namespace": "default"}, "spec": {"nodeName": "n"}, "status": {"phase": "Running"}},
    {"metadata": {"name": "job-done", "namespace": "default"}, "status": {"phase": "Succeeded"}},
    {"metadata": {"name": "rs-pod", "namespace": "default", "ownerReferences": [
       {"kind": "ReplicaSet", "name": "rs", "controller": false}]}, "status": {"phase": "Running"}}
  ]})");
  const DrainPlan plan = plan_drain(list);
  CHECK(keys(plan.evict) == std::vector<std::string>{"default/job-done"});
  REQUIRE(plan.refuse.size() == 2); // an owner that is not the controller does not count
  CHECK(plan.refuse[0].first.key() == "default/debug");
  CHECK(plan.refuse[0].second.starts_with("not managed by a controller"));
  CHECK(plan.refuse[1].first.key() == "default/rs-pod");
  CHECK(plan_drain(json::object()).evict.empty());
}

TEST_CASE("drain plan: members of the wrong type read as absent, never as an exception")
{
  // fuzz_roll_audit found a PodList whose owner "kind" was an object: nlohmann's
  // value() threw type_error and the process terminated.
  const json list = json::parse(R"({"items": [
    5,
    {"metadata": "not an object"},
    {"metadata": {"name": 7, "namespace": "default"}},
    {"metadata": {"name": "odd-owner", "namespace": "default", "annotations": [1, 2],
                  "ownerReferences": [{"kind": {"x": 1}, "controller": true}]}, "status": {"phase": 3}},
    {"metadata": {"name": "owners-not-a-list", "namespace": "default", "ownerReferences": {"kind": "DaemonSet"}}},
    {"metadata": {"name": "ds-pod", "namespace": {}, "ownerReferences": [{"kind": "DaemonSet", "controller": "yes"}]}}
  ]})");
  DrainPlan plan;
  REQUIRE_NOTHROW(plan = plan_drain(list));
  // A controller whose kind cannot be read is still a controller: evicted, as kubectl would.
  CHECK(keys(plan.evict) == std::vector<std::string>{"default/odd-owner"});
  CHECK(plan.skip.empty());
  REQUIRE(plan.refuse.size() == 5);
  for (std::size_t i = 0; i < 3; ++i) { // no readable name: refused, the drain stops
    CHECK(plan.refuse[i].second == "the API server listed a pod without a readable metadata.name");
  }
  CHECK(plan.refuse[3].first.key() == "default/owners-not-a-list");
  CHECK(plan.refuse[3].second.starts_with("not managed by a controller"));
  // "controller": "yes" is not true; a namespace that is not a string reads as "default".
  CHECK(plan.refuse[4].first.key() == "default/ds-pod");
}
