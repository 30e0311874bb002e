#include "collector/base/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

namespace bgpwatch::collector {

void init_logging(LogMode mode, int verbosity)
{
  auto logger = spdlog::stderr_logger_st("bgpwatch");
  spdlog::set_default_logger(logger);
  // RFC 3339 UTC with milliseconds, as every JSON timestamp (docs/json.md).
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  spdlog::level::level_enum level = spdlog::level::warn;
  if (mode == LogMode::plugin) {
    level = verbosity > 0 ? spdlog::level::debug : spdlog::level::off;
  } else if (verbosity >= 2) {
    level = spdlog::level::debug;
  } else if (verbosity == 1) {
    level = spdlog::level::info;
  } else if (verbosity < 0) {
    level = spdlog::level::err;
  }
  spdlog::set_level(level);
}

std::string peer_context(std::string_view router, std::string_view peer)
{
  return "router=" + std::string(router) + " peer=" + std::string(peer);
}

} // namespace bgpwatch::collector
