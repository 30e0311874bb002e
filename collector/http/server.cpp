// collector/http/server.cpp: see http_server.hpp.
#include "collector/http/server.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>

#include <charconv>
#include <optional>

namespace bgpwatch::collector {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl>
{
  Impl(asio::io_context& io_, HttpHandler handler_, HttpLimits limits_, std::shared_ptr<asio::ssl::context> tls_)
    : io(io_), acceptor(io_), handler(std::move(handler_)), limits(limits_), tls(std::move(tls_))
  {
  }

  void accept();

  asio::io_context& io;
  tcp::acceptor acceptor;
  HttpHandler handler;
  HttpLimits limits;
  std::shared_ptr<asio::ssl::context> tls;
  std::size_t connections = 0;
  bool accepting = false;
};

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection over a plain TCP stream or a TLS stream: the same HTTP
// exchange either way; TLS adds the handshake first and close_notify last.
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>>
{
public:
  Connection(Stream stream, std::shared_ptr<HttpServer::Impl> server)
    : m_stream(std::move(stream)), m_server(std::move(server))
  {
    ++m_server->connections;
  }
  ~Connection()
  {
    --m_server->connections;
  }

  void start()
  {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      lowest().expires_after(m_server->limits.read_timeout);
      m_stream.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) {
          self->close(); // bad certificate, plain HTTP on the TLS port, timeout
          return;
        }
        self->read();
      });
    } else {
      read();
    }
  }

private:
  void read()
  {
    m_parser.emplace();
    m_parser->header_limit(static_cast<std::uint32_t>(m_server->limits.max_header_bytes));
    m_parser->body_limit(m_server->limits.max_body_bytes);
    lowest().expires_after(m_server->limits.read_timeout);
    http::async_read(m_stream, m_buffer, *m_parser,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec)
  {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted
        || ec == asio::error::connection_reset || ec == asio::error::eof
        || ec.category() == asio::error::get_ssl_category() || ec == asio::ssl::error::stream_truncated) {
      close();
      return;
    }
    if (ec) {
      // Malformed request, header too large or a body we do not take.
      HttpResponse r;
      r.status = (ec == http::error::header_limit) ? 431 : (ec == http::error::body_limit ? 413 : 400);
      r.body = std::string(r.status == 400 ? "bad request: " : "request too large: ") + ec.message() + "\n";
      send(r, false, false);
      return;
    }
    const auto& req = m_parser->get();
    m_keep_alive = req.keep_alive();
    m_head = req.method() == http::verb::head;
    HttpRequest request{std::string(req.method_string()), std::string(req.target()),
                        std::string(req[http::field::authorization])};
    m_version = req.version();
    auto self = this->shared_from_this();
    m_server->handler(request, [self](HttpResponse response) {
      self->send(std::move(response), self->m_keep_alive, self->m_head);
    });
  }

  template <class Body>
  void set_headers(http::response<Body>& res, const HttpResponse& r, bool keep_alive)
  {
    res.set(http::field::server, "bgpwatch/" BGPWATCH_VERSION);
    res.set(http::field::content_type, r.content_type);
    res.set(http::field::cache_control, "no-store");
    if (!r.allow.empty()) {
      res.set(http::field::allow, r.allow);
    }
    if (!r.www_authenticate.empty()) {
      res.set(http::field::www_authenticate, r.www_authenticate);
    }
    res.keep_alive(keep_alive);
  }

  // By value: a body can be tens of MB; it is moved, never copied.
  void send(HttpResponse r, bool keep_alive, bool head)
  {
    if (r.stream) {
      if (m_version >= 11) {
        send_stream(std::move(r), keep_alive, head);
        return;
      }
      // HTTP/1.0 has no chunked encoding: the body whole, with its length.
      while (r.stream(r.body)) {
      }
      r.stream = nullptr;
    }
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), m_version);
    set_headers(*res, r, keep_alive);
    if (head) {
      res->content_length(r.body.size());
    } else {
      res->body() = std::move(r.body);
      res->prepare_payload();
    }
    lowest().expires_after(m_server->limits.write_timeout);
    auto self = this->shared_from_this();
    if (head) {
      auto sr = std::make_shared<http::response_serializer<http::string_body>>(*res);
      http::async_write_header(m_stream, *sr, [self, res, sr](beast::error_code ec, std::size_t) {
        self->after_write(ec, res->keep_alive());
      });
      return;
    }
    http::async_write(m_stream, *res,
                      [self, res](beast::error_code ec, std::size_t) { self->after_write(ec, res->keep_alive()); });
  }

  // Header, then one HTTP/1.1 chunk per piece the producer makes, then the
  // last chunk. Only one piece is in memory; every write has its own
  // timeout, so a client that stops reading is dropped.
  void send_stream(HttpResponse r, bool keep_alive, bool head)
  {
    auto res = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(r.status), m_version);
    set_headers(*res, r, keep_alive);
    res->chunked(true);
    auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*res);
    lowest().expires_after(m_server->limits.write_timeout);
    auto self = this->shared_from_this();
    http::async_write_header(m_stream, *sr,
                             [self, res, sr, head, keep_alive, produce = std::move(r.stream)](beast::error_code ec,
                                                                                            std::size_t) mutable {
                               if (ec || head) {
                                 self->after_write(ec, keep_alive);
                                 return;
                               }
                               self->m_producer = std::move(produce);
                               self->write_piece(keep_alive);
                             });
  }

  void write_piece(bool keep_alive)
  {
    m_piece.clear();
    bool more = true;
    while (more && m_piece.empty()) {
      more = m_producer(m_piece); // an empty chunk would end the body
    }
    lowest().expires_after(m_server->limits.write_timeout);
    auto done = [self = this->shared_from_this(), more, keep_alive](beast::error_code ec, std::size_t) {
      if (!ec && more) {
        self->write_piece(keep_alive);
        return;
      }
      self->m_producer = nullptr;
      self->m_piece = std::string();
      self->after_write(ec, keep_alive);
    };
    if (more) {
      asio::async_write(m_stream, http::make_chunk(asio::buffer(m_piece)), std::move(done));
    } else if (m_piece.empty()) {
      asio::async_write(m_stream, http::make_chunk_last(), std::move(done));
    } else {
      asio::async_write(m_stream, beast::buffers_cat(http::make_chunk(asio::buffer(m_piece)), http::make_chunk_last()),
                        std::move(done));
    }
  }

  void after_write(beast::error_code ec, bool keep_alive)
  {
    if (ec || !keep_alive) {
      close();
      return;
    }
    read();
  }

  void close()
  {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      if (!m_closing) {
        // close_notify, bounded by the write timeout, then the socket.
        m_closing = true;
        lowest().expires_after(m_server->limits.write_timeout);
        m_stream.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close_socket(); });
        return;
      }
    }
    close_socket();
  }

  void close_socket()
  {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  beast::tcp_stream& lowest()
  {
    return beast::get_lowest_layer(m_stream);
  }

  Stream m_stream;
  bool m_closing = false;
  beast::flat_buffer m_buffer{16 * 1024};
  std::optional<http::request_parser<http::string_body>> m_parser;
  std::shared_ptr<HttpServer::Impl> m_server;
  BodyProducer m_producer; // the body being streamed, if any
  std::string m_piece;     // its piece being written
  bool m_keep_alive = false;
  bool m_head = false;
  unsigned m_version = 11;
};

} // namespace

