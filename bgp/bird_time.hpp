// bgp/bird_time.hpp: the times BIRD prints, and uptimes computed from them.
// Pure: "now" is always a parameter, never read from a clock.
//
// BIRD prints local civil time in its own time zone, and how much of it
// depends on `timeformat` and on age (BIRD's sysdep/unix timer code):
//   BIRD 1.6 default (protocol):  "%T" if less than 20 h ago, else "%F"
//   BIRD 2 default (protocol):    "%T.%3f" if less than 20 h ago, else "%F"
//   `iso long [ms]`:              "%F %T[.%3f]"
//   1.6 `old short`:              "HH:MM" < 20 h, "Nov29" < 360 d, else "2025"
// `show status` prints "Current server time is %F %T[.%3f]" (tf_base): the
// daemon's own "now" in the same zone, so since-times are judged against
// BIRD's clock and zone, not ours.
#pragma once

#include "bgp/expected.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bgpwatch::bgp {

// A civil time with the parts BIRD left out empty.
struct BirdTime
{
  std::optional<int> year;
  std::optional<unsigned> month; // 1..12
  std::optional<unsigned> day;   // 1..31
  std::optional<std::chrono::milliseconds> time_of_day;

  bool has_date() const noexcept
  {
    return year && month && day;
  }
  friend bool operator==(const BirdTime&, const BirdTime&) = default;
};

// One of the forms above ("02:46:25", "02:56:59.192", "2026-11-28",
// "2026-11-28 02:46:25", "2026-11-28 02:46:25.123", "02:46", "Nov29",
// "2025"). Anything else is an error quoting the text.
Expected<BirdTime, std::string> parse_bird_time(std::string_view text);

// Seconds from `since` to `now` (now must carry a full date and time, as
// `show status` prints it). Rules, from BIRD's formatting limits:
//  - full date and time: now - since;
//  - time only: the last such time at or before now (today or yesterday;
//    BIRD prints time only for less than 20 h);
//  - date only (20 h or older): the lower bound max(20 h, now - end of that
//    day): the session is at least that old;
//  - month+day / year only (old short): likewise the lower bound.
// Empty when now has no full date and time. Never negative (clamped at 0:
// BIRD's since and now can differ by a rounding millisecond).
std::optional<std::int64_t> bird_uptime_seconds(const BirdTime& since, const BirdTime& now);

} // namespace bgpwatch::bgp
