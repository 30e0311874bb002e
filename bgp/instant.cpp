// bgp/instant.cpp: checked time arithmetic (see instant.hpp).
#include "bgp/instant.hpp"

#include "bgp/duration.hpp"

#include <limits>

namespace bgpwatch::bgp {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// Bounds in milliseconds since the epoch (the unit every caller has).
constexpr std::int64_t k_min_ms = 0;
constexpr std::int64_t k_max_ms =
  duration_cast<milliseconds>(WallClock::duration::max()).count(); // floor: fits back into the clock

std::int64_t unix_ms(WallClock::time_point t) noexcept
{
  // WallClock::duration is at least as fine as milliseconds: never overflows.
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

} // namespace

WallClock::time_point earliest_instant() noexcept
{
  return WallClock::time_point{};
}

WallClock::time_point latest_instant() noexcept
{
  return WallClock::time_point(duration_cast<WallClock::duration>(milliseconds(k_max_ms)));
}

std::optional<WallClock::time_point> instant_from_unix_ms(std::int64_t ms) noexcept
{
  if (ms < k_min_ms || ms > k_max_ms) {
    return std::nullopt;
  }
  return WallClock::time_point(duration_cast<WallClock::duration>(milliseconds(ms)));
}

std::optional<WallClock::time_point> checked_add(WallClock::time_point t, milliseconds d) noexcept
{
  std::int64_t sum = 0;
  if (__builtin_add_overflow(unix_ms(t), d.count(), &sum)) {
    return std::nullopt;
  }
  auto out = instant_from_unix_ms(sum);
  if (!out) {
    return std::nullopt;
  }
  // Keep t's sub-millisecond part: t + d exactly, not rounded to ms.
  return *out + (t.time_since_epoch() - duration_cast<milliseconds>(t.time_since_epoch()));
}

std::optional<WallClock::time_point> checked_sub(WallClock::time_point t, milliseconds d) noexcept
{
  if (d.count() == std::numeric_limits<milliseconds::rep>::min()) {
    return std::nullopt;
  }
  return checked_add(t, -d);
}

std::optional<WallClock::time_point> session_came_up(WallClock::time_point request_sent_at,
                                                     std::int64_t uptime_seconds) noexcept
{
  std::int64_t ms = 0;
  if (uptime_seconds < 0 || __builtin_mul_overflow(uptime_seconds, std::int64_t{1000}, &ms)
      || __builtin_add_overflow(ms, duration_cast<milliseconds>(k_uptime_floor).count(), &ms)) {
    return std::nullopt;
  }
  return checked_sub(request_sent_at, milliseconds(ms));
}

std::string format_uptime(std::int64_t seconds)
{
  if (seconds >= 0 && seconds <= std::numeric_limits<std::int64_t>::max() / 1000) {
    return format_duration(std::chrono::seconds(seconds));
  }
  return std::to_string(seconds) + " s";
}

} // namespace bgpwatch::bgp
