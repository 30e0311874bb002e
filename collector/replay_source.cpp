// collector/replay_source.cpp: saved replies as a StateSource (see .hpp).
#include "collector/replay_source.hpp"

#include "bgp/junos.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sys/stat.h>

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

Expected<std::string, std::string> read_stream(std::istream& in, const std::string& name, std::size_t max_bytes)
{
  std::string data;
  char buf[65536];
  while (in) {
    in.read(buf, sizeof(buf));
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      return Unexpected(name + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  if (in.bad()) {
    return Unexpected(name + ": read error");
  }
  return data;
}

} // namespace

Expected<std::string, std::string> read_input_file(const std::string& path, std::size_t max_bytes)
{
  if (path == "-") {
    return read_stream(std::cin, "<stdin>", max_bytes);
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Unexpected(path + ": " + std::strerror(errno));
  }
  return read_stream(in, path, max_bytes);
}

Expected<ParsedInput, std::string> parse_saved_reply(const std::string& path, const std::string& content)
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
