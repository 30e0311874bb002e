// collector/http/server.hpp: the collector's read-only HTTP server on
// Boost.Beast (SPEC "Collector"). One io_context thread; every connection
// is a small async state machine with a header-size limit, no request body,
// a cap on concurrent connections and timeouts so a slow client can hold
// neither memory nor a slot for long. Routing is the caller's: a handler
// gets the method and target and answers (possibly later, from another
// thread, through the io_context) with a Response.
#pragma once

#include "collector/http/body_producer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace bgpwatch::collector {

struct HttpRequest
{
  std::string method; // "GET", "HEAD", ...
  std::string target; // "/v1/nodes/kubernetes1003?x=1"
  std::string authorization; // the Authorization header ("" when absent)
};

struct HttpResponse
{
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // When set, the body comes from here instead, sent chunked (HTTP/1.1;
  // an HTTP/1.0 client gets it whole with a Content-Length).
  BodyProducer stream;
  std::string allow; // for 405: "GET, HEAD"
  std::string www_authenticate; // for 401: "Bearer realm=\"bgpwatch\""
};

struct HttpLimits
{
  std::size_t max_connections = 64;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 0; // read-only API: GET/HEAD carry no body
  std::chrono::milliseconds read_timeout{10'000}; // whole request, incl. keep-alive idle
  std::chrono::milliseconds write_timeout{10'000};
};

// The handler must call `respond` exactly once, on the io_context thread
// (post to it when answering from a worker).
using HttpHandler = std::function<void(const HttpRequest&, std::function<void(HttpResponse)> respond)>;

class HttpServer
{
public:
  // With `tls`, every connection is TLS (handshake under read_timeout);
  // without, plain HTTP.
  HttpServer(boost::asio::io_context& io, HttpHandler handler, HttpLimits limits = {},
             std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~HttpServer();

  // Bind and listen; errors say what failed ("bind 127.0.0.1:9179: Address already in use").
  bool listen(const boost::asio::ip::tcp::endpoint& endpoint, std::string& error);
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  // Stop accepting; open connections finish their current exchange.
  void stop_accepting();

  std::size_t open_connections() const noexcept;

  struct Impl;

private:
  std::shared_ptr<Impl> m_impl;
};

// A TLS server context (TLS 1.2 or later) from a PEM certificate chain and
// private key; errors say which file and why.
bool make_tls_server_context(const std::string& cert_pem, const std::string& key_pem,
                             std::shared_ptr<boost::asio::ssl::context>& out, std::string& error);

// Compares a request's Authorization header with "Bearer TOKEN" in time
// that does not depend on where they differ.
bool bearer_matches(std::string_view authorization, std::string_view token) noexcept;

// "127.0.0.1:9179", "[::1]:9179" -> endpoint; errors name the input.
bool parse_listen_address(const std::string& text, boost::asio::ip::tcp::endpoint& out, std::string& error);

} // namespace bgpwatch::collector
