// collector/sources/collector_source.cpp: see collector_source.hpp.
#include "collector/sources/collector_source.hpp"

#include "bgp/duration.hpp"
#include "bgp/timeparse.hpp"
#include "collector/http/url_query.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <map>

namespace bgpwatch::collector {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// A whole /v1/sessions of 50 routers x 2,000 peers is ~40 MB of JSON.
constexpr std::uint64_t k_max_body = 256ull << 20;

template <class T>
Expected<std::optional<T>, std::string> optional_field(const nlohmann::json& j, const char* key)
{
  if (!j.contains(key) || j[key].is_null()) {
    return std::optional<T>{};
  }
  try {
    return std::optional<T>(j[key].get<T>());
  } catch (const nlohmann::json::exception&) {
    return Unexpected(std::string("field '") + key + "' has the wrong type");
  }
}

class CollectorSource final : public StateSource
{
public:
  CollectorSource(std::string url, std::chrono::seconds max_age) : m_url_text(std::move(url)), m_max_age(max_age)
  {
  }

  std::vector<bgp::RouterObservation> poll(const std::vector<RouterConfig>& routers,
                                           SteadyClock::time_point deadline) override
  {
    std::vector<bgp::RouterObservation> out;
    auto fail_all = [&](const std::string& error) {
      out.clear();
      for (const auto& r : routers) {
        bgp::RouterObservation o;
        o.router = r.name;
        o.readable = false;
        o.error = "collector " + m_url_text + ": " + error;
        o.polled_at = bgp::WallClock::now();
        out.push_back(std::move(o));
      }
      return out;
    };
    auto url = parse_http_url(m_url_text);
    if (!url) {
      return fail_all(url.error());
    }
    // Only the routers this check needs: a whole /v1/sessions of a big
    // collector is tens of MB.
    std::string target = "/v1/sessions";
    for (std::size_t i = 0; i < routers.size(); ++i) {
      target += (i == 0 ? "?router=" : "&router=") + percent_encode(routers[i].name);
    }
    auto body = http_get(*url, target, deadline);
    if (!body) {
      return fail_all(body.error());
    }
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(*body);
    } catch (const nlohmann::json::exception& e) {
      return fail_all(std::string("/v1/sessions is not JSON: ") + e.what());
    }
    if (!doc.is_object() || !doc.contains("routers") || !doc["routers"].is_array() || !doc.contains("sessions")
        || !doc["sessions"].is_array()) {
      return fail_all("/v1/sessions has no routers/sessions arrays");
    }
    std::map<std::string, std::vector<bgp::Session>> sessions;
    for (const auto& sj : doc["sessions"]) {
      auto s = session_from_json(sj);
      if (!s) {
        return fail_all("/v1/sessions: " + s.error());
      }
      if (s->router) {
        sessions[*s->router].push_back(std::move(*s));
      }
    }
    const auto now = bgp::WallClock::now();
    for (const auto& r : routers) {
      bgp::RouterObservation o;
      o.router = r.name;
      o.polled_at = now;
      const nlohmann::json* rj = nullptr;
      for (const auto& candidate : doc["routers"]) {
        if (candidate.is_object() && candidate.value("name", "") == r.name) {
          rj = &candidate;
        }
      }
      if (rj == nullptr) {
        o.error = "collector " + m_url_text + " does not poll router " + r.name + " (is its configuration the same?)";
      } else if (!rj->value("polled", false)) {
        o.error = "collector " + m_url_text + " has not polled " + r.name + " yet";
      } else if (!rj->value("ok", false)) {
        o.error = "collector " + m_url_text + ": last poll of " + r.name + " failed: "
                  + ((*rj)["error"].is_string() ? (*rj)["error"].get<std::string>() : std::string("?"));
      } else {
        const auto polled = bgp::parse_instant((*rj)["polled_at"].is_string() ? (*rj)["polled_at"].get<std::string>()
                                                                               : std::string());
        if (!polled) {
          o.error = "collector " + m_url_text + ": bad polled_at for " + r.name + ": " + polled.error();
        } else if (now - *polled > m_max_age) {
          // Fail closed (SPEC): data older than 3 collector intervals.
          o.error = "collector data for " + r.name + " is "
                    + bgp::format_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *polled))
                    + " old (max " + bgp::format_duration(m_max_age) + ")";
          o.polled_at = *polled;
        } else {
          o.readable = true;
          o.polled_at = *polled;
          o.sessions = std::move(sessions[r.name]);
        }
      }
      out.push_back(std::move(o));
    }
    return out;
  }

  std::string describe() const override
  {
    return "collector " + m_url_text;
  }

