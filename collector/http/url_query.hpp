// collector/http/url_query.hpp: the two halves of a URL query, used by our HTTP
// clients (Kubernetes API, --collector) and the collector's server. Pure.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bgpwatch::collector {

// RFC 3986 2.3 percent-encoding for a query value or a path segment:
// unreserved characters as they are, every other byte %XX.
std::string percent_encode(std::string_view s);

// The query of a request target: "/p?a=1&b=%41&c" -> {a,1},{b,A},{c,""}.
// Percent-escapes and '+' are decoded; a malformed escape is kept as it is
// (a name then matches nothing, and the caller says so).
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view target);

} // namespace bgpwatch::collector
