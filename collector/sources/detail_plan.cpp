// collector/sources/detail_plan.cpp: see detail_plan.hpp.
#include "collector/sources/detail_plan.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace bgpwatch::collector {

namespace {

// Matches bgp/readiness.cpp's rule: this text means the restart is over.
constexpr std::string_view k_restart_complete = "BGP restart is complete";

bool has_word(const std::optional<std::vector<std::string>>& words, const std::string& word)
{
  return words && std::find(words->begin(), words->end(), word) != words->end();
}

bool rib_restarting(const bgp::Session& s)
{
  return std::any_of(s.ribs.begin(), s.ribs.end(),
                     [](const bgp::RibCounts& r) { return r.state && *r.state != k_restart_complete; });
}

bool awaiting_end_of_rib(const bgp::Session& s)
{
  if (!s.restart_negotiated) {
    return false;
  }
  return std::any_of(s.restart_negotiated->begin(), s.restart_negotiated->end(),
                     [&](const std::string& family) { return !has_word(s.end_of_rib_received, family); });
}

} // namespace

bool detail_settled(const bgp::Session& previous, const bgp::Session& current, bgp::WallClock::time_point polled_at)
{
  if (!previous.has_detail || previous.state != current.state || previous.flaps != current.flaps
      || current.state == bgp::SessionState::unknown) {
    return false;
  }
  if (current.state == bgp::SessionState::established) {
    return !awaiting_end_of_rib(previous) && !rib_restarting(previous);
  }
  // Down: settled once the router no longer holds its stale routes (no
  // graceful restart, or the budget ran out and the last detail already
  // showed the tables flushed).
  bgp::Session judged = current;
  judged.restart_negotiated = previous.restart_negotiated;
  judged.restart_time_received = previous.restart_time_received;
  const auto expire = bgp::stale_routes_expire_at(judged, polled_at);
  if (!expire) {
    return true;
  }
  return *expire <= polled_at && !rib_restarting(previous);
}

DetailPlan plan_detail(const std::vector<bgp::Session>& current, const std::vector<bgp::Session>& previous,
                       bool have_full, unsigned polls_since_full, bgp::WallClock::time_point polled_at,
                       const DetailPolicy& policy)
{
  DetailPlan plan;
  if (!have_full || polls_since_full + 1 >= std::max(1u, policy.full_every)) {
    plan.full = true;
    return plan;
  }
  // (instance, address) -> previous session: 2,000 peers, no quadratic scan.
  std::map<std::tuple<std::string, bgp::Address>, const bgp::Session*> before;
  for (const auto& p : previous) {
    before.emplace(std::tuple{p.instance.value_or(""), p.address}, &p);
  }
  for (const auto& s : current) {
    const auto it = before.find(std::tuple{s.instance.value_or(""), s.address});
    if (it != before.end() && detail_settled(*it->second, s, polled_at)) {
      plan.carry.push_back(*it->second);
      continue;
    }
    if (std::find(plan.ask.begin(), plan.ask.end(), s.address) == plan.ask.end()) {
      plan.ask.push_back(s.address);
    }
    if (plan.ask.size() > policy.max_peer_rpcs) {
      return DetailPlan{true, {}, {}};
    }
  }
  return plan;
}

} // namespace bgpwatch::collector
