// collector/roll/drain.cpp: cordon, evict, uncordon (see drain.hpp).
#include "collector/roll/drain.hpp"

#include "collector/http/url_query.hpp"
#include "collector/roll/kube_api.hpp"

#include <thread>

namespace bgpwatch::collector {

namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// The API server's JSON is read without trusting its types (fuzz_roll_audit
// found a "kind" that was an object): a member of the wrong type reads as
// absent, never as an exception.
const json& member(const json& j, const char* key)
{
  static const json k_absent;
  if (!j.is_object()) {
    return k_absent;
  }
  const auto it = j.find(key);
  return it == j.end() ? k_absent : *it;
}

std::string text_of(const json& j, const char* key, std::string fallback = {})
{
  const json& v = member(j, key);
  return v.is_string() ? v.get<std::string>() : fallback;
}

PodRef ref_of(const json& pod)
{
  const json& md = member(pod, "metadata");
  return PodRef{text_of(md, "namespace", "default"), text_of(md, "name"), text_of(md, "uid")};
}

const json* controller_of(const json& pod)
{
  const json& owners = member(member(pod, "metadata"), "ownerReferences");
  if (!owners.is_array()) {
    return nullptr;
  }
  for (const auto& o : owners) {
    if (member(o, "controller") == json(true)) {
      return &o;
    }
  }
  return nullptr;
}

// Sleeps up to `d`, in small steps so a signal is seen quickly. False if stopped.
bool pause(milliseconds d, SteadyClock::time_point deadline, const DrainHooks& hooks)
{
  const auto until = std::min(SteadyClock::now() + d, deadline);
  while (SteadyClock::now() < until) {
    if (hooks.stop && hooks.stop()) {
      return false;
    }
    std::this_thread::sleep_for(std::min<SteadyClock::duration>(milliseconds(100), until - SteadyClock::now()));
  }
  return !(hooks.stop && hooks.stop());
}

std::string pod_path(const PodRef& p)
{
  return "/api/v1/namespaces/" + percent_encode(p.ns) + "/pods/" + percent_encode(p.name);
}

} // namespace

DrainPlan plan_drain(const json& pod_list)
{
  DrainPlan plan;
  if (!pod_list.is_object() || !pod_list.contains("items") || !pod_list["items"].is_array()) {
    return plan;
  }
  for (const auto& pod : pod_list["items"]) {
    const PodRef ref = ref_of(pod);
    if (ref.name.empty()) {
      // Nothing could be evicted by that name, and nothing is skipped blind.
      plan.refuse.emplace_back(ref, "the API server listed a pod without a readable metadata.name");
      continue;
    }
    const json& annotations = member(member(pod, "metadata"), "annotations");
    if (annotations.is_object() && annotations.contains("kubernetes.io/config.mirror")) {
      plan.skip.emplace_back(ref, "mirror pod");
      continue;
    }
    const std::string phase = text_of(member(pod, "status"), "phase");
    if (phase == "Succeeded" || phase == "Failed") {
      plan.evict.push_back(ref); // finished: deleting it loses nothing (kubectl does the same)
      continue;
    }
    const json* owner = controller_of(pod);
    if (owner == nullptr) {
      plan.refuse.emplace_back(ref, "not managed by a controller: nothing would recreate it (kubectl drain "
                                    "refuses it without --force)");
      continue;
    }
    if (text_of(*owner, "kind") == "DaemonSet") {
      plan.skip.emplace_back(ref, "DaemonSet");
      continue;
    }
    plan.evict.push_back(ref);
  }
  return plan;
}

Expected<bool, std::string> cordon(const KubernetesEndpoint& api, const std::string& node, bool unschedulable,
                                   SteadyClock::time_point deadline)
{
  const json patch = {{"spec", {{"unschedulable", unschedulable ? json(true) : json(nullptr)}}}};
  auto r = kube_call(api, "PATCH", "/api/v1/nodes/" + percent_encode(node), patch, deadline,
                     "application/strategic-merge-patch+json");
  if (!r) {
    return Unexpected(r.error());
  }
  if (r->status != 200) {
    return Unexpected(std::string(unschedulable ? "cordon " : "uncordon ") + node + ": " + r->message());
  }
  return true;
}

