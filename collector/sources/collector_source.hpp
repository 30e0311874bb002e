// collector/sources/collector_source.hpp: --collector URL. The routers' state read
// from a running `bgpwatch collect` (GET URL/v1/sessions) instead of asking
// the routers: many checks, one set of NETCONF sessions. Fails closed: a
// router the collector has not polled, whose last poll failed, whose data is
// older than max_age (3 collector intervals) or stamped later than our clock
// (+2 s: clock_skew), or whose part of the reply is malformed, is unreadable,
// so its sessions are Unknown. Nothing in a reply can throw past poll().
//
// Trust (SPEC "Collector trust"): https:// verifies the collector's
// certificate against collector_client.ca (else the system store); plain
// http:// is refused for anything but a loopback address. A bearer token
// (collector_client.token_file) is sent on both.
//
// Long-poll (issue 17): after a first plain read, each poll asks
// /v1/sessions?...&after=<newest polled_at seen>&wait=MS, which the
// collector answers as soon as one of the routers has a newer poll, so a
// state change reaches the client within a poll's round trip instead of up
// to one more interval. A collector that refuses the parameter (HTTP 400,
// an older one) or answers without waiting is read plainly from then on.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"
#include "collector/sources/state_source.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace bgpwatch::collector {

// What the client presents and trusts, read from collector_client.* (see
// load_collector_client).
struct CollectorClientOptions
{
  std::optional<std::string> ca_pem; // trust anchors for https://; empty = the system store
  std::optional<std::string> token;  // bearer token; never from argv
};

// Reads collector_client.ca and collector_client.token_file (a secret file:
// refused when group/others may read it). Errors name the file and the fix.
Expected<CollectorClientOptions, std::string> load_collector_client(const CollectorClientConfig& config);

std::unique_ptr<StateSource> make_collector_source(const std::string& url, std::chrono::seconds max_age,
                                                   CollectorClientOptions client = {});

// The inverse of session_to_json (for /v1/sessions); errors name the field.
// Never throws, whatever the JSON.
Expected<bgp::Session, std::string> session_from_json(const nlohmann::json& j);

// "https://collector.eqiad.wmnet:9179", "http://127.0.0.1:9179",
// "http://[::1]:9179/prefix" -> parts. http:// only with a loopback host
// (127.0.0.0/8, ::1, localhost): anyone on the path could otherwise answer
// READY. Errors say why.
struct CollectorUrl
{
  bool tls = false;
  std::string host;
  std::string port = "80";
  std::string path; // without a trailing '/'
};
Expected<CollectorUrl, std::string> parse_collector_url(const std::string& url);

// A /v1/sessions reply body -> one observation per router (in `routers`
// order), judged against our clock `now`. Pure; never throws: a malformed
// routers entry or session makes that router unreadable with the parse
// error, a malformed document makes every router unreadable.
// `newest`, when given, gets the latest polled_at among the entries of
// `routers` (unchanged when none has one): what the next long-poll's
// after= is.
std::vector<bgp::RouterObservation> observations_from_collector(std::string_view body,
                                                                const std::vector<RouterConfig>& routers,
                                                                bgp::WallClock::time_point now,
                                                                std::chrono::seconds max_age,
                                                                const std::string& url_text,
                                                                std::optional<bgp::WallClock::time_point>* newest = nullptr);

struct CollectorResponse
{
  unsigned status = 0;
  std::string body;
};

// GET url.path + target over http:// or https://, bounded by deadline
// (DNS included). Connection, TLS and timeout failures are errors saying
// which; any HTTP status is a response.
Expected<CollectorResponse, std::string> collector_get(const CollectorUrl& url, const std::string& target,
                                                       const CollectorClientOptions& client,
                                                       SteadyClock::time_point deadline);

} // namespace bgpwatch::collector
