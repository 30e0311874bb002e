// collector/render/session_json.hpp: the SPEC "Session JSON" object, the one place
// a Session becomes JSON. Absent values are null, never invented.
#pragma once

#include "bgp/session.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace bgpwatch::collector {

// {"router","site","address","family","peer_as","state","uptime_seconds",
//  "flaps","input_messages","output_messages","output_queue","description",
//  "node","ribs":[{"name","active","received","accepted","damped"}],"source"}
// plus "instance" (null = master), the neighbor-detail keys of issue 14
// ("last_state", "last_error", "peer_flags", "options",
// "restart_time_received", "stale_route_time", "restart_negotiated",
// "end_of_rib_received", "end_of_rib_sent", "restart_flags_received",
// "stale_routes_expire_at", "ribs[].state") and "protocol", "local_address",
// "local_as": every key always present, null when the source cannot know
// (docs/json.md).
nlohmann::json session_to_json(const bgp::Session& session);

// session_to_json(session) serialised onto the end of `out` byte for byte
// as nlohmann's dump(indent) would write it (keys sorted, invalid UTF-8
// replaced, no ASCII escaping) at `current_indent` spaces of nesting (where
// the object's closing brace goes; 0 for a top-level object), without
// building the tree: a 10,000-session `parse` spent four fifths of its time
// building and freeing those trees (issue 17). indent < 0 = compact.
void append_session_json(std::string& out, const bgp::Session& session, int indent, std::size_t current_indent);

} // namespace bgpwatch::collector