private:
  std::string m_url_text;
  std::chrono::seconds m_max_age;
};

} // namespace

std::unique_ptr<StateSource> make_collector_source(const std::string& url, std::chrono::seconds max_age)
{
  return std::make_unique<CollectorSource>(url, max_age);
}

Expected<HttpUrl, std::string> parse_http_url(const std::string& url)
{
  static constexpr std::string_view k_scheme = "http://";
  if (!url.starts_with(k_scheme)) {
    return Unexpected("collector URL '" + url + "' must start with http://");
  }
  std::string rest = url.substr(k_scheme.size());
  HttpUrl out;
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    out.path = rest.substr(slash);
    while (!out.path.empty() && out.path.back() == '/') {
      out.path.pop_back();
    }
  }
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string::npos) {
      return Unexpected("collector URL '" + url + "': unterminated [IPv6] address");
    }
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return Unexpected("collector URL '" + url + "': junk after ]");
      }
      out.port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) {
      out.port = authority.substr(colon + 1);
    }
  }
  if (out.host.empty() || out.port.empty()
      || out.port.find_first_not_of("0123456789") != std::string::npos) {
    return Unexpected("collector URL '" + url + "' is not http://HOST[:PORT][/PATH]");
  }
  return out;
}

Expected<std::string, std::string> http_get(const HttpUrl& url, const std::string& target,
                                            SteadyClock::time_point deadline)
{
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::empty_body> req{http::verb::get, url.path + target, 11};
  req.set(http::field::host, url.host);
  req.set(http::field::user_agent, "bgpwatch/" BGPWATCH_VERSION);
  req.set(http::field::accept, "application/json");
  req.keep_alive(false);
  http::response_parser<http::string_body> parser;
  parser.body_limit(k_max_body);
  std::string error;
  const std::string where = url.host + ":" + url.port;

  stream.expires_at(deadline);
  resolver.async_resolve(url.host, url.port, [&](beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) {
      error = "resolve " + url.host + ": " + ec.message();
      return;
    }
    stream.async_connect(results, [&](beast::error_code ec2, const tcp::endpoint&) {
      if (ec2) {
        error = "connect " + where + ": " + ec2.message();
        return;
      }
      http::async_write(stream, req, [&](beast::error_code ec3, std::size_t) {
        if (ec3) {
          error = "send to " + where + ": " + ec3.message();
          return;
        }
        http::async_read(stream, buffer, parser, [&](beast::error_code ec4, std::size_t) {
          if (ec4) {
            error = "read from " + where + ": " + ec4.message();
          }
        });
      });
    });
  });
  // The resolver is not covered by the stream's expiry: bound the loop too.
  const auto budget = deadline - SteadyClock::now();
  if (budget <= SteadyClock::duration::zero()) {
    return Unexpected("no time left to ask " + where);
  }
  io.run_for(budget + std::chrono::milliseconds(50));
  if (!io.stopped()) {
    return Unexpected("timed out asking " + where);
  }
  if (!error.empty()) {
    return Unexpected(error);
  }
  const auto& res = parser.get();
  if (res.result() != http::status::ok) {
    return Unexpected("GET " + url.path + target + " from " + where + ": HTTP " + std::to_string(res.result_int()));
  }
  return res.body();
}