void HttpServer::Impl::accept()
{
  if (!accepting) {
    return;
  }
  acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec != asio::error::operation_aborted && self->accepting) {
        self->accept();
      }
      return;
    }
    if (self->connections >= self->limits.max_connections) {
      // Over the cap: refuse fast rather than queue unbounded.
      beast::error_code ignored;
      socket.close(ignored);
    } else if (self->tls) {
      std::make_shared<Connection<TlsStream>>(TlsStream(beast::tcp_stream(std::move(socket)), *self->tls), self)
        ->start();
    } else {
      std::make_shared<Connection<PlainStream>>(PlainStream(std::move(socket)), self)->start();
    }
    self->accept();
  });
}

HttpServer::HttpServer(asio::io_context& io, HttpHandler handler, HttpLimits limits,
                       std::shared_ptr<asio::ssl::context> tls)
  : m_impl(std::make_shared<Impl>(io, std::move(handler), limits, std::move(tls)))
{
}

bool make_tls_server_context(const std::string& cert_pem, const std::string& key_pem,
                             std::shared_ptr<asio::ssl::context>& out, std::string& error)
{
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  // RFC 8996: nothing older than TLS 1.2.
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
  beast::error_code ec;
  ctx->use_certificate_chain(asio::buffer(cert_pem), ec);
  if (ec) {
    error = "certificate: " + ec.message();
    return false;
  }
  ctx->use_private_key(asio::buffer(key_pem), asio::ssl::context::pem, ec);
  if (ec) {
    error = "private key: " + ec.message();
    return false;
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    error = "the private key does not match the certificate";
    return false;
  }
  out = std::move(ctx);
  return true;
}

bool bearer_matches(std::string_view authorization, std::string_view token) noexcept
{
  static constexpr std::string_view k_scheme = "Bearer ";
  if (token.empty() || authorization.size() != k_scheme.size() + token.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < k_scheme.size(); ++i) {
    diff |= static_cast<unsigned char>(authorization[i] ^ k_scheme[i]);
  }
  for (std::size_t i = 0; i < token.size(); ++i) {
    diff |= static_cast<unsigned char>(authorization[k_scheme.size() + i] ^ token[i]);
  }
  return diff == 0;
}

HttpServer::~HttpServer()
{
  stop_accepting();
}

bool HttpServer::listen(const tcp::endpoint& endpoint, std::string& error)
{
  beast::error_code ec;
  auto& a = m_impl->acceptor;
  const std::string where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  a.open(endpoint.protocol(), ec);
  if (!ec) {
    a.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    a.bind(endpoint, ec);
  }
  if (ec) {
    error = "bind " + where + ": " + ec.message();
    return false;
  }
  a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "listen " + where + ": " + ec.message();
    return false;
  }
  m_impl->accepting = true;
  m_impl->accept();
  return true;
}

tcp::endpoint HttpServer::local_endpoint() const
{
  beast::error_code ec;
  return m_impl->acceptor.local_endpoint(ec);
}

void HttpServer::stop_accepting()
{
  m_impl->accepting = false;
  beast::error_code ignored;
  m_impl->acceptor.close(ignored);
}

std::size_t HttpServer::open_connections() const noexcept
{
  return m_impl->connections;
}

bool parse_listen_address(const std::string& text, tcp::endpoint& out, std::string& error)
{
  std::string host;
  std::string port;
  if (text.starts_with("[")) {
    const auto close = text.find("]:");
    if (close == std::string::npos) {
      error = "listen address '" + text + "' is not [ADDR]:PORT";
      return false;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) {
      error = "listen address '" + text + "' is not ADDR:PORT (IPv6: [ADDR]:PORT)";
      return false;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    error = "listen address '" + text + "': bad port '" + port + "'";
    return false;
  }
  beast::error_code aec;
  const auto address = asio::ip::make_address(host, aec);
  if (aec) {
    error = "listen address '" + text + "': '" + host + "' is not an IP address";
    return false;
  }
  out = tcp::endpoint(address, static_cast<unsigned short>(value));
  return true;
}

} // namespace bgpwatch::collector
