// bgp/ranges.hpp: Monitoring Plugins threshold ranges, `[@]start:end`
// (Monitoring Plugins Development Guidelines, "Threshold and ranges").
// Pure: parse and match, nothing else. Numbers are read and written without
// the C locale (std::from_chars / std::to_chars), so LC_NUMERIC=de_DE never
// turns "1.5" into an error or "1,5" into a value.
//
//   10      alert if value < 0 or > 10      (start 0 and ':' omitted)
//   10:     alert if value < 10             (end is +infinity)
//   ~:10    alert if value > 10             (start is -infinity)
//   10:20   alert if value < 10 or > 20
//   @10:20  alert if 10 <= value <= 20      ('@' inverts: alert inside)
#pragma once

#include "bgp/expected.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bgpwatch::bgp {

struct Range
{
  std::optional<double> start; // empty: -infinity ("~")
  std::optional<double> end;   // empty: +infinity
  bool inside = false;         // '@': alert when the value is inside [start, end]

  // True when `value` should raise the alert this range stands for. Bounds
  // are inclusive both ways, as the guidelines specify.
  bool alerts(double value) const noexcept;

  // Canonical spelling for perfdata and messages: "10", "10:", "~:10",
  // "10:20", "@10:20", "-5:1.5". Never scientific notation.
  std::string to_string() const;

  friend bool operator==(const Range&, const Range&) = default;
};

// Parse a range. Errors quote the input and say what is wrong:
//   "empty range", "'x' in range 'x:5' is not a number",
//   "range '20:10': start 20 is greater than end 10", ...
// Exponents ("1e3"), "inf"/"nan", leading '+' and surrounding spaces are
// rejected: the guidelines forbid scientific notation.
Expected<Range, std::string> parse_range(std::string_view text);

// A number as the guidelines want it written: plain decimal, no exponent,
// no locale ("1", "0.5", "-12.25", "1000000").
std::string format_plain_number(double value);

} // namespace bgpwatch::bgp