Expected<bgp::Session, std::string> session_from_json(const nlohmann::json& j)
{
  if (!j.is_object()) {
    return Unexpected(std::string("session is not an object"));
  }
  bgp::Session s;
  const auto address = j.value("address", std::string());
  const auto parsed = bgp::Address::parse(address);
  if (!parsed) {
    return Unexpected("bad session address '" + address + "'");
  }
  s.address = *parsed;
  const auto state_name = j.value("state", std::string());
  if (state_name == "Unknown") {
    s.state = bgp::SessionState::unknown;
  } else {
    auto st = bgp::parse_state_name(state_name);
    if (!st) {
      return Unexpected(st.error());
    }
    s.state = *st;
  }
#define BGPWATCH_FIELD(member, type, key)                                                                              \
  {                                                                                                                    \
    auto v = optional_field<type>(j, key);                                                                             \
    if (!v) {                                                                                                          \
      return Unexpected(v.error());                                                                                    \
    }                                                                                                                  \
    s.member = *v;                                                                                                     \
  }
  BGPWATCH_FIELD(router, std::string, "router")
  BGPWATCH_FIELD(site, std::string, "site")
  BGPWATCH_FIELD(node, std::string, "node")
  BGPWATCH_FIELD(instance, std::string, "instance")
  BGPWATCH_FIELD(description, std::string, "description")
  BGPWATCH_FIELD(peer_as, std::uint32_t, "peer_as")
  BGPWATCH_FIELD(uptime_seconds, std::int64_t, "uptime_seconds")
  BGPWATCH_FIELD(flaps, std::uint64_t, "flaps")
  BGPWATCH_FIELD(input_messages, std::uint64_t, "input_messages")
  BGPWATCH_FIELD(output_messages, std::uint64_t, "output_messages")
  BGPWATCH_FIELD(output_queue, std::uint64_t, "output_queue")
  // Neighbor detail (issue 14); a session that carries any of it was read
  // with detail.
  BGPWATCH_FIELD(last_state, std::string, "last_state")
  BGPWATCH_FIELD(last_error, std::string, "last_error")
  BGPWATCH_FIELD(restart_time_received, std::uint32_t, "restart_time_received")
  BGPWATCH_FIELD(stale_route_time, std::uint32_t, "stale_route_time")
  BGPWATCH_FIELD(restart_flags_received, std::string, "restart_flags_received")
  BGPWATCH_FIELD(peer_flags, std::vector<std::string>, "peer_flags")
  BGPWATCH_FIELD(options, std::vector<std::string>, "options")
  BGPWATCH_FIELD(restart_negotiated, std::vector<std::string>, "restart_negotiated")
  BGPWATCH_FIELD(end_of_rib_received, std::vector<std::string>, "end_of_rib_received")
  BGPWATCH_FIELD(end_of_rib_sent, std::vector<std::string>, "end_of_rib_sent")
#undef BGPWATCH_FIELD
  s.has_detail = s.last_state || s.peer_flags || s.options || s.restart_negotiated || s.end_of_rib_received;
  if (j.contains("ribs") && j["ribs"].is_array()) {
    for (const auto& rj : j["ribs"]) {
      bgp::RibCounts rib;
      rib.name = rj.value("name", std::string());
      auto get = [&](const char* key, std::optional<std::uint64_t>& out) -> bool {
        auto v = optional_field<std::uint64_t>(rj, key);
        if (!v) {
          return false;
        }
        out = *v;
        return true;
      };
      if (!get("active", rib.active) || !get("received", rib.received) || !get("accepted", rib.accepted)
          || !get("damped", rib.damped)) {
        return Unexpected("bad rib counters for " + address);
      }
      auto state = optional_field<std::string>(rj, "state");
      if (!state) {
        return Unexpected("bad rib state for " + address);
      }
      rib.state = *state;
      s.ribs.push_back(std::move(rib));
    }
  }
  return s;
}

} // namespace bgpwatch::collector
