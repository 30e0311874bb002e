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

Expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text)
{
  if (text.empty()) {
    return bad(text, "empty");
  }
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max() / 2;
  std::int64_t total = 0;
  std::size_t i = 0;
  std::int64_t last_unit = std::numeric_limits<std::int64_t>::max();
  bool any_unit = false;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') {
      return bad(text, text[i] == '-' ? "negative" : "expected a number");
    }
    std::int64_t value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (value > (k_max - (text[i] - '0')) / 10) {
        return bad(text, "too large");
      }
      value = value * 10 + (text[i] - '0');
      ++i;
    }
    if (i == text.size()) {
      if (any_unit) {
        return bad(text, "number without a unit after a unit");
      }
      // Plain seconds.
      if (value > k_max / 1000) {
        return bad(text, "too large");
      }
      return std::chrono::milliseconds(value * 1000);
    }
    const Unit* unit = nullptr;
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
    if (value > (k_max - total) / unit->ms) {
      return bad(text, "too large");
    }
    total += value * unit->ms;
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

} // namespace bgpwatch::bgp
