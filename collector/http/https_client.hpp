// collector/http/https_client.hpp: one HTTPS request (GET, or any method) with verified TLS and a hard
// deadline (Boost.Beast over Boost.Asio SSL / OpenSSL). Used by the
// Kubernetes inventory source. It fails closed: there is no switch to skip
// certificate verification.
#pragma once

#include "bgp/expected.hpp"
#include "collector/base/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bgpwatch::collector {

struct HttpsTarget
{
  std::string host;  // DNS name or address literal (no brackets) to connect to
  std::uint16_t port = 443;
  // The name (or address literal) the server certificate must carry in its
  // subjectAltName; empty = host. Kubernetes' tls-server-name.
  std::string verify_name;
  // PEM trust anchors; empty = the system's default CA store.
  std::optional<std::string> ca_pem;
  // Client certificate chain and key (PEM), for mutual TLS.
  std::optional<std::string> client_cert_pem;
  std::optional<std::string> client_key_pem;
};

struct HttpsResponse
{
  unsigned status = 0;
  std::string reason;
  std::string body;
};

// GET `path_and_query` (already percent-encoded) with `headers`. Every step
// (resolve, connect, TLS handshake, write, read) shares `deadline`. Errors
// say which step failed and why, e.g. "TLS handshake with 127.0.0.1:6443
// failed: certificate verify failed: unable to get local issuer
// certificate". Bodies over `max_body_bytes` are an error.
Expected<HttpsResponse, std::string> https_get(const HttpsTarget& target, const std::string& path_and_query,
                                               const std::vector<std::pair<std::string, std::string>>& headers,
                                               SteadyClock::time_point deadline,
                                               std::uint64_t max_body_bytes = 64ull << 20);

// Any METHOD ("GET", "POST", "PUT", "PATCH", "DELETE") with `body` (sent with a
// Content-Length; set Content-Type in `headers`). Same deadline and errors as
// https_get. Used by roll for Leases, cordon and evictions.
Expected<HttpsResponse, std::string> https_request(const HttpsTarget& target, const std::string& method,
                                                   const std::string& path_and_query,
                                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                                   const std::string& body, SteadyClock::time_point deadline,
                                                   std::uint64_t max_body_bytes = 64ull << 20);

} // namespace bgpwatch::collector
