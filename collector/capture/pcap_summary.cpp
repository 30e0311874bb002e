// collector/capture/pcap_summary.cpp: summarize_pcap_file() for `bgpwatch parse
// FILE.pcap` (see pcap_reader.hpp for which end is "the peer").
#include "collector/capture/pcap_reader.hpp"
#include "collector/capture/sniff_engine.hpp"

namespace bgpwatch::collector {

Expected<bgp::Summary, std::string> summarize_pcap_file(const std::string& path)
{
  auto reader = PcapReader::open_file(path, k_default_bpf);
  if (!reader) {
    return Unexpected(reader.error().message);
  }
  SniffObserver quiet;
  SniffEngine engine(quiet);
  Frame frame;
  for (;;) {
    const auto next = (*reader)->next(frame);
    if (next == PcapReader::Next::frame) {
      engine.feed((*reader)->link_type(), frame);
      continue;
    }
    if (next == PcapReader::Next::error) {
      return Unexpected("cannot read capture '" + path + "': " + (*reader)->last_error());
    }
    break;
  }
  // Uptimes are relative to the end of the capture, not to now: the file
  // says nothing about what happened after it.
  bgp::Summary summary;
  summary.sessions = sessions_from_tracker(engine.tracker(), engine.stats().last_time_us, hub_rule(engine.tracker()));
  summary.peers = summary.sessions.size();
  std::uint64_t down = 0;
  for (const auto& s : summary.sessions) {
    down += s.state == bgp::SessionState::established ? 0 : 1;
  }
  summary.down_peers = down;
  return summary;
}

} // namespace bgpwatch::collector
