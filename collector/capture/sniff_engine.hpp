// collector/capture/sniff_engine.hpp: the wire pipeline shared by `sniff`, `parse
// FILE.pcap` and `--source wire`: frame -> TCP segment (pcap_packet) ->
// reassembly -> decode (with the session's negotiated context) -> FSM
// inference. What it finds goes to a SniffObserver; renderers live elsewhere.
#pragma once

#include "bgp/fsm.hpp"
#include "bgp/reassembly.hpp"
#include "bgp/session.hpp"
#include "bgp/wire.hpp"
#include "collector/capture/pcap_packet.hpp"
#include "collector/capture/pcap_reader.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace bgpwatch::collector {

class SniffObserver
{
public:
  virtual ~SniffObserver() = default;
  virtual void on_message(const bgp::FlowKey&, std::int64_t /*time_us*/, const bgp::Message&, std::size_t /*length*/)
  {
  }
  virtual void on_malformed(const bgp::FlowKey&, std::int64_t /*time_us*/, std::uint8_t /*type*/,
                            const bgp::DecodeError&)
  {
  }
  virtual void on_transition(const bgp::Transition&, const bgp::TrackedSession&)
  {
  }
  virtual void on_stream(const bgp::FlowKey&, std::int64_t /*time_us*/, bgp::StreamEventKind, std::size_t /*bytes*/)
  {
  }
};

struct SniffStats
{
  std::uint64_t frames = 0;
  std::uint64_t tcp_segments = 0;
  std::array<std::uint64_t, 6> skipped{}; // by SkipReason
  std::array<std::uint64_t, 6> messages{}; // by MessageType value, malformed included
  std::uint64_t malformed = 0;
  std::uint64_t resync_bytes = 0;
  std::uint64_t gap_bytes = 0;
  std::uint64_t gaps = 0;
  std::int64_t first_time_us = 0;
  std::int64_t last_time_us = 0;
};

class SniffEngine : private bgp::ReassemblySink
{
public:
  explicit SniffEngine(SniffObserver& observer, bgp::ReassemblyLimits reassembly = {}, bgp::TrackerLimits tracker = {});

  void feed(int link_type, const Frame& frame);
  // Hold-timer silence check and idle stream expiry at time now (capture
  // time; for a live capture, the wall clock). feed() calls it once per
  // second of capture time.
  void tick(std::int64_t now_us);

  const bgp::SessionTracker& tracker() const noexcept
  {
    return m_tracker;
  }
  const SniffStats& stats() const noexcept
  {
    return m_stats;
  }
  const bgp::Reassembler& reassembler() const noexcept
  {
    return m_reassembler;
  }

private:
  void on_message(const bgp::FlowKey& flow, std::int64_t time_us, std::span<const std::uint8_t> bytes) override;
  void on_stream_event(const bgp::FlowKey& flow, std::int64_t time_us, bgp::StreamEventKind kind,
                       std::size_t bytes) override;
  void publish();

  SniffObserver& m_observer;
  bgp::Reassembler m_reassembler;
  bgp::SessionTracker m_tracker;
  SniffStats m_stats;
  std::vector<bgp::Transition> m_transitions; // reused
  std::int64_t m_last_tick_us = 0;
};

// Which side (0/1) of a tracked session is the local speaker.
using LocalSideRule = std::function<int(const bgp::TrackedSession&)>;

// The hub rule of summarize_pcap_file (see pcap_reader.hpp): the end in the
// most BGP sessions, then the end that received the SYN, then the lower address.
LocalSideRule hub_rule(const bgp::SessionTracker& tracker);

// One bgp::Session per address pair (several TCP connections of the same
// pair are one BGP session: the latest Established one represents it, else
// the latest). source = wire; uptime relative to now_us; uptime is null for
// an inferred Established (it came up before the capture: unknown when).
std::vector<bgp::Session> sessions_from_tracker(const bgp::SessionTracker& tracker, std::int64_t now_us,
                                                const LocalSideRule& local_side);

} // namespace bgpwatch::collector
