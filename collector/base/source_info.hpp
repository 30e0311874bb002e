// collector/base/source_info.hpp: where a result's data came from, for the
// JSON "source" enum and its detail fields (docs/json.md, issue 16 item 5).
// Each StateSource/NodeStateSource says it in these terms; render turns it
// into {"source","detail",<params>}.
#pragma once

#include "bgp/session.hpp"

#include <string>
#include <vector>

namespace bgpwatch::collector {

// One detail field: a string ("username") or a list of strings ("sockets").
struct SourceParam
{
  std::string key;
  std::vector<std::string> values;
  bool list = false;
};

struct SourceInfo
{
  bgp::Source kind = bgp::Source::netconf;
  std::string detail; // the prose for humans: describe()
  std::vector<SourceParam> params;
};

} // namespace bgpwatch::collector
