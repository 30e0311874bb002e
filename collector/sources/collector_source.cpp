// collector/sources/collector_source.cpp: see collector_source.hpp.
#include "collector/sources/collector_source.hpp"

#include "bgp/duration.hpp"
#include "bgp/timeparse.hpp"
#include "collector/base/secret_file.hpp"
#include "collector/http/https_client.hpp"
#include "collector/http/url_query.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <limits>
#include <map>

namespace bgpwatch::collector {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {

// A whole /v1/sessions of 50 routers x 2,000 peers is ~40 MB of JSON.
constexpr std::uint64_t k_max_body = 256ull << 20;

// Every accessor below checks the JSON type before reading: nlohmann's
// get<>/value() throw on a wrong type, and get<std::uint32_t>() of -5 or
// 1.5 converts silently. Missing or null = absent.
const json* member(const json& j, const char* key)
{
  if (!j.is_object()) {
    return nullptr;
  }
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

Expected<std::optional<std::string>, std::string> opt_string(const json& j, const char* key)
{
  const json* v = member(j, key);
  if (v == nullptr) {
    return std::optional<std::string>{};
  }
  if (!v->is_string()) {
    return Unexpected(std::string("field '") + key + "' is " + v->type_name() + ", not a string");
  }
  return std::optional<std::string>(v->get<std::string>());
}

Expected<std::optional<std::uint64_t>, std::string> opt_unsigned(const json& j, const char* key,
                                                                std::uint64_t max)
{
  const json* v = member(j, key);
  if (v == nullptr) {
    return std::optional<std::uint64_t>{};
  }
  std::uint64_t out = 0;
  if (v->is_number_unsigned()) {
    out = v->get<std::uint64_t>();
  } else if (v->is_number_integer()) {
    return Unexpected(std::string("field '") + key + "' is negative (" + v->dump() + ")");
  } else {
    return Unexpected(std::string("field '") + key + "' is " + (v->is_number() ? "not an integer" : v->type_name())
                      + " (" + v->dump().substr(0, 40) + "), not a count");
  }
  if (out > max) {
    return Unexpected(std::string("field '") + key + "' is out of range (" + v->dump() + ")");
  }
  return std::optional<std::uint64_t>(out);
}

// A list of words (peer flags, options, NLRI): absent or null = unknown.
Expected<std::optional<std::vector<std::string>>, std::string> opt_words(const json& j, const char* key)
{
  const json* v = member(j, key);
  if (v == nullptr || v->is_null()) {
    return std::optional<std::vector<std::string>>{};
  }
  if (!v->is_array()) {
    return Unexpected(std::string("field '") + key + "' is " + v->type_name() + ", not a list");
  }
  std::vector<std::string> out;
  for (const auto& w : *v) {
    if (!w.is_string()) {
      return Unexpected(std::string("field '") + key + "' holds a " + w.type_name() + ", not a string");
    }
    out.push_back(w.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Expected<std::optional<bool>, std::string> opt_bool(const json& j, const char* key)
{
  const json* v = member(j, key);
  if (v == nullptr) {
    return std::optional<bool>{};
  }
  if (!v->is_boolean()) {
    return Unexpected(std::string("field '") + key + "' is " + v->type_name() + ", not true/false");
  }
  return std::optional<bool>(v->get<bool>());
}

bool is_loopback_literal(const std::string& host)
{
  boost::system::error_code ec;
  const auto a = asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

// One router's entry in "routers" -> its observation (polled_at and the
// reason it cannot be read, if any). Sessions are attached by the caller.
struct RouterEntry
{
  bool readable = false;
  std::string error;
  bgp::WallClock::time_point polled_at{};
};

RouterEntry judge_router_entry(const json& rj, const std::string& name, bgp::WallClock::time_point now,
                               std::chrono::seconds max_age, const std::string& url_text)
{
  RouterEntry out;
  out.polled_at = now;
  const std::string who = "collector " + url_text;
  const auto polled = opt_bool(rj, "polled");
  const auto ok = opt_bool(rj, "ok");
  const auto error = opt_string(rj, "error");
  const auto polled_at_text = opt_string(rj, "polled_at");
  for (const std::string* e : {polled ? nullptr : &polled.error(), ok ? nullptr : &ok.error(),
                               error ? nullptr : &error.error(), polled_at_text ? nullptr : &polled_at_text.error()}) {
    if (e != nullptr) {
      out.error = who + ": malformed routers entry for " + name + ": " + *e;
      return out;
    }
  }
  if (!polled->value_or(false)) {
    out.error = who + " has not polled " + name + " yet";
    return out;
  }
  if (!ok->value_or(false)) {
    out.error = who + ": last poll of " + name + " failed: " + error->value_or("?");
    return out;
  }
  if (!*polled_at_text) {
    out.error = who + ": malformed routers entry for " + name + ": no polled_at";
    return out;
  }
  const auto polled_at = bgp::parse_instant(**polled_at_text);
  if (!polled_at) {
    out.error = who + ": bad polled_at for " + name + ": " + polled_at.error();
    return out;
  }
  out.polled_at = *polled_at;
  if (*polled_at <= now + bgp::k_max_clock_skew && now - *polled_at > max_age) {
    // Fail closed (SPEC): data older than 3 collector intervals.
    out.error = "collector data for " + name + " is "
                + bgp::format_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *polled_at)) + " old (max "
                + bgp::format_duration(max_age) + ")";
    return out;
  }
  out.readable = true;
  return out;
}

class CollectorSource final : public StateSource
{
public:
  CollectorSource(std::string url, std::chrono::seconds max_age, CollectorClientOptions client)
    : m_url_text(std::move(url)), m_max_age(max_age), m_client(std::move(client))
  {
  }

  std::vector<bgp::RouterObservation> poll(const std::vector<RouterConfig>& routers,
                                           SteadyClock::time_point deadline) override
  {
    try {
      return poll_unguarded(routers, deadline);
    } catch (const std::exception& e) {
      // Belt and braces: nothing a collector sends may end the process.
      return fail_all(routers, std::string("internal error reading the reply: ") + e.what());
    }
  }

  std::string describe() const override
  {
    return "collector " + m_url_text;
  }

  bool waits_for_news() const override
  {
    return m_long_poll && m_newest.has_value();
  }

  SourceInfo info() const override
  {
    return {bgp::Source::collector, describe(), {{"collector_url", {m_url_text}, false}}};
  }

private:
  std::vector<bgp::RouterObservation> fail_all(const std::vector<RouterConfig>& routers, const std::string& error)
  {
    std::vector<bgp::RouterObservation> out;
    for (const auto& r : routers) {
      bgp::RouterObservation o;
      o.router = r.name;
      o.readable = false;
      o.error = "collector " + m_url_text + ": " + error;
      o.polled_at = bgp::WallClock::now();
      out.push_back(std::move(o));
    }
    return out;
  }

  std::vector<bgp::RouterObservation> poll_unguarded(const std::vector<RouterConfig>& routers,
                                                     SteadyClock::time_point deadline)
  {
    auto url = parse_collector_url(m_url_text);
    if (!url) {
      return fail_all(routers, url.error());
    }
    // Only the routers this check needs: a whole /v1/sessions of a big
    // collector is tens of MB.
    std::string target = "/v1/sessions";
    for (std::size_t i = 0; i < routers.size(); ++i) {
      target += (i == 0 ? "?router=" : "&router=") + percent_encode(routers[i].name);
    }
    // Long-poll when we have seen a poll and there is time to wait for the
    // next: at most max_age (the data would be judged stale by then
    // anyway), and a second before our deadline for the answer's transfer.
    std::optional<bgp::WallClock::time_point> after;
    std::chrono::milliseconds wait{0};
    if (m_long_poll && m_newest) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now())
                        - k_long_poll_margin;
      wait = std::min<std::chrono::milliseconds>({left, m_max_age, k_max_long_poll});
      if (wait >= k_min_long_poll) {
        after = m_newest;
      }
    }
    const auto sent = SteadyClock::now();
    auto res = collector_get(*url, after ? long_poll_target(target, *after, wait) : target, m_client, deadline);
    if (res && after && res->status == 400) {
      // An older collector: "unknown query parameter 'after'". Read it
      // plainly, now and from now on.
      m_long_poll = false;
      after.reset();
      res = collector_get(*url, target, m_client, deadline);
    }
    if (!res) {
      return fail_all(routers, res.error());
    }
    if (res->status == 401) {
      return fail_all(routers, m_client.token
                                 ? "HTTP 401: the collector refused our token (collector_client.token_file)"
                                 : "HTTP 401: the collector requires a token (set collector_client.token_file)");
    }
    if (res->status != 200) {
      return fail_all(routers, "GET " + url->path + target + ": HTTP " + std::to_string(res->status));
    }
    const auto previous = m_newest;
    auto out = observations_from_collector(res->body, routers, bgp::WallClock::now(), m_max_age, m_url_text,
                                           &m_newest);
    if (after && (!m_newest || !previous || *m_newest <= *previous)
        && SteadyClock::now() - sent < wait / 2) {
      // Nothing newer, and the answer did not wait: a collector that does
      // not hold long-polls (or holds too many). Our own interval paces
      // the reads from now on, never a busy loop.
      m_long_poll = false;
    }
    return out;
  }

  static std::string long_poll_target(const std::string& target, bgp::WallClock::time_point after,
                                      std::chrono::milliseconds wait)
  {
    return target + (target.find('?') == std::string::npos ? "?" : "&") + "after="
           + percent_encode(bgp::format_rfc3339(after)) + "&wait=" + std::to_string(wait.count());
  }

  // Time kept for the answer's transfer after the collector stops holding.
  static constexpr std::chrono::milliseconds k_long_poll_margin{1000};
  // The collector holds a long-poll at most this long (its k_max_wait).
  static constexpr std::chrono::milliseconds k_max_long_poll{60'000};
  // Less time than this left: a plain read.
  static constexpr std::chrono::milliseconds k_min_long_poll{200};

  std::string m_url_text;
  std::chrono::seconds m_max_age;
  CollectorClientOptions m_client;
  bool m_long_poll = true;                           // until the collector shows it does not
  std::optional<bgp::WallClock::time_point> m_newest; // the newest polled_at seen: the next after=
};

} // namespace

Expected<CollectorClientOptions, std::string> load_collector_client(const CollectorClientConfig& config)
{
  CollectorClientOptions out;
  if (config.ca) {
    auto pem = read_readable_file(*config.ca, "collector_client.ca");
    if (!pem) {
      return Unexpected(pem.error());
    }
    out.ca_pem = std::move(*pem);
  }
  if (config.token_file) {
    auto token = read_secret_file(*config.token_file, "collector_client.token_file");
    if (!token) {
      return Unexpected(token.error());
    }
    if (token->find_first_of("\r\n") != std::string::npos) {
      return Unexpected("collector_client.token_file " + *config.token_file + " holds more than one line");
    }
    out.token = std::move(*token);
  }
  return out;
}

std::unique_ptr<StateSource> make_collector_source(const std::string& url, std::chrono::seconds max_age,
                                                   CollectorClientOptions client)
{
  return std::make_unique<CollectorSource>(url, max_age, std::move(client));
}

std::vector<bgp::RouterObservation> observations_from_collector(std::string_view body,
                                                                const std::vector<RouterConfig>& routers,
                                                                bgp::WallClock::time_point now,
                                                                std::chrono::seconds max_age,
                                                                const std::string& url_text,
                                                                std::optional<bgp::WallClock::time_point>* newest)
{
  std::vector<bgp::RouterObservation> out;
  const std::string who = "collector " + url_text;
  auto fail_all = [&](const std::string& error) {
    out.clear();
    for (const auto& r : routers) {
      bgp::RouterObservation o;
      o.router = r.name;
      o.error = who + ": " + error;
      o.polled_at = now;
      out.push_back(std::move(o));
    }
    return out;
  };
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    return fail_all("/v1/sessions is not JSON");
  }
  const json* routers_j = member(doc, "routers");
  const json* sessions_j = member(doc, "sessions");
  if (routers_j == nullptr || !routers_j->is_array() || sessions_j == nullptr || !sessions_j->is_array()) {
    return fail_all("/v1/sessions has no routers/sessions arrays");
  }
  // The collector's own clock (SPEC "Collector trust"). Absent from older
  // collectors: then only polled_at and up_since can show a skew.
  std::optional<bgp::WallClock::time_point> source_clock;
  {
    const auto now_text = opt_string(doc, "now");
    if (!now_text) {
      return fail_all("/v1/sessions: " + now_text.error());
    }
    if (*now_text) {
      const auto t = bgp::parse_instant(**now_text);
      if (!t) {
        return fail_all("/v1/sessions: bad now: " + t.error());
      }
      source_clock = *t;
    }
  }
  // Which entry describes which router; a name that is not a string means
  // we cannot tell which router any entry is about.
  std::map<std::string, const json*> entries;
  for (std::size_t i = 0; i < routers_j->size(); ++i) {
    const auto name = opt_string((*routers_j)[i], "name");
    if (!name || !*name) {
      return fail_all("/v1/sessions: routers[" + std::to_string(i) + "]: "
                      + (name ? std::string("no name") : name.error()));
    }
    entries[**name] = &(*routers_j)[i];
  }
  if (newest != nullptr) {
    for (const auto& r : routers) {
      const auto it = entries.find(r.name);
      if (it == entries.end()) {
        continue;
      }
      const auto text = opt_string(*it->second, "polled_at");
      if (!text || !*text) {
        continue;
      }
      const auto t = bgp::parse_instant(**text);
      if (t && (!*newest || *t > **newest)) {
        *newest = *t;
      }
    }
  }
  struct Stamped
  {
    bgp::Session session;
    std::optional<bgp::WallClock::time_point> up_since;
  };
  std::map<std::string, std::vector<Stamped>> sessions;
  std::map<std::string, std::string> bad; // router -> the first parse error in its sessions
  for (std::size_t i = 0; i < sessions_j->size(); ++i) {
    const json& sj = (*sessions_j)[i];
    const auto router = opt_string(sj, "router");
    if (!router || !*router) {
      // A session we cannot attribute could be any router's.
      return fail_all("/v1/sessions: sessions[" + std::to_string(i) + "]: "
                      + (router ? std::string("no router") : router.error()));
    }
    auto s = session_from_json(sj);
    if (!s) {
      bad.emplace(**router, "sessions[" + std::to_string(i) + "]: " + s.error());
      continue;
    }
    const auto up_since_text = opt_string(sj, "up_since");
    if (!up_since_text) {
      bad.emplace(**router, "sessions[" + std::to_string(i) + "]: " + up_since_text.error());
      continue;
    }
    Stamped stamped{std::move(*s), std::nullopt};
    if (*up_since_text) {
      const auto up_since = bgp::parse_instant(**up_since_text);
      if (!up_since) {
        bad.emplace(**router, "sessions[" + std::to_string(i) + "]: bad up_since: " + up_since.error());
        continue;
      }
      stamped.up_since = *up_since;
    }
    sessions[**router].push_back(std::move(stamped));
  }

  for (const auto& r : routers) {
    bgp::RouterObservation o;
    o.router = r.name;
    o.polled_at = now;
    const auto it = entries.find(r.name);
    if (it == entries.end()) {
      o.error = who + " does not poll router " + r.name + " (is its configuration the same?)";
      out.push_back(std::move(o));
      continue;
    }
    const auto entry = judge_router_entry(*it->second, r.name, now, max_age, url_text);
    o.polled_at = entry.polled_at;
    o.source_clock = source_clock;
    if (!entry.readable) {
      o.error = entry.error;
    } else if (const auto b = bad.find(r.name); b != bad.end()) {
      // Partial data is no data: one bad session makes the router Unknown.
      o.error = who + ": malformed data for " + r.name + ": " + b->second;
    } else {
      o.readable = true;
      for (auto& [session, up_since] : sessions[r.name]) {
        session.source = bgp::Source::collector;
        o.sessions.push_back(std::move(session));
        const auto& s = o.sessions.back();
        // polled_at - uptime must not overflow (nanosecond system_clock):
        // an uptime longer than the time since the epoch is not data.
        const auto polled_s =
          std::chrono::duration_cast<std::chrono::seconds>(o.polled_at.time_since_epoch()).count();
        if (s.uptime_seconds && *s.uptime_seconds > polled_s) {
          o.readable = false;
          o.error = who + ": malformed data for " + r.name + ": " + s.address.to_string() + " uptime_seconds "
                    + std::to_string(*s.uptime_seconds) + " is longer than the time since 1970 at polled_at";
          o.sessions.clear();
          break;
        }
        if (!up_since) {
          continue;
        }
        // up_since is the collector's polled_at - uptime. It must agree
        // with the numbers it came from (Junos floors uptimes to 1 s)...
        if (s.uptime_seconds) {
          const auto derived = o.polled_at - std::chrono::seconds(*s.uptime_seconds);
          const auto diff = derived > *up_since ? derived - *up_since : *up_since - derived;
          if (diff > std::chrono::seconds(2)) {
            o.readable = false;
            o.error = who + ": malformed data for " + r.name + ": " + s.address.to_string() + " up_since "
                      + bgp::format_rfc3339(*up_since) + " disagrees with polled_at - uptime_seconds ("
                      + bgp::format_rfc3339(derived) + ")";
            o.sessions.clear();
            break;
          }
        }
        // ...and it is a stamp of the collector's clock: one in our future
        // is a clock skew (bgp::evaluate reports it as clock_skew).
        if (!o.source_clock || *up_since > *o.source_clock) {
          o.source_clock = *up_since;
        }
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

Expected<CollectorUrl, std::string> parse_collector_url(const std::string& url)
{
  CollectorUrl out;
  std::string rest;
  if (url.starts_with("https://")) {
    out.tls = true;
    out.port = "443";
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return Unexpected("collector URL '" + url + "' must start with https:// (or http:// on loopback)");
  }
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    out.path = rest.substr(slash);
    while (!out.path.empty() && out.path.back() == '/') {
      out.path.pop_back();
    }
  }
  if (authority.find('@') != std::string::npos) {
    return Unexpected("collector URL '" + url + "': no user@ (the token comes from collector_client.token_file)");
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
  unsigned port = 0;
  const auto [ptr, ec] = std::from_chars(out.port.data(), out.port.data() + out.port.size(), port);
  if (out.host.empty() || out.port.empty() || ec != std::errc() || ptr != out.port.data() + out.port.size()
      || port == 0 || port > 65535) {
    return Unexpected("collector URL '" + url + "' is not http(s)://HOST[:PORT][/PATH]");
  }
  if (!out.tls && out.host != "localhost" && !is_loopback_literal(out.host)) {
    return Unexpected("collector URL '" + url + "': plain http:// is only allowed to a loopback address "
                      "(127.0.0.1, ::1, localhost); use https:// (collector.tls) for " + out.host);
  }
  return out;
}

namespace {

Expected<CollectorResponse, std::string> plain_get(const CollectorUrl& url, const std::string& target,
                                                   const CollectorClientOptions& client,
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
  if (client.token) {
    req.set(http::field::authorization, "Bearer " + *client.token);
  }
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
    // Plain HTTP is for loopback only: "localhost" must resolve there too.
    std::vector<tcp::endpoint> loopback;
    for (const auto& r : results) {
      if (r.endpoint().address().is_loopback()) {
        loopback.push_back(r.endpoint());
      }
    }
    if (loopback.empty()) {
      error = url.host + " does not resolve to a loopback address: plain http:// refused";
      return;
    }
    stream.async_connect(loopback, [&](beast::error_code ec2, const tcp::endpoint&) {
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
  io.run_for(budget);
  if (!io.stopped()) {
    return Unexpected("timed out asking " + where);
  }
  if (!error.empty()) {
    return Unexpected(error);
  }
  auto res = parser.release();
  return CollectorResponse{res.result_int(), std::move(res.body())};
}

} // namespace

Expected<CollectorResponse, std::string> collector_get(const CollectorUrl& url, const std::string& target,
                                                       const CollectorClientOptions& client,
                                                       SteadyClock::time_point deadline)
{
  if (!url.tls) {
    return plain_get(url, target, client, deadline);
  }
  HttpsTarget t;
  t.host = url.host;
  t.port = static_cast<std::uint16_t>(std::stoul(url.port)); // checked by parse_collector_url
  t.ca_pem = client.ca_pem;
  std::vector<std::pair<std::string, std::string>> headers{{"Accept", "application/json"}};
  if (client.token) {
    headers.emplace_back("Authorization", "Bearer " + *client.token);
  }
  auto res = https_get(t, url.path + target, headers, deadline, k_max_body);
  if (!res) {
    return Unexpected(res.error());
  }
  return CollectorResponse{res->status, std::move(res->body)};
}

Expected<bgp::Session, std::string> session_from_json(const nlohmann::json& j)
{
  if (!j.is_object()) {
    return Unexpected(std::string("session is not an object"));
  }
  bgp::Session s;
  const auto address = opt_string(j, "address");
  if (!address) {
    return Unexpected(address.error());
  }
  const auto parsed = bgp::Address::parse(address->value_or(""));
  if (!parsed) {
    return Unexpected("bad session address '" + address->value_or("") + "'");
  }
  s.address = *parsed;
  const auto state_name = opt_string(j, "state");
  if (!state_name) {
    return Unexpected(state_name.error());
  }
  if (!*state_name) {
    return Unexpected("session " + **address + " has no state");
  }
  if (**state_name == "Unknown") {
    s.state = bgp::SessionState::unknown;
  } else {
    auto st = bgp::parse_state_name(**state_name);
    if (!st) {
      return Unexpected(st.error());
    }
    s.state = *st;
  }
#define BGPWATCH_STRING(member_, key_)                                                                                 \
  {                                                                                                                    \
    auto v = opt_string(j, key_);                                                                                      \
    if (!v) {                                                                                                          \
      return Unexpected(v.error());                                                                                    \
    }                                                                                                                  \
    s.member_ = *v;                                                                                                    \
  }
#define BGPWATCH_COUNT(member_, type_, key_, max_)                                                                     \
  {                                                                                                                    \
    auto v = opt_unsigned(j, key_, max_);                                                                              \
    if (!v) {                                                                                                          \
      return Unexpected(v.error());                                                                                    \
    }                                                                                                                  \
    if (*v) {                                                                                                          \
      s.member_ = static_cast<type_>(**v);                                                                             \
    }                                                                                                                  \
  }
  constexpr std::uint64_t k_u64 = std::numeric_limits<std::uint64_t>::max();
  BGPWATCH_STRING(router, "router")
  BGPWATCH_STRING(site, "site")
  BGPWATCH_STRING(node, "node")
  BGPWATCH_STRING(instance, "instance")
  BGPWATCH_STRING(description, "description")
  BGPWATCH_COUNT(peer_as, std::uint32_t, "peer_as", std::numeric_limits<std::uint32_t>::max())
  // An uptime is never negative (a negative one would put the session's
  // start in the future and pass --since) and never overflows int64.
  BGPWATCH_COUNT(uptime_seconds, std::int64_t, "uptime_seconds",
                 static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
  BGPWATCH_COUNT(flaps, std::uint64_t, "flaps", k_u64)
  BGPWATCH_COUNT(input_messages, std::uint64_t, "input_messages", k_u64)
  BGPWATCH_COUNT(output_messages, std::uint64_t, "output_messages", k_u64)
  BGPWATCH_COUNT(output_queue, std::uint64_t, "output_queue", k_u64)
  // Neighbor detail (issue 14); a session that carries any of it was read
  // with detail.
  BGPWATCH_STRING(last_state, "last_state")
  BGPWATCH_STRING(last_error, "last_error")
  BGPWATCH_COUNT(restart_time_received, std::uint32_t, "restart_time_received",
                 std::numeric_limits<std::uint32_t>::max())
  BGPWATCH_COUNT(stale_route_time, std::uint32_t, "stale_route_time", std::numeric_limits<std::uint32_t>::max())
  BGPWATCH_STRING(restart_flags_received, "restart_flags_received")
  for (auto [key, field] : {std::pair{"peer_flags", &s.peer_flags}, std::pair{"options", &s.options},
                            std::pair{"restart_negotiated", &s.restart_negotiated},
                            std::pair{"end_of_rib_received", &s.end_of_rib_received},
                            std::pair{"end_of_rib_sent", &s.end_of_rib_sent}}) {
    auto v = opt_words(j, key);
    if (!v) {
      return Unexpected(v.error());
    }
    *field = std::move(*v);
  }
  s.has_detail = s.last_state || s.peer_flags || s.options || s.restart_negotiated || s.end_of_rib_received;
#undef BGPWATCH_STRING
#undef BGPWATCH_COUNT
  if (const json* ribs = member(j, "ribs"); ribs != nullptr) {
    if (!ribs->is_array()) {
      return Unexpected(std::string("field 'ribs' is ") + ribs->type_name() + ", not a list");
    }
    for (const auto& rj : *ribs) {
      if (!rj.is_object()) {
        return Unexpected("bad rib for " + **address + ": not an object");
      }
      bgp::RibCounts rib;
      const auto name = opt_string(rj, "name");
      if (!name) {
        return Unexpected("bad rib for " + **address + ": " + name.error());
      }
      rib.name = name->value_or("");
      for (auto [key, field] : {std::pair{"active", &rib.active}, std::pair{"received", &rib.received},
                                std::pair{"accepted", &rib.accepted}, std::pair{"damped", &rib.damped}}) {
        const auto v = opt_unsigned(rj, key, k_u64);
        if (!v) {
          return Unexpected("bad rib counters for " + **address + ": " + v.error());
        }
        *field = *v;
      }
      const auto state = opt_string(rj, "state");
      if (!state) {
        return Unexpected("bad rib state for " + **address + ": " + state.error());
      }
      rib.state = *state;
      s.ribs.push_back(std::move(rib));
    }
  }
  return s;
}

} // namespace bgpwatch::collector
