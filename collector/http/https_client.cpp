// collector/http/https_client.cpp: HTTPS GET over Boost.Beast + OpenSSL with a
// deadline. Asynchronous operations are run on a private io_context with
// run_until(deadline); an operation still pending at the deadline is
// cancelled by closing the socket, so no step can block past it.
#include "collector/http/https_client.hpp"

#include "bgp/session.hpp"
#include "netconf/resolve.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstring>

namespace bgpwatch::collector {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

std::string endpoint_text(const HttpsTarget& t)
{
  const bool v6 = t.host.find(':') != std::string::npos;
  return (v6 ? "[" + t.host + "]" : t.host) + ":" + std::to_string(t.port);
}

class Exchange
{
public:
  Exchange(const HttpsTarget& target, SteadyClock::time_point deadline)
    : m_target(target), m_deadline(deadline), m_ctx(ssl::context::tls_client), m_where(endpoint_text(target))
  {
  }

  Expected<HttpsResponse, std::string> request(http::verb method, const std::string& path,
                                               const std::vector<std::pair<std::string, std::string>>& headers,
                                               const std::string& body, std::uint64_t max_body)
  {
    BGPWATCH_TRY(setup_tls());

    // Resolve, under the same deadline: getaddrinfo cannot be cancelled,
    // and asio's resolver thread is joined when the io_context goes away,
    // so a slow DNS server would hold us past the deadline.
    auto resolved = netconf::resolve_with_deadline(m_target.host, std::to_string(m_target.port), m_deadline);
    if (!resolved) {
      return Unexpected("resolving " + m_where + " failed: " + resolved.error());
    }
    std::vector<tcp::endpoint> endpoints;
    for (const auto& r : *resolved) {
      tcp::endpoint ep;
      std::memcpy(ep.data(), &r.address, r.length);
      ep.resize(r.length);
      endpoints.push_back(ep);
    }

    // Connect.
    BGPWATCH_TRY(run("connecting to", [&](auto done) {
      asio::async_connect(stream().lowest_layer(), endpoints, [done](error_code ec, const tcp::endpoint&) { done(ec); });
    }));

    // TLS handshake; verification happens inside (verify_peer + host/IP check).
    BGPWATCH_TRY(run("TLS handshake with", [&](auto done) {
      stream().async_handshake(ssl::stream_base::client, [done](error_code ec) { done(ec); });
    }));

    http::request<http::string_body> req{method, path, 11};
    req.set(http::field::host, endpoint_text(m_target));
    req.set(http::field::user_agent, "bgpwatch/" BGPWATCH_VERSION);
    req.set(http::field::connection, "close");
    for (const auto& [name, value] : headers) {
      req.set(name, value);
    }
    if (method != http::verb::get || !body.empty()) {
      req.body() = body;
      req.prepare_payload(); // Content-Length
    }
    BGPWATCH_TRY(run("sending the request to", [&](auto done) {
      http::async_write(stream(), req, [done](error_code ec, std::size_t) { done(ec); });
    }));

    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    parser.header_limit(64 * 1024);
    BGPWATCH_TRY(run("reading the response from", [&](auto done) {
      http::async_read(stream(), buffer, parser, [done](error_code ec, std::size_t) { done(ec); });
    }));
    close();
    auto res = parser.release();
    return HttpsResponse{res.result_int(), std::string(res.reason()), std::move(res.body())};
  }

private:
  Expected<void, std::string> setup_tls()
  {
    try {
      // RFC 8996: nothing older than TLS 1.2.
      SSL_CTX_set_min_proto_version(m_ctx.native_handle(), TLS1_2_VERSION);
      m_ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      if (m_target.ca_pem) {
        m_ctx.add_certificate_authority(asio::buffer(*m_target.ca_pem));
      } else {
        m_ctx.set_default_verify_paths();
      }
    } catch (const boost::system::system_error& e) {
      return Unexpected("bad certificate-authority for " + m_where + ": " + describe(e.code()));
    }
    try {
      if (m_target.client_cert_pem) {
        m_ctx.use_certificate_chain(asio::buffer(*m_target.client_cert_pem));
      }
    } catch (const boost::system::system_error& e) {
      return Unexpected("bad client certificate for " + m_where + ": " + describe(e.code()));
    }
    try {
      if (m_target.client_key_pem) {
        m_ctx.use_private_key(asio::buffer(*m_target.client_key_pem), ssl::context::pem);
      }
    } catch (const boost::system::system_error& e) {
      return Unexpected("bad client key for " + m_where + ": " + describe(e.code()));
    }

    // The stream is made only now: SSL_new() copies the verify mode and the
    // client certificate from the context, so a stream created earlier
    // would neither verify the server nor present our certificate.
    m_stream_storage.emplace(m_ioc, m_ctx);
    stream().set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    SSL* ssl = stream().native_handle();
    const std::string& name = m_target.verify_name.empty() ? m_target.host : m_target.verify_name;
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (bgp::Address::parse(name)) {
      // RFC 6125 / RFC 5280: an address must be in an iPAddress SAN, never the CN.
      if (X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) != 1) {
        return Unexpected("cannot verify against address " + name);
      }
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      if (SSL_set1_host(ssl, name.c_str()) != 1 || SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
        return Unexpected("cannot verify against host name " + name);
      }
    }
    return {};
  }

