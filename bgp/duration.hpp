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

} // namespace bgpwatch::bgp
