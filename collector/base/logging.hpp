// collector/base/logging.hpp: spdlog set-up. Logs go to stderr (journald-friendly,
// and stdout stays clean for plugin output and JSON). Libraries never log.
#pragma once

#include <string_view>

namespace bgpwatch::collector {

enum class LogMode {
  normal, // warnings and above by default; -v info, -vv debug; -q errors only
  plugin, // nrpe / check_bgpwatch: off unless -v (then stderr)
};

void init_logging(LogMode mode, int verbosity);

// "router=cr1-eqiad peer=10.64.32.23": the prefix every peer-related line carries.
std::string peer_context(std::string_view router, std::string_view peer);

} // namespace bgpwatch::collector
