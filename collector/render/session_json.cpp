#include "collector/render/session_json.hpp"

#include "collector/render/json_text.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <utility>
#include <string_view>

namespace bgpwatch::collector {

namespace {

template <class T>
nlohmann::json opt(const std::optional<T>& v)
{
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

} // namespace

nlohmann::json session_to_json(const bgp::Session& s)
{
  nlohmann::json ribs = nlohmann::json::array();
  for (const auto& r : s.ribs) {
    ribs.push_back({{"name", r.name},
                    {"active", opt(r.active)},
                    {"received", opt(r.received)},
                    {"accepted", opt(r.accepted)},
                    {"damped", opt(r.damped)},
                    {"state", opt(r.state)}});
  }
  nlohmann::json j = {
    {"router", opt(s.router)},
    {"site", opt(s.site)},
    {"address", s.address.to_string()},
    {"family", std::string(bgp::to_string(s.family()))},
    {"peer_as", opt(s.peer_as)},
    {"state", std::string(bgp::to_string(s.state))},
    {"uptime_seconds", opt(s.uptime_seconds)},
    {"flaps", opt(s.flaps)},
    {"input_messages", opt(s.input_messages)},
    {"output_messages", opt(s.output_messages)},
    {"output_queue", opt(s.output_queue)},
    {"description", opt(s.description)},
    {"node", opt(s.node)},
    {"ribs", std::move(ribs)},
    {"source", std::string(bgp::to_string(s.source))},
    {"instance", opt(s.instance)},
    // Neighbor detail (issue 14): every source emits every key, null where
    // it cannot know.
    {"last_state", opt(s.last_state)},
    {"last_error", opt(s.last_error)},
    {"peer_flags", opt(s.peer_flags)},
    {"options", opt(s.options)},
    {"restart_time_received", opt(s.restart_time_received)},
    {"stale_route_time", opt(s.stale_route_time)},
    {"restart_negotiated", opt(s.restart_negotiated)},
    {"end_of_rib_received", opt(s.end_of_rib_received)},
    {"end_of_rib_sent", opt(s.end_of_rib_sent)},
    {"restart_flags_received", opt(s.restart_flags_received)},
    {"stale_routes_expire_at", nullptr}, // live views fill it (session_verdict_to_json)
    // BIRD's and the wire's own words; null from the routers (issue 16:
    // the same keys for every source).
    {"protocol", opt(s.protocol)},
    {"local_address", s.local_address ? nlohmann::json(s.local_address->to_string()) : nlohmann::json(nullptr)},
    {"local_as", opt(s.local_as)},
  };
  return j;
}

} // namespace bgpwatch::collector

namespace bgpwatch::collector {

namespace {

// A JSON string as nlohmann writes it. Router text is almost always plain
// printable ASCII without quotes or backslashes, copied as is; anything
// else (escapes, UTF-8, invalid bytes to replace) goes through nlohmann's
// own serializer, so the two writers cannot drift apart.
void put_string(std::string& out, std::string_view s)
{
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      out += json_text(nlohmann::json(std::string(s)));
      return;
    }
  }
  out += '"';
  out.append(s);
  out += '"';
}

template <class T>
void put_number(std::string& out, T value)
{
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

template <class T>
void put(std::string& out, const std::optional<T>& value)
{
  if (value) {
    put_number(out, *value);
  } else {
    out += "null";
  }
}

void put(std::string& out, const std::optional<std::string>& value)
{
  if (value) {
    put_string(out, *value);
  } else {
    out += "null";
  }
}

// An object's members in the order the caller gives them, which must be
// nlohmann's: sorted by key (std::map). Each key goes out in one append of
// separator, indentation, quoted name and colon: per-piece appends were
// half of the writer's time.
class ObjectWriter
{
public:
  ObjectWriter(std::string& out, int indent, std::size_t current)
    : m_out(out), m_pretty(indent >= 0), m_step(indent >= 0 ? static_cast<std::size_t>(indent) : 0), m_current(current)
  {
    m_prefix[0] = ',';
    m_prefix_size = 1;
    if (m_pretty && 2 + inner() <= k_max_prefix) {
      m_prefix[1] = '\n';
      std::memset(m_prefix + 2, ' ', inner());
      m_prefix_size = 2 + inner();
    }
    m_out += '{';
  }

  std::string& key(std::string_view name)
  {
    const bool first = std::exchange(m_first, false);
    if (m_pretty && 2 + inner() > k_max_prefix) { // deeper than any caller goes: piece by piece
      m_out += first ? "\n" : ",\n";
      m_out.append(inner(), ' ');
      m_out += '"';
      m_out += name;
      m_out += "\": ";
      return m_out;
    }
    char buf[k_max_prefix + k_max_key + 4];
    // The first key has no comma: the prefix without its first byte.
    const std::size_t skip = first ? 1 : 0;
    std::size_t n = m_prefix_size - skip;
    std::memcpy(buf, m_prefix + skip, n);
    buf[n++] = '"';
    const std::size_t key_size = std::min(name.size(), k_max_key);
    std::memcpy(buf + n, name.data(), key_size);
    n += key_size;
    buf[n++] = '"';
    buf[n++] = ':';
    if (m_pretty) {
      buf[n++] = ' ';
    }
    m_out.append(buf, n);
    return m_out;
  }

  void close()
  {
    if (m_pretty && !m_first) {
      m_out += '\n';
      m_out.append(m_current, ' ');
    }
    m_out += '}';
  }

  std::size_t inner() const noexcept
  {
    return m_current + m_step;
  }
  std::size_t step() const noexcept
  {
    return m_step;
  }
  bool pretty() const noexcept
  {
    return m_pretty;
  }

private:
  static constexpr std::size_t k_max_prefix = 64;
  static constexpr std::size_t k_max_key = 24; // "restart_flags_received" (22), the longest key written here

  std::string& m_out;
  bool m_pretty;
  std::size_t m_step;
  std::size_t m_current;
  bool m_first = true;
  char m_prefix[k_max_prefix];
  std::size_t m_prefix_size;
};

void put_rib(std::string& out, const bgp::RibCounts& r, int indent, std::size_t current)
{
  ObjectWriter o(out, indent, current);
  put(o.key("accepted"), r.accepted);
  put(o.key("active"), r.active);
  put(o.key("damped"), r.damped);
  put_string(o.key("name"), r.name);
  put(o.key("received"), r.received);
  put(o.key("state"), r.state);
  o.close();
}

// A list of words (peer flags, options, NLRI) as nlohmann writes it: null,
// [] or one element per line.
void put_words(std::string& out, const std::optional<std::vector<std::string>>& words, const ObjectWriter& o)
{
  if (!words) {
    out += "null";
    return;
  }
  if (words->empty()) {
    out += "[]";
    return;
  }
  out += '[';
  bool first = true;
  for (const auto& w : *words) {
    if (o.pretty()) {
      out += first ? "\n" : ",\n";
      out.append(o.inner() + o.step(), ' ');
    } else if (!first) {
      out += ',';
    }
    first = false;
    put_string(out, w);
  }
  if (o.pretty()) {
    out += '\n';
    out.append(o.inner(), ' ');
  }
  out += ']';
}

} // namespace

void append_session_json(std::string& out, const bgp::Session& s, int indent, std::size_t current_indent)
{
  ObjectWriter o(out, indent, current_indent);
  char address[bgp::Address::k_max_text];
  put_string(o.key("address"), std::string_view(address, s.address.format(address)));
  put(o.key("description"), s.description);
  put_words(o.key("end_of_rib_received"), s.end_of_rib_received, o);
  put_words(o.key("end_of_rib_sent"), s.end_of_rib_sent, o);
  put_string(o.key("family"), bgp::to_string(s.family()));
  put(o.key("flaps"), s.flaps);
  put(o.key("input_messages"), s.input_messages);
  put(o.key("instance"), s.instance);
  put(o.key("last_error"), s.last_error);
  put(o.key("last_state"), s.last_state);
  if (s.local_address) {
    put_string(o.key("local_address"), s.local_address->to_string());
  } else {
    o.key("local_address") += "null";
  }
  put(o.key("local_as"), s.local_as);
  put(o.key("node"), s.node);
  put_words(o.key("options"), s.options, o);
  put(o.key("output_messages"), s.output_messages);
  put(o.key("output_queue"), s.output_queue);
  put(o.key("peer_as"), s.peer_as);
  put_words(o.key("peer_flags"), s.peer_flags, o);
  put(o.key("protocol"), s.protocol);
  put(o.key("restart_flags_received"), s.restart_flags_received);
  put_words(o.key("restart_negotiated"), s.restart_negotiated, o);
  put(o.key("restart_time_received"), s.restart_time_received);
  auto& ribs = o.key("ribs");
  if (s.ribs.empty()) {
    ribs += "[]";
  } else {
    ribs += '[';
    const std::size_t element = o.inner() + o.step();
    bool first = true;
    for (const auto& r : s.ribs) {
      if (o.pretty()) {
        ribs += first ? "\n" : ",\n";
        ribs.append(element, ' ');
      } else if (!first) {
        ribs += ',';
      }
      first = false;
      put_rib(ribs, r, indent, element);
    }
    if (o.pretty()) {
      ribs += '\n';
      ribs.append(o.inner(), ' ');
    }
    ribs += ']';
  }
  put(o.key("router"), s.router);
  put(o.key("site"), s.site);
  put_string(o.key("source"), bgp::to_string(s.source));
  put(o.key("stale_route_time"), s.stale_route_time);
  o.key("stale_routes_expire_at") += "null"; // live views fill it (session_verdict_to_json)
  put_string(o.key("state"), bgp::to_string(s.state));
  put(o.key("uptime_seconds"), s.uptime_seconds);
  o.close();
}

} // namespace bgpwatch::collector
