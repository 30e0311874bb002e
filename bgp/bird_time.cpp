// bgp/bird_time.cpp: BIRD time stamps and uptimes (see bird_time.hpp).
#include "bgp/bird_time.hpp"

#include <array>
#include <charconv>

namespace bgpwatch::bgp {

namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

// BIRD prints time only while the event is younger than this, else a date
// (TM_ISO_SHORT_*/"%T","%F" limit 20*3600 in BIRD 1.6 and 2).
constexpr hours k_time_only_limit{20};
// 1.6 `old short` prints only the year from 360 days on.
constexpr hours k_year_only_limit{360 * 24};

constexpr std::array<std::string_view, 12> k_month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Exactly `width` decimal digits.
std::optional<unsigned> fixed_number(std::string_view text, std::size_t width)
{
  if (text.size() != width) {
    return std::nullopt;
  }
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

bool parse_date(std::string_view text, BirdTime& out)
{
  // YYYY-MM-DD
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return false;
  }
  const auto y = fixed_number(text.substr(0, 4), 4);
  const auto m = fixed_number(text.substr(5, 2), 2);
  const auto d = fixed_number(text.substr(8, 2), 2);
  if (!y || !m || !d) {
    return false;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(*y)}, std::chrono::month{*m},
                                        std::chrono::day{*d}};
  if (!ymd.ok()) {
    return false;
  }
  out.year = static_cast<int>(*y);
  out.month = *m;
  out.day = *d;
  return true;
}

bool parse_time_of_day(std::string_view text, BirdTime& out)
{
  // HH:MM, HH:MM:SS or HH:MM:SS.fff (1 to 6 fraction digits are accepted;
  // BIRD prints 3 with "ms" formats).
  if (text.size() < 5 || text[2] != ':') {
    return false;
  }
  const auto h = fixed_number(text.substr(0, 2), 2);
  const auto m = fixed_number(text.substr(3, 2), 2);
  if (!h || !m || *h > 23 || *m > 59) {
    return false;
  }
  unsigned s = 0;
  unsigned ms = 0;
  if (text.size() > 5) {
    if (text.size() < 8 || text[5] != ':') {
      return false;
    }
    const auto sec = fixed_number(text.substr(6, 2), 2);
    if (!sec || *sec > 60) { // 60: a leap second, as strftime allows
      return false;
    }
    s = *sec;
    if (text.size() > 8) {
      const std::string_view frac = text.substr(9);
      if (text[8] != '.' || frac.empty() || frac.size() > 6) {
        return false;
      }
      const auto f = fixed_number(frac, frac.size());
      if (!f) {
        return false;
      }
      unsigned scaled = *f;
      for (std::size_t i = frac.size(); i < 3; ++i) {
        scaled *= 10;
      }
      for (std::size_t i = 3; i < frac.size(); ++i) {
        scaled /= 10;
      }
      ms = scaled;
    }
  }
  out.time_of_day = hours{*h} + std::chrono::minutes{*m} + std::chrono::seconds{s} + milliseconds{ms};
  return true;
}

bool parse_month_day(std::string_view text, BirdTime& out)
{
  // "Nov29" (1.6 old short)
  if (text.size() != 5) {
    return false;
  }
  for (std::size_t i = 0; i < k_month_names.size(); ++i) {
    if (text.substr(0, 3) == k_month_names[i]) {
      const auto d = fixed_number(text.substr(3, 2), 2);
      if (!d || *d < 1 || *d > 31) {
        return false;
      }
      out.month = static_cast<unsigned>(i + 1);
      out.day = *d;
      return true;
    }
  }
  return false;
}

std::chrono::sys_days to_days(int y, unsigned m, unsigned d)
{
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

std::int64_t floor_seconds(milliseconds d)
{
  if (d.count() < 0) {
    return 0;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

} // namespace

Expected<BirdTime, std::string> parse_bird_time(std::string_view text)
{
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  BirdTime out;
  const auto space = text.find(' ');
  bool ok = false;
  if (space != std::string_view::npos) {
    ok = parse_date(text.substr(0, space), out) && parse_time_of_day(text.substr(space + 1), out);
  } else if (text.size() == 4) {
    if (const auto y = fixed_number(text, 4)) {
      out.year = static_cast<int>(*y);
      ok = true;
    }
  } else {
    ok = parse_date(text, out) || parse_time_of_day(text, out) || parse_month_day(text, out);
  }
  if (!ok) {
    return Unexpected("unrecognised BIRD time '" + std::string(text) + "'");
  }
  return out;
}

std::optional<std::int64_t> bird_uptime_seconds(const BirdTime& since, const BirdTime& now)
{
  if (!now.has_date() || !now.time_of_day) {
    return std::nullopt;
  }
  const std::chrono::sys_days today = to_days(*now.year, *now.month, *now.day);
  const auto now_tp = std::chrono::time_point_cast<milliseconds>(today) + *now.time_of_day;

  if (since.has_date() && since.time_of_day) {
    const auto since_tp =
      std::chrono::time_point_cast<milliseconds>(to_days(*since.year, *since.month, *since.day)) + *since.time_of_day;
    return floor_seconds(now_tp - since_tp);
  }
  if (since.time_of_day && !since.month && !since.year) {
    auto since_tp = std::chrono::time_point_cast<milliseconds>(today) + *since.time_of_day;
    if (since_tp > now_tp) {
      since_tp -= hours{24}; // printed yesterday's time: less than 20 h ago
    }
    return floor_seconds(now_tp - since_tp);
  }
  // Date-only forms: the session is at least as old as BIRD's limit and at
  // least as old as the end of the printed period.
  std::chrono::sys_days end_of_period;
  milliseconds limit{k_time_only_limit};
  if (since.has_date()) {
    end_of_period = to_days(*since.year, *since.month, *since.day) + std::chrono::days{1};
  } else if (since.month && since.day && !since.year) {
    int year = *now.year;
    if (std::chrono::month{*since.month} / std::chrono::day{*since.day} > std::chrono::month{*now.month} / std::chrono::day{*now.day}) {
      --year; // "Dec31" read on Jan 1st is last year
    }
    const auto md = std::chrono::year{year} / std::chrono::month{*since.month} / std::chrono::day{*since.day};
    if (!md.ok()) {
      return std::nullopt; // Feb29 in a year that has none: no honest answer
    }
    end_of_period = std::chrono::sys_days{md} + std::chrono::days{1};
  } else if (since.year && !since.month) {
    end_of_period = to_days(*since.year + 1, 1, 1);
    limit = k_year_only_limit;
  } else {
    return std::nullopt;
  }
  const milliseconds since_end = now_tp - std::chrono::time_point_cast<milliseconds>(end_of_period);
  return floor_seconds(std::max(limit, since_end));
}

} // namespace bgpwatch::bgp
