// bgp/duration.hpp: durations as operators write them (SPEC "Configuration").
#pragma once

#include "bgp/expected.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace bgpwatch::bgp {

// "90s", "5m", "1h30m", "2d", "500ms", or plain seconds ("30"). Units may be
// combined largest first ("1h30m10s"). Negative values, empty strings,
// unknown units and overflow are errors whose text quotes the input.
Expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);

// The shortest exact spelling: 90000 ms -> "1m30s", 500 ms -> "500ms", 0 -> "0s".
std::string format_duration(std::chrono::milliseconds d);

// Elapsed wait time for people, the one spelling of every "after ...",
// "elapsed ..." and "remaining ..." (issue 16): Go's time.Duration style
// rounded down to a tenth of a second, the fraction only when not zero:
// "0s", "0.4s", "15.2s", "4m28s", "1h2m3.4s". Negative reads as 0s.
std::string format_elapsed(std::chrono::milliseconds d);

} // namespace bgpwatch::bgp
