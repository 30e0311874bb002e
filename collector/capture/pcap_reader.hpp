// collector/capture/pcap_reader.hpp: libpcap at the edge. Opens a capture file or a
// live interface with a BPF filter and hands out frames; nothing else in
// bgpwatch includes <pcap.h>. Also summarize_pcap_file() for `parse`.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace bgpwatch::collector {

inline constexpr const char* k_default_bpf = "tcp port 179";

struct Frame
{
  std::int64_t time_us = 0;               // capture timestamp, microseconds since the epoch
  std::span<const std::uint8_t> bytes;    // captured bytes, valid until the next next()
  std::uint32_t wire_length = 0;
};

struct PcapError
{
  enum class Kind : std::uint8_t { unreadable, permission, bad_filter, no_such_device, other };
  Kind kind = Kind::other;
  std::string message; // says what failed and what to do
};

class PcapReader
{
public:
  ~PcapReader();
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;

  // "-" reads stdin. Timestamps in nanosecond files are read at microsecond precision.
  static Expected<std::unique_ptr<PcapReader>, PcapError> open_file(const std::string& path, const std::string& bpf);
  // Live: snaplen 65535, promiscuous off, immediate mode, read timeout
  // `timeout_ms` so that next() returns regularly (Next::timeout).
  static Expected<std::unique_ptr<PcapReader>, PcapError> open_live(const std::string& interface,
                                                                     const std::string& bpf, int timeout_ms = 200);

  enum class Next : std::uint8_t { frame, timeout, end, error };
  Next next(Frame& frame);
  int link_type() const noexcept
  {
    return m_dlt;
  }
  std::string last_error() const;
  // From another thread or a signal handler: make next() return end.
  void break_loop() noexcept;
  std::uint64_t kernel_drops() const; // live only: packets the kernel dropped

private:
  PcapReader() = default;
  void* m_handle = nullptr; // pcap_t
  int m_dlt = 0;
  bool m_live = false;
};

// `bgpwatch parse FILE.pcap`: one Session per BGP session (address pair) seen
// in the capture, source = wire. Which end is "the peer" (Session::address):
// the local speaker is the end that takes part in the most BGP sessions of
// the capture (the router a capture on its link shows peering with several
// nodes, or the node peering with several routers); on a tie, the end that
// accepted the TCP connection (received the SYN); on a further tie, the
// lower address. address = the other end, local_address = the local one.
// This makes a router-side capture read like the router's own summary.
Expected<bgp::Summary, std::string> summarize_pcap_file(const std::string& path);

} // namespace bgpwatch::collector
