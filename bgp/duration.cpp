#include "bgp/duration.hpp"

#include <cstdint>
#include <limits>

namespace bgpwatch::bgp {

namespace {

struct Unit
{
  std::string_view suffix;
  std::int64_t ms;
};

// Longest suffix first so "ms" is not read as "m" + "s".
constexpr Unit k_units[] = {
  {"ms", 1}, {"w", 7 * 86'400'000LL}, {"d", 86'400'000LL}, {"h", 3'600'000LL}, {"m", 60'000LL}, {"s", 1000},
};

Unexpected<std::string> bad(std::string_view text, std::string_view why)
{
  return Unexpected(std::string("bad duration '") + std::string(text) + "': " + std::string(why)
                    + " (examples: 90s, 5m, 1h30m, 30)");
}

} // namespace

// Go's time.ParseDuration grammar, millisecond precision: each component is
// a decimal number, optionally with a fraction ("1.5m", ".5s"), and a unit;
// a lone number is seconds ("30", "0.5"). Units go from largest to smallest
// (our rule, not Go's), so "5m1h" is an error rather than a surprise.
Expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text)
{
  if (text.empty()) {
    return bad(text, "empty");
  }
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max() / 2;
  // Fraction digits beyond this many are ignored: no unit is finer than 1 ms
  // for them to matter, and it keeps (fraction * unit) within 64 bits.
  constexpr int k_max_fraction_digits = 9;
  std::int64_t total = 0;
  std::size_t i = 0;
  std::int64_t last_unit = std::numeric_limits<std::int64_t>::max();
  bool any_unit = false;
  auto is_digit = [&](std::size_t at) { return at < text.size() && text[at] >= '0' && text[at] <= '9'; };
  while (i < text.size()) {
    if (!is_digit(i) && text[i] != '.') {
      return bad(text, text[i] == '-' ? "negative" : "expected a number");
    }
    std::int64_t value = 0;
    bool digits = false;
    while (is_digit(i)) {
      if (value > (k_max - (text[i] - '0')) / 10) {
        return bad(text, "too large");
      }
      value = value * 10 + (text[i] - '0');
      digits = true;
      ++i;
    }
    std::int64_t fraction = 0;
    std::int64_t scale = 1;
    bool has_fraction = false;
    if (i < text.size() && text[i] == '.') {
      has_fraction = true;
      ++i;
      int n = 0;
      while (is_digit(i)) {
        if (n < k_max_fraction_digits) {
          fraction = fraction * 10 + (text[i] - '0');
          scale *= 10;
          ++n;
        }
        digits = true;
        ++i;
      }
      if (n == 0) {
        return bad(text, "expected digits after '.'");
      }
    }
    if (!digits) {
      return bad(text, "expected a number");
    }
    const Unit* unit = nullptr;
    if (i == text.size()) {
      if (any_unit) {
        return bad(text, "number without a unit after a unit");
      }
      static constexpr Unit k_seconds{"", 1000}; // plain seconds
      unit = &k_seconds;
    } else {
      for (const auto& u : k_units) {
        if (text.substr(i, u.suffix.size()) == u.suffix) {
          unit = &u;
          break;
        }
      }
      if (unit == nullptr) {
        return bad(text, "unknown unit (use ms, s, m, h, d or w)");
      }
      if (unit->ms >= last_unit) {
        return bad(text, "units must go from largest to smallest");
      }
      last_unit = unit->ms;
      any_unit = true;
      i += unit->suffix.size();
    }
    if (has_fraction && unit->ms == 1) {
      return bad(text, "no fractions of a millisecond");
    }
    if (value > (k_max - total) / unit->ms) {
      return bad(text, "too large");
    }
    total += value * unit->ms;
    total += fraction * unit->ms / scale; // below 1 ms: truncated
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d)
{
  std::int64_t ms = d.count();
  if (ms == 0) {
    return "0s";
  }
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  for (const auto& u : k_units) {
    if (u.ms == 1) {
      continue;
    }
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms) + std::string(u.suffix);
      ms %= u.ms;
    }
  }
  if (ms > 0) {
    out += std::to_string(ms) + "ms";
  }
  return out;
}

std::string format_elapsed(std::chrono::milliseconds d)
{
  const std::int64_t tenths = std::max<std::int64_t>(0, d.count()) / 100;
  std::int64_t seconds = tenths / 10;
  std::string out;
  if (seconds >= 3600) {
    out += std::to_string(seconds / 3600) + "h";
    seconds %= 3600;
  }
  if (seconds >= 60 || !out.empty()) {
    out += std::to_string(seconds / 60) + "m";
    seconds %= 60;
  }
  out += std::to_string(seconds);
  if (tenths % 10 != 0) {
    out += "." + std::to_string(tenths % 10);
  }
  return out + "s";
}

} // namespace bgpwatch::bgp
