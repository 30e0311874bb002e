// bgp/timeparse.hpp: instants as operators write them on the command line
// (SPEC "Gate options": --since and --now). Pure: the "current time" is
// always passed in, never read here.
#pragma once

#include "bgp/expected.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace bgpwatch::bgp {

using WallClock = std::chrono::system_clock;

// An absolute instant: RFC 3339 ("2026-11-29T02:46:11Z",
// "2026-11-29T03:46:11.250+01:00"; 'T', 't' or one space between date and
// time; 'Z' or 'z' or a numeric offset is required) or "@UNIX" seconds with
// an optional fraction ("@1795920371", "@1795920371.5"). Fractions beyond
// milliseconds are truncated. Errors quote the input and say what is wrong.
Expected<WallClock::time_point, std::string> parse_instant(std::string_view text);

// --since: an absolute instant as above, or "-D" = D (a duration, see
// bgp/duration.hpp) before `reference` (when the command started, or --now).
Expected<WallClock::time_point, std::string> parse_since(std::string_view text,
                                                         WallClock::time_point reference);

// "2026-11-29T02:46:11.250Z": UTC, always with milliseconds, the one
// timestamp format of every JSON object and log line (docs/json.md).
std::string format_rfc3339(WallClock::time_point t);

} // namespace bgpwatch::bgp
