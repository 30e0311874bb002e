// collector/render/json.hpp: JSON renderers over the same models as the text
// ones. Sessions always go through session_to_json (SPEC "Session JSON").
#pragma once

#include "bgp/detect.hpp"
#include "bgp/session.hpp"
#include "collector/render/model.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace bgpwatch::collector {

// SPEC: {"format","groups","peers","down_peers","sessions":[...]}.
nlohmann::json parse_to_json(bgp::InputFormat format, const bgp::Summary& summary);

// The same object appended to `out` byte for byte as
// parse_to_json(...).dump(indent) would write it (with "file" added when
// `file` is given), but one session at a time: `bgpwatch parse` on a
// 10,000-peer reply never holds a JSON tree of every session (issue 2).
// indent < 0 = compact, as nlohmann's dump(). Sessions are written
// directly (append_session_json), not through a tree. `drain`, when given,
// is handed `out` whenever it holds 64 KiB or more and must empty it: the
// document streams out instead of growing to its whole size in memory.
void append_parse_json(std::string& out, bgp::InputFormat format, const bgp::Summary& summary,
                       const std::string* file, int indent,
                       const std::function<void(std::string&)>& drain = nullptr);

// One expected session: the SPEC session object of what was observed (or,
// when nothing was, the expected identity with state "Unknown" and nulls),
// plus "readiness" (ready|not_ready|unknown), "reason" and "text". With
// `polled_at` (when its router was read), "stale_routes_expire_at" is the
// stale-route budget's end (bgp::stale_routes_expire_at) or null.
// `view` is the "source" of a session nothing was seen for (the view that
// could not see it).
nlohmann::json session_verdict_to_json(const bgp::SessionVerdict& verdict,
                                       std::optional<bgp::WallClock::time_point> polled_at = std::nullopt,
                                       bgp::Source view = bgp::Source::netconf);

// check/status --format json, and the wait's final event without "event":
// {"node","site","ready","verdict","exit","reasons","now","since","source",
//  "routers":[{"name","ok","error","polled_at"}],"sessions":[...]}.
nlohmann::json report_to_json(const GateReport& report);

// wait-established JSON Lines.
nlohmann::json poll_event(const GateReport& report, std::chrono::milliseconds remaining);
nlohmann::json result_event(const GateReport& report);

} // namespace bgpwatch::collector