Expected<std::string, std::string> evict_pods(const KubernetesEndpoint& api, const std::string& node,
                                              SteadyClock::time_point deadline, const DrainHooks& hooks)
{
  auto listed = kube_call(api, "GET", "/api/v1/pods?fieldSelector=" + percent_encode("spec.nodeName=" + node),
                          nullptr, deadline);
  if (!listed) {
    return Unexpected(listed.error());
  }
  if (listed->status != 200) {
    return Unexpected("listing the pods of " + node + ": " + listed->message());
  }
  const DrainPlan plan = plan_drain(listed->body);
  for (const auto& [pod, why] : plan.skip) {
    hooks.say("leaving " + pod.key() + " (" + why + ")");
  }
  if (!plan.refuse.empty()) {
    std::string names;
    for (const auto& [pod, why] : plan.refuse) {
      names += (names.empty() ? "" : ", ") + pod.key() + ": " + why;
    }
    return Unexpected("cannot drain " + node + ": " + names);
  }
  std::vector<PodRef> pending = plan.evict, evicted;
  while (!pending.empty()) {
    std::vector<PodRef> again;
    for (const auto& pod : pending) {
      hooks.say("evicting pod " + pod.key());
      const json eviction = {{"apiVersion", "policy/v1"},
                             {"kind", "Eviction"},
                             {"metadata", {{"name", pod.name}, {"namespace", pod.ns}}}};
      auto r = kube_call(api, "POST", pod_path(pod) + "/eviction", eviction, deadline);
      if (!r) {
        return Unexpected(r.error());
      }
      if (r->status == 200 || r->status == 201) {
        evicted.push_back(pod);
      } else if (r->status == 404) {
        hooks.say("pod " + pod.key() + " already gone");
      } else if (r->status == 429) {
        hooks.say("pod " + pod.key() + ": " + r->message() + " (retrying in "
                  + std::to_string(hooks.retry_429.count() / 1000) + "s)");
        again.push_back(pod);
      } else {
        return Unexpected("evicting " + pod.key() + ": " + r->message());
      }
    }
    pending = std::move(again);
    if (!pending.empty()) {
      if (SteadyClock::now() + hooks.retry_429 >= deadline) {
        return Unexpected("--drain-timeout passed with " + std::to_string(pending.size())
                          + " pod(s) still refused by their disruption budget, first " + pending.front().key());
      }
      if (!pause(hooks.retry_429, deadline, hooks)) {
        return Unexpected("interrupted while evicting pods");
      }
    }
  }
  for (const auto& pod : evicted) {
    for (;;) {
      auto r = kube_call(api, "GET", pod_path(pod), nullptr, deadline);
      if (!r) {
        return Unexpected(r.error());
      }
      const bool gone = r->status == 404
                        || (r->status == 200 && r->body.is_object()
                            && ref_of(r->body).uid != pod.uid);
      if (gone) {
        hooks.say("pod " + pod.key() + " evicted");
        break;
      }
      if (r->status != 200) {
        return Unexpected("watching " + pod.key() + " go: " + r->message());
      }
      if (SteadyClock::now() + hooks.poll_gone >= deadline) {
        return Unexpected("--drain-timeout passed while " + pod.key() + " was still terminating");
      }
      if (!pause(hooks.poll_gone, deadline, hooks)) {
        return Unexpected("interrupted while waiting for evicted pods to go");
      }
    }
  }
  return std::to_string(evicted.size()) + " pod(s) evicted, " + std::to_string(plan.skip.size()) + " left alone";
}

} // namespace bgpwatch::collector
