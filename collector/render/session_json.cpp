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
                    {"damped", opt(r.damped)}});
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
  };
  if (s.protocol) {
    j["protocol"] = *s.protocol;
  }
  if (s.last_error) {
    j["last_error"] = *s.last_error;
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
