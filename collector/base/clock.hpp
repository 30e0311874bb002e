// collector/base/clock.hpp: deadlines are steady-clock instants everywhere
// (a wall-clock jump must not stretch or cut a wait).
#pragma once

#include <chrono>

namespace bgpwatch::collector {

using SteadyClock = std::chrono::steady_clock;

} // namespace bgpwatch::collector
