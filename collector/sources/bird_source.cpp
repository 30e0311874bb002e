// collector/sources/bird_source.cpp: the node's view from BIRD control sockets (see
// bird_source.hpp).
#include "collector/sources/bird_source.hpp"

#include "collector/sources/bird_client.hpp"

#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <utility>

namespace bgpwatch::collector {

namespace {

bool is_bird2_or_later(const std::string& version)
{
  // "2.0.12", "3.0.0"; 1.x needs bird6 for IPv6.
  return !version.empty() && version[0] >= '2' && version[0] <= '9';
}

bool path_missing(const std::string& path)
{
  struct stat st{};
  return ::stat(path.c_str(), &st) != 0 && errno == ENOENT;
}

} // namespace

Expected<BirdSocketRead, std::string> read_bird_socket(const std::string& socket_path,
                                                       SteadyClock::time_point deadline)
{
  auto conn = BirdConnection::open(socket_path, deadline);
  if (!conn) {
    return Unexpected(conn.error());
  }
  auto status_reply = conn->command("show status", deadline);
  if (!status_reply) {
    return Unexpected(status_reply.error());
  }
  auto status = bgp::parse_bird_status(*status_reply);
  if (!status) {
    return Unexpected("cannot read 'show status' from BIRD at " + socket_path + ": " + status.error().to_string());
  }
  auto protocols_reply = conn->command("show protocols all", deadline);
  if (!protocols_reply) {
    return Unexpected(protocols_reply.error());
  }
  auto summary = bgp::parse_bird_protocols(*protocols_reply, status->server_time);
  if (!summary) {
    return Unexpected("cannot read 'show protocols all' from BIRD at " + socket_path + ": "
                      + summary.error().to_string());
  }
  return BirdSocketRead{std::move(*status), std::move(summary->sessions)};
}

BirdSource::BirdSource(std::vector<std::string> sockets, BirdSocketSet set)
  : m_sockets(std::move(sockets)), m_defaults(set == BirdSocketSet::calico_pair && m_sockets.size() == 2)
{
  if (m_sockets.empty()) {
    m_sockets = {k_default_bird_socket, k_default_bird6_socket};
    m_defaults = true;
  }
}

std::string BirdSource::describe() const
{
  std::string out = m_sockets.size() == 1 ? "BIRD control socket " : "BIRD control sockets ";
  for (std::size_t i = 0; i < m_sockets.size(); ++i) {
    out += (i ? ", " : "") + m_sockets[i];
  }
  return out;
}

SourceInfo BirdSource::info() const
{
  return {bgp::Source::bird, describe(), {{"sockets", m_sockets, true}}};
}

Expected<std::vector<bgp::Session>, std::string> BirdSource::read(SteadyClock::time_point deadline)
{
  std::vector<bgp::Session> sessions;
  std::vector<BirdSocketReport> reports;
  std::string first_error;
  bool bird2_seen = false;
  for (const auto& path : m_sockets) {
    BirdSocketReport report;
    report.socket = path;
    // BIRD 2 answers both families on bird.ctl; calico-node with BIRD 2 has
    // no bird6.ctl. Only for the default pair: an explicit --socket must answer.
    if (m_defaults && &path == &m_sockets.back() && bird2_seen && path_missing(path)) {
      report.ok = true;
      report.skipped = true;
      reports.push_back(std::move(report));
      continue;
    }
    auto r = read_bird_socket(path, deadline);
    if (!r) {
      report.error = r.error();
      if (first_error.empty()) {
        first_error = r.error();
      }
      reports.push_back(std::move(report));
      continue;
    }
    report.ok = true;
    bird2_seen = bird2_seen || is_bird2_or_later(r->status.version);
    report.bgp_protocols = r->sessions.size();
    report.status = std::move(r->status);
    sessions.insert(sessions.end(), r->sessions.begin(), r->sessions.end());
    report.sessions = std::move(r->sessions);
    reports.push_back(std::move(report));
  }
  std::vector<BirdSocketReport> previous;
  {
    std::lock_guard lock(m_mutex);
    previous = std::exchange(m_reports, reports);
  }
  if (m_log_transitions) {
    const auto in_recovery = [](const std::vector<BirdSocketReport>& list, const std::string& socket) {
      for (const auto& r : list) {
        if (r.socket == socket) {
          return r.status && r.status->graceful_restart_recovery;
        }
      }
      return false;
    };
    for (const auto& r : reports) {
      const auto note = graceful_restart_note(r);
      if (note && !in_recovery(previous, r.socket)) {
        spdlog::warn("{}", *note);
      }
    }
    for (const auto& r : reports) {
      if (in_recovery(previous, r.socket) && r.status && !r.status->graceful_restart_recovery) {
        spdlog::info("BIRD at {}: graceful restart recovery done", r.socket);
      }
    }
  }
  if (!first_error.empty()) {
    return Unexpected(first_error);
  }
  return sessions;
}

std::vector<BirdSocketReport> BirdSource::last_reports() const
{
  std::lock_guard lock(m_mutex);
  return m_reports;
}

std::vector<std::string> BirdSource::graceful_restart_notes() const
{
  std::vector<std::string> notes;
  for (const auto& r : last_reports()) {
    if (auto note = graceful_restart_note(r)) {
      notes.push_back(std::move(*note));
    }
  }
  return notes;
}

std::optional<std::string> graceful_restart_note(const BirdSocketReport& r)
{
  if (!r.status || !r.status->graceful_restart_recovery) {
    return std::nullopt;
  }
  std::string note = "BIRD " + r.status->version + " at " + r.socket + ": graceful restart recovery in progress";
  std::string detail;
  if (r.status->graceful_restart_waiting) {
    detail = "waiting for " + std::to_string(*r.status->graceful_restart_waiting)
             + (is_bird2_or_later(r.status->version) ? " channels" : " protocols");
  }
  if (r.status->graceful_restart_wait_timer) {
    detail += (detail.empty() ? "" : ", ") + std::string("wait timer ") + *r.status->graceful_restart_wait_timer;
  }
  return detail.empty() ? note : note + " (" + detail + ")";
}

} // namespace bgpwatch::collector
