// collector/http/url_query.cpp: see url_query.hpp.
#include "collector/http/url_query.hpp"

#include <charconv>

namespace bgpwatch::collector {

std::string percent_encode(std::string_view s)
{
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                            || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 0xF]);
    }
  }
  return out;
}

// "a=1&b=%41" -> {a,1},{b,A}. Percent-escapes are decoded; a malformed one
// is kept as it is (the name then matches nothing and the caller says so).
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view target)
{
  std::vector<std::pair<std::string, std::string>> out;
  const auto q = target.find('?');
  if (q == std::string_view::npos) {
    return out;
  }
  auto decode = [](std::string_view in) {
    std::string d;
    for (std::size_t i = 0; i < in.size(); ++i) {
      unsigned value = 0;
      if (in[i] == '%' && i + 2 < in.size()
          && std::from_chars(in.data() + i + 1, in.data() + i + 3, value, 16).ptr == in.data() + i + 3) {
        d += static_cast<char>(value);
        i += 2;
      } else {
        d += in[i] == '+' ? ' ' : in[i];
      }
    }
    return d;
  };
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const auto eq = pair.find('=');
    out.emplace_back(decode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
  }
  return out;
}

} // namespace bgpwatch::collector
