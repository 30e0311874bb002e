// collector/sources/replay_source.hpp: --replay ROUTER=FILE. The routers' state from
// saved replies (Junos XML or `show bgp summary` text, detected from
// content) instead of asking them: dry runs, post-mortems, tests. With any
// --replay nothing is asked over the network: a router without a file is
// Unknown, and a file that cannot be read or parsed makes its router Unknown
// with "FILE:LINE: what".
#pragma once

#include "bgp/detect.hpp"
#include "bgp/session.hpp"
#include "collector/base/input_bytes.hpp"
#include "collector/sources/state_source.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::collector {

// --replay ROUTER=FILE
struct ReplaySpec
{
  std::string router; // RouterConfig::name it stands for
  std::string file;   // path; "-" is not accepted (several replays, one stdin)
  bool neighbors = false; // --replay-neighbors: neighbor detail for the router's summary
};


// A saved router reply, parsed: the format detected and the summary, or an
// error "FILE:LINE: what" (line omitted when the parser gives none).
struct ParsedInput
{
  bgp::InputFormat format = bgp::InputFormat::unknown;
  bgp::Summary summary;
};
Expected<ParsedInput, std::string> parse_saved_reply(const std::string& path, std::string_view content);

class ReplaySource : public StateSource
{
public:
  // `now` is the polled_at of every observation (--now, else the start).
  ReplaySource(std::vector<ReplaySpec> replays, bgp::WallClock::time_point now);

  std::vector<bgp::RouterObservation> poll(const std::vector<RouterConfig>& routers,
                                           SteadyClock::time_point deadline) override;
  std::string describe() const override;
  SourceInfo info() const override;

private:
  std::vector<ReplaySpec> m_replays;
  bgp::WallClock::time_point m_now;
};

} // namespace bgpwatch::collector
