// collector/render/session_json.hpp: the SPEC "Session JSON" object, the one place
// a Session becomes JSON. Absent values are null, never invented.
#pragma once

#include "bgp/session.hpp"

#include <nlohmann/json.hpp>

namespace bgpwatch::collector {

// {"router","site","address","family","peer_as","state","uptime_seconds",
//  "flaps","input_messages","output_messages","output_queue","description",
//  "node","ribs":[{"name","active","received","accepted","damped"}],"source"}
// plus "instance" (null = master), the neighbor-detail keys of issue 14
// ("last_state", "last_error", "peer_flags", "options",
// "restart_time_received", "stale_route_time", "restart_negotiated",
// "end_of_rib_received", "end_of_rib_sent", "restart_flags_received",
// "stale_routes_expire_at", "ribs[].state": always present, null when
// unknown) and, when the source has them, "protocol", "local_address",
// "local_as".
nlohmann::json session_to_json(const bgp::Session& session);

} // namespace bgpwatch::collector
