// bgp/ranges.cpp: see ranges.hpp. The guidelines' table is the spec; the
// tests in tests/bgp/test_ranges.cpp walk it row by row.
#include "bgp/ranges.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace bgpwatch::bgp {

namespace {

// std::from_chars with chars_format::fixed: no exponent, no locale, no '+',
// no "inf"/"nan", and the whole token must be consumed.
std::optional<double> parse_number(std::string_view token)
{
  if (token.empty()) {
    return std::nullopt;
  }
  double value = 0;
  const auto* first = token.data();
  const auto* last = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string quoted(std::string_view s)
{
  // Built with append: GCC 12 at -O3 reports a false -Wrestrict for
  // "'" + std::string(s) + "'".
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '\'').append(s).append(1, '\'');
  return out;
}

} // namespace

bool Range::alerts(double value) const noexcept
{
  const bool below = start.has_value() && value < *start;
  const bool above = end.has_value() && value > *end;
  const bool outside = below || above;
  return inside ? !outside : outside;
}

std::string format_plain_number(double value)
{
  if (value == 0) {
    return "0"; // also folds -0
  }
  std::array<char, 400> buf{};
  const auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed);
  if (ec != std::errc()) {
    return "0"; // unreachable for finite doubles: 400 chars hold any of them
  }
  return std::string(buf.data(), ptr);
}

std::string Range::to_string() const
{
  std::string out = inside ? "@" : "";
  const bool default_start = start.has_value() && *start == 0;
  if (default_start && end.has_value() && !inside) {
    return format_plain_number(*end); // the short form "10"
  }
  out += start.has_value() ? format_plain_number(*start) : "~";
  out += ':';
  if (end.has_value()) {
    out += format_plain_number(*end);
  }
  return out;
}

Expected<Range, std::string> parse_range(std::string_view text)
{
  if (text.empty()) {
    return Unexpected(std::string("empty range"));
  }
  Range range;
  std::string_view rest = text;
  if (rest.front() == '@') {
    range.inside = true;
    rest.remove_prefix(1);
    if (rest.empty()) {
      return Unexpected("range " + quoted(text) + ": nothing after '@'");
    }
  }
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos) {
    // "10": start 0, end 10.
    const auto end = parse_number(rest);
    if (!end) {
      return Unexpected(quoted(rest) + " in range " + quoted(text) + " is not a number");
    }
    range.start = 0.0;
    range.end = *end;
  } else {
    const std::string_view start_text = rest.substr(0, colon);
    const std::string_view end_text = rest.substr(colon + 1);
    if (end_text.find(':') != std::string_view::npos) {
      return Unexpected("range " + quoted(text) + " has more than one ':'");
    }
    if (start_text == "~") {
      range.start = std::nullopt;
    } else if (start_text.empty()) {
      // ":10" — the guidelines allow omitting start only together with ':'
      // when start is 0; accept it as 0 like the C library does.
      range.start = 0.0;
    } else {
      const auto start = parse_number(start_text);
      if (!start) {
        return Unexpected(quoted(start_text) + " in range " + quoted(text) + " is not a number");
      }
      range.start = *start;
    }
    if (end_text.empty()) {
      range.end = std::nullopt; // "10:" -> +infinity
    } else {
      const auto end = parse_number(end_text);
      if (!end) {
        return Unexpected(quoted(end_text) + " in range " + quoted(text) + " is not a number");
      }
      range.end = *end;
    }
  }
  // Guidelines: "start <= end".
  if (range.start && range.end && *range.start > *range.end) {
    return Unexpected("range " + quoted(text) + ": start " + format_plain_number(*range.start)
                      + " is greater than end " + format_plain_number(*range.end));
  }
  return range;
}

} // namespace bgpwatch::bgp
