// bgp/instant.hpp: checked time arithmetic. Every place where an uptime, a
// --since or a --now becomes an instant goes through here, because the
// unchecked sums overflow silently: system_clock counts int64 nanoseconds
// (1677..2262), so `polled_at - seconds(15000000000)` wraps into the future
// and an 18-minute-old session "came up after" any --since (issue 13).
// Pure: the current time is always passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace bgpwatch::bgp {

using WallClock = std::chrono::system_clock;

// The instants bgpwatch accepts: the Unix epoch up to the last whole
// millisecond WallClock can hold (2262-04-11T23:47:16.854Z with libstdc++'s
// nanosecond clock). Nothing BGP talks about happened before 1970.
WallClock::time_point earliest_instant() noexcept;
WallClock::time_point latest_instant() noexcept;

// Milliseconds since the epoch -> instant; empty outside [earliest, latest].
std::optional<WallClock::time_point> instant_from_unix_ms(std::int64_t ms) noexcept;

// t - d and t + d; empty when the result leaves [earliest, latest] (or d is
// so large the sum overflows). d may be negative.
std::optional<WallClock::time_point> checked_sub(WallClock::time_point t, std::chrono::milliseconds d) noexcept;
std::optional<WallClock::time_point> checked_add(WallClock::time_point t, std::chrono::milliseconds d) noexcept;

// Junos floors uptimes to whole seconds (junos-format.md): a session showing
// "40" came up between 40 and 41 s before the router answered.
inline constexpr std::chrono::seconds k_uptime_floor{1};

// When a session with `uptime_seconds` came up, at the EARLIEST: the router
// measured the uptime somewhere between sending and receiving, so
// request_sent_at - uptime - 1 s is never later than the truth (a --since
// judged on it can only lean toward "not yet"). Empty when the uptime is
// negative or implausible: it would put the start before the Unix epoch
// (longer than the time since 1970), or overflow.
std::optional<WallClock::time_point> session_came_up(WallClock::time_point request_sent_at,
                                                     std::int64_t uptime_seconds) noexcept;

// An uptime for people: "1h2m3s" (format_duration), or "N s" verbatim when it
// is too large for a duration (never overflows).
std::string format_uptime(std::int64_t seconds);

} // namespace bgpwatch::bgp
