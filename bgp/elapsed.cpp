// bgp/elapsed.cpp: the Junos elapsed-time grammar (junos-format.md §4), used
// for the XML elapsed-time text when the seconds attribute is absent and
// for the text "Last Up/Dwn" column.
//
//   elapsed := S | M ":" SS | H ":" MM ":" SS
//            | [W "w"] D "d" " " H ":" MM ":" SS
//            | W "w" D "d" H "h"
//
// The leading field is unpadded and unbounded (Junos never printed, e.g.,
// "75" seconds, but refusing it would only turn a readable value into an
// Unknown). Every later field is bounded by its unit: MM and SS are exactly
// two digits 00-59, an hour that follows days is 0-23, days that follow
// weeks are 0-6.
#include "bgp/junos.hpp"

#include <charconv>
#include <limits>
#include <optional>

namespace bgpwatch::bgp {

namespace {

constexpr std::int64_t k_minute = 60;
constexpr std::int64_t k_hour = 60 * k_minute;
constexpr std::int64_t k_day = 24 * k_hour;
constexpr std::int64_t k_week = 7 * k_day;

std::string_view trim(std::string_view s)
{
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

bool all_digits(std::string_view s)
{
  if (s.empty()) {
    return false;
  }
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

class ElapsedParser
{
public:
  explicit ElapsedParser(std::string_view text) : m_text(text)
  {
  }

  Expected<std::int64_t, std::string> parse()
  {
    if (m_text.empty()) {
      return Unexpected(std::string("empty elapsed time"));
    }
    const auto space = m_text.find(' ');
    if (space != std::string_view::npos) {
      // [W "w"] D "d" " " H ":" MM ":" SS
      const auto days_part = m_text.substr(0, space);
      const auto clock_part = m_text.substr(space + 1);
      if (days_part.empty() || days_part.back() != 'd' || clock_part.find(' ') != std::string_view::npos) {
        return malformed();
      }
      const auto w = days_part.find('w');
      std::int64_t total = 0;
      std::string_view days_digits = days_part.substr(0, days_part.size() - 1);
      if (w != std::string_view::npos) {
        BGPWATCH_TRY(add_leading(days_part.substr(0, w), k_week, total));
        days_digits = days_part.substr(w + 1, days_part.size() - w - 2);
        BGPWATCH_TRY(add_bounded(days_digits, 6, "days", k_day, total, false));
      } else {
        BGPWATCH_TRY(add_leading(days_digits, k_day, total));
      }
      BGPWATCH_TRY(add_clock(clock_part, /*hours_bounded=*/true, total));
      return total;
    }
    if (m_text.back() == 'h') {
      // W "w" D "d" H "h"
      const auto w = m_text.find('w');
      const auto d = m_text.find('d');
      if (w == std::string_view::npos || d == std::string_view::npos || d < w) {
        return malformed();
      }
      std::int64_t total = 0;
      BGPWATCH_TRY(add_leading(m_text.substr(0, w), k_week, total));
      BGPWATCH_TRY(add_bounded(m_text.substr(w + 1, d - w - 1), 6, "days", k_day, total, false));
      BGPWATCH_TRY(add_bounded(m_text.substr(d + 1, m_text.size() - d - 2), 23, "hours", k_hour, total, false));
      return total;
    }
    std::int64_t total = 0;
    BGPWATCH_TRY(add_clock(m_text, /*hours_bounded=*/false, total));
    return total;
  }

private:
  Unexpected<std::string> malformed() const
  {
    return Unexpected("bad elapsed time '" + std::string(m_text)
                      + "' (expected S, M:SS, H:MM:SS, [Ww]Dd H:MM:SS or WwDdHh)");
  }

  Unexpected<std::string> too_large() const
  {
    return Unexpected("elapsed time '" + std::string(m_text) + "' is too large");
  }

  Expected<std::int64_t, std::string> number(std::string_view digits) const
  {
    if (!all_digits(digits)) {
      return malformed();
    }
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) {
      return too_large();
    }
    return value;
  }

  Expected<void, std::string> add(std::int64_t value, std::int64_t unit, std::int64_t& total) const
  {
    if (value > (std::numeric_limits<std::int64_t>::max() - total) / unit) {
      return too_large();
    }
    total += value * unit;
    return {};
  }

  // The first field: any number of digits, no upper bound but overflow.
  Expected<void, std::string> add_leading(std::string_view digits, std::int64_t unit, std::int64_t& total) const
  {
    std::int64_t value = 0;
    BGPWATCH_TRY_ASSIGN(value, number(digits));
    return add(value, unit, total);
  }

  // A later field: bounded by its unit; two_digits for MM and SS.
  Expected<void, std::string> add_bounded(std::string_view digits, std::int64_t max, const char* what,
                                          std::int64_t unit, std::int64_t& total, bool two_digits) const
  {
    if (!all_digits(digits) || (two_digits && digits.size() != 2) || digits.size() > 2) {
      return malformed();
    }
    std::int64_t value = 0;
    BGPWATCH_TRY_ASSIGN(value, number(digits));
    if (value > max) {
      return Unexpected("bad elapsed time '" + std::string(m_text) + "': " + what + " '" + std::string(digits)
                        + "' is not 0-" + std::to_string(max));
    }
    return add(value, unit, total);
  }

  // S | M:SS | H:MM:SS. After days, H is 0-23 (1 or 2 digits).
  Expected<void, std::string> add_clock(std::string_view clock, bool hours_bounded, std::int64_t& total) const
  {
    const auto c1 = clock.find(':');
    if (c1 == std::string_view::npos) {
      if (hours_bounded) {
        return malformed();
      }
      return add_leading(clock, 1, total);
    }
    const auto c2 = clock.find(':', c1 + 1);
    if (c2 == std::string_view::npos) {
      if (hours_bounded) {
        return malformed();
      }
      BGPWATCH_TRY(add_leading(clock.substr(0, c1), k_minute, total));
      return add_bounded(clock.substr(c1 + 1), 59, "seconds", 1, total, true);
    }
    if (clock.find(':', c2 + 1) != std::string_view::npos) {
      return malformed();
    }
    if (hours_bounded) {
      BGPWATCH_TRY(add_bounded(clock.substr(0, c1), 23, "hours", k_hour, total, false));
    } else {
      BGPWATCH_TRY(add_leading(clock.substr(0, c1), k_hour, total));
    }
    BGPWATCH_TRY(add_bounded(clock.substr(c1 + 1, c2 - c1 - 1), 59, "minutes", k_minute, total, true));
    return add_bounded(clock.substr(c2 + 1), 59, "seconds", 1, total, true);
  }

  std::string_view m_text;
};

} // namespace

Expected<std::int64_t, std::string> parse_junos_elapsed(std::string_view text)
{
  return ElapsedParser(trim(text)).parse();
}

} // namespace bgpwatch::bgp
