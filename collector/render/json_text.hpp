// collector/render/json_text.hpp: the one way bgpwatch turns JSON into text.
// Router-supplied strings (a peer description typed in Latin-1, a BIRD
// error) need not be UTF-8; nlohmann's default dump() throws on them, which
// would abort a CLI run with nothing written or kill the collector's
// response. Invalid bytes become U+FFFD instead: the rest stays readable.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace bgpwatch::collector {

inline constexpr auto k_json_invalid_utf8 = nlohmann::json::error_handler_t::replace;

// j.dump(indent) with invalid UTF-8 replaced (indent < 0: compact).
inline std::string json_text(const nlohmann::json& j, int indent = -1)
{
  return j.dump(indent, ' ', false, k_json_invalid_utf8);
}

} // namespace bgpwatch::collector
