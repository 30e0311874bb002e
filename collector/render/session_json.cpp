#include "collector/render/session_json.hpp"

namespace bgpwatch::collector {

namespace {

template <class T>
nlohmann::json opt(const std::optional<T>& v)
{
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

} // namespace

nlohmann::json session_to_json(const bgp::Session& s)
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
    {"family", std::string(bgp::to_string(s.family()))},
    {"peer_as", opt(s.peer_as)},
    {"state", std::string(bgp::to_string(s.state))},
    {"uptime_seconds", opt(s.uptime_seconds)},
    {"flaps", opt(s.flaps)},
    {"input_messages", opt(s.input_messages)},
    {"output_messages", opt(s.output_messages)},
    {"output_queue", opt(s.output_queue)},
    {"description", opt(s.description)},
    {"node", opt(s.node)},
    {"ribs", std::move(ribs)},
    {"source", std::string(bgp::to_string(s.source))},
    {"instance", opt(s.instance)},
    // Neighbor detail (issue 14): every source emits every key, null where
    // it cannot know.
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
    {"stale_routes_expire_at", nullptr}, // live views fill it (session_verdict_to_json)
  };
  if (s.protocol) {
    j["protocol"] = *s.protocol;
  }
  if (s.local_address) {
    j["local_address"] = s.local_address->to_string();
  }
  if (s.local_as) {
    j["local_as"] = *s.local_as;
  }
  return j;
}

} // namespace bgpwatch::collector
