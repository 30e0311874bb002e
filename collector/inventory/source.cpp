// collector/inventory/source.cpp: node name matching (see source.hpp).
#include "collector/inventory/source.hpp"

#include <algorithm>

namespace bgpwatch::collector {

namespace {

char lower(char c) noexcept
{
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept
{
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower(x) == lower(y);
         });
}

} // namespace

bool node_name_matches(std::string_view query, std::string_view node_name) noexcept
{
  if (query.empty()) {
    return false;
  }
  if (query.find('.') != std::string_view::npos) {
    return iequals(query, node_name);
  }
  return iequals(query, node_name.substr(0, node_name.find('.')));
}

} // namespace bgpwatch::collector
