// collector/gate/node_view.cpp: node-side views for the gate (see .hpp).
#include "collector/gate/node_view.hpp"

namespace bgpwatch::collector {

namespace {

bool wanted(bgp::Family f, const std::string& family)
{
  return family == "both" || (family == "ipv4" && f == bgp::Family::ipv4)
         || (family == "ipv6" && f == bgp::Family::ipv6);
}

} // namespace

std::vector<bgp::ExpectedSession> node_side_expected(const std::vector<RouterConfig>& routers,
                                                     const std::string& family,
                                                     const std::optional<std::string>& node,
                                                     const std::optional<std::string>& site)
{
  std::vector<bgp::ExpectedSession> out;
  for (const auto& r : routers) {
    for (const auto& a : r.bgp_addresses) {
      if (wanted(a.family(), family)) {
        out.push_back(bgp::ExpectedSession{r.name, a, 0, node.value_or(""), site.value_or("")});
      }
    }
  }
  return out;
}

std::string seen_name(const bgp::Session& s)
{
  return s.protocol.value_or(s.address.to_string());
}

std::vector<bgp::ExpectedSession> expected_from_seen(const std::vector<bgp::Session>& seen, const std::string& family)
{
  std::vector<bgp::ExpectedSession> out;
  for (const auto& s : seen) {
    if (wanted(s.family(), family)) {
      out.push_back(bgp::ExpectedSession{seen_name(s), s.address, 0, "", ""});
    }
  }
  return out;
}

NodeViewSource::NodeViewSource(std::unique_ptr<NodeStateSource> source, bool names_from_seen)
  : m_source(std::move(source)), m_names_from_seen(names_from_seen)
{
}

std::vector<bgp::RouterObservation> NodeViewSource::poll(const std::vector<RouterConfig>& routers,
                                                         SteadyClock::time_point deadline)
{
  const auto sent = bgp::WallClock::now(); // uptimes are judged from here (bgp::session_came_up)
  auto read = m_source->read(deadline);
  const auto now = bgp::WallClock::now();
  m_last.clear();
  m_error.clear();
  if (read) {
    m_last = *read;
  } else {
    m_error = read.error();
  }
  auto make = [&](const std::string& name, std::vector<bgp::Session> sessions) {
    bgp::RouterObservation o;
    o.router = name;
    o.polled_at = now;
    o.request_sent_at = sent;
    o.readable = read.has_value();
    if (!read) {
      o.error = read.error();
    } else {
      o.sessions = std::move(sessions);
    }
    return o;
  };
  std::vector<bgp::RouterObservation> out;
  for (const auto& r : routers) {
    out.push_back(make(r.name, m_last));
  }
  if (m_names_from_seen) {
    for (const auto& s : m_last) {
      out.push_back(make(seen_name(s), {s}));
    }
  }
  return out;
}

std::string NodeViewSource::describe() const
{
  return m_source->describe();
}

SourceInfo NodeViewSource::info() const
{
  return m_source->info();
}

} // namespace bgpwatch::collector
