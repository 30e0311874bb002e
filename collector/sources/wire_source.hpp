// collector/sources/wire_source.hpp: `--source wire`: the node's BGP sessions as
// seen on its own interface, with no router credentials.
//
// A background thread runs a live capture (PcapReader, BPF `tcp port 179` by
// default) through the wire pipeline (SniffEngine). read() returns one
// Session per BGP session seen so far: address = the remote router (the end
// that is not one of this host's addresses on the interface), local_address
// = the node's, source = wire, state as inferred, uptime since the last
// transition (null for an Established session whose start was before the
// capture: we cannot know it), last_error from the NOTIFICATION/FIN/RST.
// Fails closed: no session seen (yet), or the capture failing, is an error.
#pragma once

#include "collector/sources/state_source.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace bgpwatch::collector {

class SniffEngine;
class PcapReader;

class WireSource : public NodeStateSource
{
public:
  // Opens the capture at once (so that a missing CAP_NET_RAW or interface is
  // reported on the first read()) and starts the capture thread.
  WireSource(std::string interface, std::string bpf_filter);
  ~WireSource() override;

  Expected<std::vector<bgp::Session>, std::string> read(SteadyClock::time_point deadline) override;
  std::string describe() const override; // "BGP on the wire (eth0, 'tcp port 179')"
  SourceInfo info() const override;

private:
  void run();

  std::string m_interface;
  std::string m_filter;
  std::set<bgp::Address> m_local_addresses;
  std::unique_ptr<PcapReader> m_reader;
  std::string m_open_error;
  std::unique_ptr<SniffEngine> m_engine;
  mutable std::mutex m_mutex; // guards m_engine and m_run_error
  std::string m_run_error;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
  SteadyClock::time_point m_started;
};

// This host's addresses on `interface` ("any": on every interface).
std::set<bgp::Address> local_addresses(const std::string& interface);

} // namespace bgpwatch::collector
