// collector/roll/audit.cpp: the audit trail (see audit.hpp).
#include "collector/roll/audit.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace bgpwatch::collector {

namespace {

using nlohmann::json;

constexpr std::string_view k_steps[] = {"preflight", "drain", "command", "wait", "settle", "uncordon", "done"};
constexpr std::string_view k_verdicts[] = {"started", "ok", "failed", "interrupted"};

std::string line_of(const json& j)
{
  // Router and node names come from outside: never let bad UTF-8 throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace

std::string_view to_string(RollStep step) noexcept
{
  return k_steps[static_cast<std::size_t>(step)];
}

std::string_view to_string(StepVerdict verdict) noexcept
{
  return k_verdicts[static_cast<std::size_t>(verdict)];
}

std::string rfc3339_ms(AuditClock::time_point t)
{
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const long long frac = ms - static_cast<long long>(secs) * 1000;
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::string format_header(const RollHeader& h, AuditClock::time_point now)
{
  json j = {{"event", "roll"},       {"time", rfc3339_ms(now)}, {"site", h.site},
            {"owner", h.owner},      {"nodes", h.nodes},        {"command", h.command},
            {"max_unavailable", h.max_unavailable},             {"drain", h.drain}};
  return line_of(j);
}

std::string format_step(const StepRecord& r, AuditClock::time_point now)
{
  json j = {{"event", "step"},
            {"time", rfc3339_ms(now)},
            {"node", r.node},
            {"step", to_string(r.step)},
            {"start", rfc3339_ms(r.start)},
            {"end", r.end ? json(rfc3339_ms(*r.end)) : json(nullptr)},
            {"verdict", to_string(r.verdict)},
            {"exit", r.exit ? json(*r.exit) : json(nullptr)},
            {"detail", r.detail}};
  return line_of(j);
}

std::string format_result(const RollResult& r, AuditClock::time_point now)
{
  json j = {{"event", "result"}, {"time", rfc3339_ms(now)}, {"site", r.site},
            {"done", r.done},    {"not_done", r.not_done},  {"exit", r.exit}};
  return line_of(j);
}

Expected<AuditSummary, std::string> parse_audit(std::string_view text)
{
  AuditSummary s;
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      break; // torn last write: the step it described did not finish either
    }
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    const std::string where = "line " + std::to_string(line_no) + ": ";
    const json j = json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("event") || !j["event"].is_string()) {
      return Unexpected(where + "not a roll audit record");
    }
    ++s.lines;
    const std::string event = j["event"].get<std::string>();
    if (event == "roll") {
      if (!j.contains("site") || !j["site"].is_string()) {
        return Unexpected(where + "a roll record without a site");
      }
      const std::string site = j["site"].get<std::string>();
      if (s.site && *s.site != site) {
        return Unexpected(where + "a roll of site " + site + " in the audit of site " + *s.site);
      }
      s.site = site;
    } else if (event == "step") {
      if (!j.contains("node") || !j["node"].is_string() || !j.contains("step") || !j["step"].is_string()
          || !j.contains("verdict") || !j["verdict"].is_string()) {
        return Unexpected(where + "a step record needs node, step and verdict");
      }
      const std::string node = j["node"].get<std::string>();
      if (std::find(s.touched.begin(), s.touched.end(), node) == s.touched.end()) {
        s.touched.push_back(node);
      }
      if (j["step"] == "done" && j["verdict"] == "ok") {
        s.done.insert(node);
      }
    } else if (event != "result") {
      return Unexpected(where + "unknown event '" + event + "'");
    }
  }
  return s;
}

Expected<AuditFile, std::string> AuditFile::open(const std::string& path)
{
  AuditFile f;
  f.m_path = path;
  f.m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (f.m_fd < 0) {
    return Unexpected("--state " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::pread(f.m_fd, buf, sizeof buf, static_cast<off_t>(text.size()));
    if (n < 0) {
      return Unexpected("--state " + path + ": reading: " + std::strerror(errno));
    }
    if (n == 0) {
      break;
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  auto summary = parse_audit(text);
  if (!summary) {
    return Unexpected("--state " + path + ": " + summary.error());
  }
  f.m_existing = std::move(*summary);
  if (!text.empty() && text.back() != '\n') {
    // A torn last write (a crash mid-line) was never a record: cut it off, so
    // our records start on a line of their own and the file stays readable.
    const auto keep = text.rfind('\n');
    const off_t size = keep == std::string::npos ? 0 : static_cast<off_t>(keep + 1);
    if (::ftruncate(f.m_fd, size) != 0) {
      return Unexpected("--state " + path + ": cutting off a torn last line: " + std::strerror(errno));
    }
  }
  return f;
}

AuditFile::AuditFile(AuditFile&& o) noexcept
  : m_path(std::move(o.m_path)), m_fd(o.m_fd), m_existing(std::move(o.m_existing))
{
  o.m_fd = -1;
}

AuditFile& AuditFile::operator=(AuditFile&& o) noexcept
{
  if (this != &o) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_path = std::move(o.m_path);
    m_fd = o.m_fd;
    m_existing = std::move(o.m_existing);
    o.m_fd = -1;
  }
  return *this;
}

AuditFile::~AuditFile()
{
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

Expected<bool, std::string> AuditFile::append(const std::string& line)
{
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(m_fd, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Unexpected("--state " + m_path + ": writing: " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(m_fd) != 0) {
    return Unexpected("--state " + m_path + ": fsync: " + std::strerror(errno));
  }
  return true;
}

} // namespace bgpwatch::collector