  std::string describe(const error_code& ec)
  {
    std::string text = ec.message();
    if (ec.category() == asio::error::get_ssl_category()) {
      // The library's reason string ("certificate verify failed") says
      // little; the X.509 verify result says what to fix.
      const long verify = m_stream_storage ? SSL_get_verify_result(m_stream_storage->native_handle()) : X509_V_OK;
      if (verify != X509_V_OK) {
        text += ": ";
        text += X509_verify_cert_error_string(verify);
      }
    }
    return text;
  }

  template <class Start>
  Expected<void, std::string> run(std::string_view what, Start start)
  {
    return run(what, start, [] {});
  }

  // Starts one asynchronous operation and runs the io_context until it
  // completes or the deadline passes.
  template <class Start, class Cancel>
  Expected<void, std::string> run(std::string_view what, Start start, Cancel cancel)
  {
    bool done = false;
    error_code result;
    start([&done, &result](error_code ec) {
      done = true;
      result = ec;
    });
    m_ioc.restart();
    m_ioc.run_until(m_deadline);
    if (!done) {
      cancel();
      close();
      m_ioc.restart();
      m_ioc.run(); // let the cancelled handler run; no I/O is left
      return Unexpected(std::string(what) + " " + m_where + ": deadline reached (timed out)");
    }
    if (result) {
      return Unexpected(std::string(what) + " " + m_where + " failed: " + describe(result));
    }
    return {};
  }

  ssl::stream<tcp::socket>& stream()
  {
    return *m_stream_storage;
  }

  void close()
  {
    if (m_stream_storage) {
      error_code ignored;
      m_stream_storage->lowest_layer().close(ignored);
    }
  }

  const HttpsTarget& m_target;
  SteadyClock::time_point m_deadline;
  asio::io_context m_ioc;
  ssl::context m_ctx;
  std::string m_where;
  std::optional<ssl::stream<tcp::socket>> m_stream_storage; // set by setup_tls()
};

} // namespace

Expected<HttpsResponse, std::string> https_get(const HttpsTarget& target, const std::string& path_and_query,
                                               const std::vector<std::pair<std::string, std::string>>& headers,
                                               SteadyClock::time_point deadline, std::uint64_t max_body_bytes)
{
  return https_request(target, "GET", path_and_query, headers, std::string(), deadline, max_body_bytes);
}

Expected<HttpsResponse, std::string> https_request(const HttpsTarget& target, const std::string& method,
                                                   const std::string& path_and_query,
                                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                                   const std::string& body, SteadyClock::time_point deadline,
                                                   std::uint64_t max_body_bytes)
{
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    return Unexpected("HTTPS request to " + endpoint_text(target) + ": unknown method '" + method + "'");
  }
  if (SteadyClock::now() >= deadline) {
    return Unexpected("connecting to " + endpoint_text(target) + ": deadline reached (timed out)");
  }
  try {
    Exchange exchange(target, deadline);
    return exchange.request(verb, path_and_query, headers, body, max_body_bytes);
  } catch (const std::exception& e) {
    // Boost throws only for resource exhaustion here; report, never crash.
    return Unexpected("HTTPS request to " + endpoint_text(target) + " failed: " + e.what());
  }
}

} // namespace bgpwatch::collector
