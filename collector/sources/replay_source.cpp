// collector/sources/replay_source.cpp: saved replies as a StateSource (see .hpp).
#include "collector/sources/replay_source.hpp"

#include "bgp/junos_neighbor.hpp"

#include "bgp/junos.hpp"

#include <algorithm>

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

} // namespace

Expected<ParsedInput, std::string> parse_saved_reply(const std::string& path, std::string_view content)
{
  ParsedInput out;
  out.format = bgp::detect_format(content);
  Expected<bgp::Summary, bgp::ParseError> parsed = bgp::Summary{};
  switch (out.format) {
  case bgp::InputFormat::junos_xml:
    // The streaming reader when it can vouch for its answer, else the DOM
    // path (which also words every error).
    if (auto streamed = bgp::parse_junos_xml_stream(content)) {
      parsed = std::move(*streamed);
    } else {
      parsed = bgp::parse_junos_xml(content);
    }
    break;
  case bgp::InputFormat::junos_text:
    parsed = bgp::parse_junos_text(content);
    break;
  case bgp::InputFormat::junos_neighbor_xml:
    parsed = bgp::parse_junos_neighbor_xml(content);
    break;
  case bgp::InputFormat::junos_neighbor_text:
    parsed = bgp::parse_junos_neighbor_text(content);
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
    o.request_sent_at = m_now; // a saved reply is judged as if asked for at --now
    // Every file given for the router: the last summary is the sessions, and
    // neighbor-detail files (issue 14) are folded into it; detail alone
    // stands for itself.
    std::vector<const ReplaySpec*> specs;
    for (const auto& r : m_replays) {
      if (r.router == router.name) {
        specs.push_back(&r);
      }
    }
    if (specs.empty()) {
      o.error = "no --replay file for " + router.name + " (with --replay nothing is asked over the network)";
      out.push_back(std::move(o));
      continue;
    }
    std::optional<std::vector<bgp::Session>> summary;
    std::vector<bgp::Session> detail;
    for (const auto* spec : specs) {
      auto content = read_input_file(spec->file, bgp::k_max_input_bytes);
      if (!content) {
        o.error = content.error();
        break;
      }
      auto parsed = parse_saved_reply(spec->file, *content);
      if (!parsed) {
        o.error = parsed.error();
        break;
      }
      if (parsed->format == bgp::InputFormat::junos_neighbor_xml
          || parsed->format == bgp::InputFormat::junos_neighbor_text) {
        detail.insert(detail.end(), parsed->summary.sessions.begin(), parsed->summary.sessions.end());
      } else {
        summary = std::move(parsed->summary.sessions);
      }
    }
    if (!o.error.empty()) {
      out.push_back(std::move(o));
      continue;
    }
    if (summary) {
      bgp::merge_neighbor_detail(*summary, detail);
    }
    o.readable = true;
    o.sessions = summary ? std::move(*summary) : std::move(detail);
    for (auto& s : o.sessions) {
      s.router = router.name;
      s.source = bgp::Source::replay;
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string ReplaySource::describe() const
{
  return "replay files";
}

SourceInfo ReplaySource::info() const
{
  SourceParam files{"replay_files", {}, true};
  for (const auto& r : m_replays) {
    files.values.push_back(r.file);
  }
  return {bgp::Source::replay, describe(), {std::move(files)}};
}

} // namespace bgpwatch::collector
