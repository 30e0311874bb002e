// bgp/timeparse.cpp: RFC 3339 / @UNIX / -D parsing for --since and --now.
// Calendar arithmetic is Howard Hinnant's days_from_civil (proleptic
// Gregorian), so no time zone database or libc clock is involved.
#include "bgp/timeparse.hpp"

#include "bgp/duration.hpp"
#include "bgp/instant.hpp"

#include <cstdint>
#include <cstdio>
#include <limits>

namespace bgpwatch::bgp {

namespace {

Unexpected<std::string> bad(std::string_view text, std::string_view why)
{
  return Unexpected(std::string("bad time '") + std::string(text) + "': " + std::string(why)
                    + " (examples: 2026-11-29T02:46:11Z, @1795920371, -30s)");
}

constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept
{
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil
{
  std::int64_t year;
  unsigned month;
  unsigned day;
};

constexpr Civil civil_from_days(std::int64_t z) noexcept
{
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

bool is_leap(std::int64_t y) noexcept
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) noexcept
{
  constexpr unsigned k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : k_days[m - 1];
}

// Reads exactly `width` digits at text[pos].
bool digits(std::string_view text, std::size_t& pos, std::size_t width, unsigned& out)
{
  if (pos + width > text.size()) {
    return false;
  }
  unsigned v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  pos += width;
  out = v;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c)
{
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// The instant `ms` after the epoch, or an error when the clock cannot hold it
// (an unchecked conversion wraps 2263 into 1677: issue 13).
Expected<WallClock::time_point, std::string> in_range(std::string_view text, std::int64_t ms)
{
  if (auto t = instant_from_unix_ms(ms)) {
    return *t;
  }
  return Unexpected(std::string("bad time '") + std::string(text) + "': outside the clock's range ("
                    + format_rfc3339(earliest_instant()) + " to "
                    + format_rfc3339(latest_instant()) + ")");
}

Expected<WallClock::time_point, std::string> parse_unix(std::string_view text)
{
  const std::string_view body = text.substr(1);
  if (body.empty()) {
    return bad(text, "no seconds after '@'");
  }
  std::int64_t seconds = 0;
  std::size_t i = 0;
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max() / 1000 / 10;
  for (; i < body.size() && body[i] != '.'; ++i) {
    if (body[i] < '0' || body[i] > '9') {
      return bad(text, "expected seconds since 1970 after '@'");
    }
    if (seconds > k_max) {
      return bad(text, "too large");
    }
    seconds = seconds * 10 + (body[i] - '0');
  }
  if (i == 0) {
    return bad(text, "expected seconds since 1970 after '@'");
  }
  std::int64_t ms = 0;
  if (i < body.size()) {
    ++i; // '.'
    if (i == body.size()) {
      return bad(text, "no digits after '.'");
    }
    std::int64_t scale = 100;
    for (; i < body.size(); ++i) {
      if (body[i] < '0' || body[i] > '9') {
        return bad(text, "expected digits after '.'");
      }
      ms += (body[i] - '0') * scale;
      scale /= 10;
    }
  }
  return in_range(text, seconds * 1000 + ms);
}

Expected<WallClock::time_point, std::string> parse_rfc3339(std::string_view text)
{
  std::size_t p = 0;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, p, 4, year) || !expect(text, p, '-') || !digits(text, p, 2, month)
      || !expect(text, p, '-') || !digits(text, p, 2, day)) {
    return bad(text, "expected YYYY-MM-DD");
  }
  if (p >= text.size() || (text[p] != 'T' && text[p] != 't' && text[p] != ' ')) {
    return bad(text, "expected 'T' and a time after the date");
  }
  ++p;
  if (!digits(text, p, 2, hour) || !expect(text, p, ':') || !digits(text, p, 2, minute)
      || !expect(text, p, ':') || !digits(text, p, 2, second)) {
    return bad(text, "expected HH:MM:SS after the date");
  }
  if (month < 1 || month > 12) {
    return bad(text, "month out of range");
  }
  if (day < 1 || day > days_in_month(year, month)) {
    return bad(text, "day out of range");
  }
  // RFC 3339 5.6 allows second 60 (a leap second); it is the same instant
  // as second 59 + 1 for our purposes.
  if (hour > 23 || minute > 59 || second > 60) {
    return bad(text, "time of day out of range");
  }
  std::int64_t ms = 0;
  if (p < text.size() && text[p] == '.') {
    ++p;
    const std::size_t start = p;
    std::int64_t scale = 100;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
      ms += (text[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == start) {
      return bad(text, "no digits after '.'");
    }
  }
  std::int64_t offset_minutes = 0;
  if (p < text.size() && (text[p] == 'Z' || text[p] == 'z')) {
    ++p;
  } else if (p < text.size() && (text[p] == '+' || text[p] == '-')) {
    const int sign = text[p] == '-' ? -1 : 1;
    ++p;
    unsigned oh = 0, om = 0;
    if (!digits(text, p, 2, oh) || !expect(text, p, ':') || !digits(text, p, 2, om) || oh > 23
        || om > 59) {
      return bad(text, "bad UTC offset (expected Z or +HH:MM)");
    }
    offset_minutes = sign * static_cast<std::int64_t>(oh * 60 + om);
  } else {
    return bad(text, "a time zone is required (Z or +HH:MM)");
  }
  if (p != text.size()) {
    return bad(text, "unexpected text after the time");
  }
  // Four-digit years keep this far from int64 overflow (|secs| < 2^38).
  const std::int64_t days = days_from_civil(year, month, day);
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return in_range(text, secs * 1000 + ms);
}

} // namespace

Expected<WallClock::time_point, std::string> parse_instant(std::string_view text)
{
  if (text.empty()) {
    return bad(text, "empty");
  }
  if (text.front() == '@') {
    return parse_unix(text);
  }
  return parse_rfc3339(text);
}

Expected<WallClock::time_point, std::string> parse_since(std::string_view text,
                                                         WallClock::time_point reference)
{
  if (!text.empty() && text.front() == '-') {
    auto d = parse_duration(text.substr(1));
    if (!d) {
      return Unexpected(std::string("bad time '") + std::string(text) + "': " + d.error());
    }
    if (auto t = checked_sub(reference, *d)) {
      return *t;
    }
    return Unexpected(std::string("bad time '") + std::string(text) + "': " + format_duration(*d) + " before "
                      + format_rfc3339(reference) + " is outside the clock's range (before "
                      + format_rfc3339(earliest_instant()) + ")");
  }
  return parse_instant(text);
}

std::string format_rfc3339(WallClock::time_point t)
{
  const auto total_ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::int64_t secs = total_ms / 1000;
  std::int64_t ms = total_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  const Civil c = civil_from_days(days);
  char buf[64];
  const int n = std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                              static_cast<long long>(c.year), c.month, c.day,
                              static_cast<long long>(rem / 3600),
                              static_cast<long long>(rem % 3600 / 60),
                              static_cast<long long>(rem % 60));
  std::string out(buf, static_cast<std::size_t>(n));
  std::snprintf(buf, sizeof(buf), ".%03lldZ", static_cast<long long>(ms));
  return out + buf;
}

} // namespace bgpwatch::bgp
