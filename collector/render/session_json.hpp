// collector/render/session_json.hpp: the SPEC "Session JSON" object, the one place
// a Session becomes JSON. Absent values are null, never invented.
#pragma once

#include "bgp/session.hpp"

#include <nlohmann/json.hpp>

namespace bgpwatch::collector {

// {"router","site","address","family","peer_as","state","uptime_seconds",
//  "flaps","input_messages","output_messages","output_queue","description",
//  "node","ribs":[{"name","active","received","accepted","damped"}],"source"}
// plus "instance" (null = master) and, when the source has them, "protocol",
// "last_error", "local_address", "local_as".
nlohmann::json session_to_json(const bgp::Session& session);

} // namespace bgpwatch::collector
