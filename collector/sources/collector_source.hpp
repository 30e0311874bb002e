// collector/sources/collector_source.hpp: --collector URL. The routers' state read
// from a running `bgpwatch collect` (GET URL/v1/sessions) instead of asking
// the routers: many checks, one set of NETCONF sessions. Fails closed: a
// router the collector has not polled, whose last poll failed, or whose
// data is older than max_age (3 collector intervals) is unreadable, so its
// sessions are Unknown.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"
#include "collector/sources/state_source.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace bgpwatch::collector {

std::unique_ptr<StateSource> make_collector_source(const std::string& url, std::chrono::seconds max_age);

// The inverse of session_to_json (for /v1/sessions); errors name the field.
Expected<bgp::Session, std::string> session_from_json(const nlohmann::json& j);

// "http://127.0.0.1:9179" / "http://[::1]:9179/prefix" -> parts; https and
// anything else are errors.
struct HttpUrl
{
  std::string host;
  std::string port = "80";
  std::string path; // without a trailing '/'
};
Expected<HttpUrl, std::string> parse_http_url(const std::string& url);

// GET url.path + target, bounded by deadline. 200 -> body; other statuses,
// connection errors and timeouts -> an error saying which.
Expected<std::string, std::string> http_get(const HttpUrl& url, const std::string& target,
                                            SteadyClock::time_point deadline);

} // namespace bgpwatch::collector
