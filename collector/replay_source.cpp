// collector/replay_source.cpp: saved replies as a StateSource (see .hpp).
#include "collector/replay_source.hpp"

#include "bgp/junos.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bgpwatch::collector {

namespace {

std::string with_location(const std::string& path, const bgp::ParseError& e)
{
  std::string out = path + ":";
  if (e.line != 0) {
    out += std::to_string(e.line) + ":";
  }
  return out + " " + e.detail;
}

// Reads `fd` to EOF into one string. `size_hint` (a regular file's size)
// is reserved up front, so the usual case is one allocation and one read()
// straight into the result: no 64 KiB staging buffer, no geometric regrowth
// copying a 7 MB reply several times (issue 2: bgpwatch parse end to end).
// The loop still runs to EOF, since a file can grow while it is read; stdin
// and other unsized inputs are read in 1 MiB blocks.
Expected<std::string, std::string> read_fd(int fd, const std::string& name, std::size_t max_bytes,
                                           std::size_t size_hint)
{
  constexpr std::size_t k_block = std::size_t{1} << 20;
  std::string data;
  // +1: room for the read() that returns 0 at EOF without regrowing.
  data.reserve(size_hint > 0 ? size_hint + 1 : k_block);
  for (;;) {
    const std::size_t used = data.size();
    if (data.capacity() == used) {
      data.reserve(std::max(used * 2, used + k_block));
    }
    const std::size_t want = data.capacity() - used;
    data.resize(used + want);
    const ssize_t n = ::read(fd, data.data() + used, want);
    if (n < 0) {
      data.resize(used);
      if (errno == EINTR) {
        continue;
      }
      return Unexpected(name + ": read error");
    }
    data.resize(used + static_cast<std::size_t>(n));
    if (data.size() > max_bytes) {
      return Unexpected(name + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    if (n == 0) {
      return data;
    }
  }
}

} // namespace

Expected<std::string, std::string> read_input_file(const std::string& path, std::size_t max_bytes)
{
  if (path == "-") {
    return read_fd(STDIN_FILENO, "<stdin>", max_bytes, 0);
  }
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    return Unexpected(path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return Unexpected(path + ": is a directory");
  }
  // Refuse before reading: a 100 MB file is an error, not 100 MB of RAM.
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    return Unexpected(path + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Unexpected(path + ": " + std::strerror(errno));
  }
  const std::size_t size_hint = S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 0;
  auto data = read_fd(fd, path, max_bytes, size_hint);
  ::close(fd);
  return data;
}

Expected<ParsedInput, std::string> parse_saved_reply(const std::string& path, std::string_view content)
{
  ParsedInput out;
  out.format = bgp::detect_format(content);
  Expected<bgp::Summary, bgp::ParseError> parsed = bgp::Summary{};
  switch (out.format) {
  case bgp::InputFormat::junos_xml:
    parsed = bgp::parse_junos_xml(content);
    break;
  case bgp::InputFormat::junos_text:
    parsed = bgp::parse_junos_text(content);
    break;
  case bgp::InputFormat::bird:
  case bgp::InputFormat::pcap:
    return Unexpected(path + ": " + std::string(bgp::to_string(out.format))
                      + " input is not a router reply (Junos XML or show bgp summary text expected)");
  case bgp::InputFormat::unknown:
    return Unexpected(path + ": unrecognised format (expected Junos XML, Junos show bgp summary text, "
                             "BIRD show protocols or a pcap)");
  }
  if (!parsed) {
    return Unexpected(with_location(path, parsed.error()));
  }
  out.summary = std::move(*parsed);
  return out;
}

ReplaySource::ReplaySource(std::vector<ReplaySpec> replays, bgp::WallClock::time_point now)
  : m_replays(std::move(replays)), m_now(now)
{
}

std::vector<bgp::RouterObservation> ReplaySource::poll(const std::vector<RouterConfig>& routers,
                                                       SteadyClock::time_point)
{
  std::vector<bgp::RouterObservation> out;
  for (const auto& router : routers) {
    bgp::RouterObservation o;
    o.router = router.name;
    o.polled_at = m_now;
    const ReplaySpec* spec = nullptr;
    for (const auto& r : m_replays) {
      if (r.router == router.name) {
        spec = &r;
      }
    }
    if (spec == nullptr) {
      o.error = "no --replay file for " + router.name + " (with --replay nothing is asked over the network)";
      out.push_back(std::move(o));
      continue;
    }
    auto content = read_input_file(spec->file, bgp::k_max_input_bytes);
    if (!content) {
      o.error = content.error();
      out.push_back(std::move(o));
      continue;
    }
    auto parsed = parse_saved_reply(spec->file, *content);
    if (!parsed) {
      o.error = parsed.error();
      out.push_back(std::move(o));
      continue;
    }
    o.readable = true;
    o.sessions = std::move(parsed->summary.sessions);
    for (auto& s : o.sessions) {
      s.router = router.name;
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string ReplaySource::describe() const
{
  return "replay files";
}

} // namespace bgpwatch::collector
