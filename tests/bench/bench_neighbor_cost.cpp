// tests/bench/bench_neighbor_cost.cpp: the poll cost of the neighbor-detail
// RPC (issue 14), set up by tests/bench/neighbor_cost.sh (simulated routers
// behind private sshds; the bgpwatch config in BGPWATCH_BENCH_CONFIG). One
// Poller per mode, sessions opened by a warm-up poll, then CYCLES polls of
// every router; per cycle the wall time and this process's CPU (the
// bgpwatch side: NETCONF, parsing, merging; the routers' side is theirs):
//   summary     <get-bgp-summary-information/> only (the baseline)
//   peers:N     + <neighbor-address> RPCs for the first N peers of each
//               router (the gate and check_bgpwatch: a node's peers)
//   full        + the whole table every poll (check_bgpwatch --site)
//   collector   + the collector's plan (detail_plan.hpp: the whole table
//               every 6th poll, moving peers in between)
// usage: bench_neighbor_cost CYCLES MODE...
#include "collector/config/config.hpp"
#include "collector/sources/poller.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

using namespace bgpwatch;
using namespace bgpwatch::collector;
using namespace std::chrono_literals;

namespace {

double cpu_seconds()
{
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
         + static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double pct(std::vector<double> v, double p)
{
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

} // namespace

int main(int argc, char** argv)
{
  const char* path = std::getenv("BGPWATCH_BENCH_CONFIG");
  if (path == nullptr || argc < 3) {
    std::cerr << "usage: BGPWATCH_BENCH_CONFIG=FILE bench_neighbor_cost CYCLES MODE... (tests/bench/neighbor_cost.sh)\n";
    return 2;
  }
  auto config = load_config_file(path);
  if (!config) {
    std::cerr << config.error().to_string() << "\n";
    return 2;
  }
  const int cycles = std::atoi(argv[1]);
  const auto routers = config->all_routers();
  std::printf("%-10s %7s %12s %12s %12s %12s %10s %9s %9s\n", "mode", "routers", "wall_med_ms", "wall_max_ms",
              "cpu_ms/cyc", "cpu_max_ms", "sessions", "with_det", "full/peer");
  for (int m = 2; m < argc; ++m) {
    const std::string mode = argv[m];
    Poller poller(config->netconf, std::min<std::size_t>(routers.size(), 32));
    if (mode == "full") {
      poller.set_collector_detail(DetailPolicy{1, 0});
    } else if (mode == "collector") {
      poller.set_collector_detail(DetailPolicy{});
    }
    std::vector<bgp::RouterObservation> warm = poller.poll(routers, SteadyClock::now() + 300s);
    if (mode.starts_with("peers:")) {
      const auto n = static_cast<std::size_t>(std::atoi(mode.c_str() + 6));
      std::map<std::string, std::vector<bgp::Address>> peers;
      for (const auto& o : warm) {
        for (std::size_t i = 0; i < std::min(n, o.sessions.size()); ++i) {
          peers[o.router].push_back(o.sessions[i].address);
        }
      }
      poller.set_neighbor_detail(std::move(peers));
    }
    for (const auto& o : warm) {
      if (!o.readable) {
        std::cerr << "warm-up: " << o.error << "\n";
        return 1;
      }
    }
    std::vector<double> walls, cpus;
    std::size_t sessions = 0, detailed = 0;
    const auto full0 = poller.detail_full_rpcs(), peer0 = poller.detail_peer_rpcs();
    for (int c = 0; c < cycles; ++c) {
      const double cpu0 = cpu_seconds();
      const auto t0 = SteadyClock::now();
      auto obs = poller.poll(routers, SteadyClock::now() + 300s);
      walls.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
      cpus.push_back((cpu_seconds() - cpu0) * 1000);
      sessions = detailed = 0;
      for (const auto& o : obs) {
        if (!o.readable) {
          std::cerr << mode << ": " << o.error << "\n";
          return 1;
        }
        sessions += o.sessions.size();
        detailed += static_cast<std::size_t>(
          std::count_if(o.sessions.begin(), o.sessions.end(), [](const bgp::Session& s) { return s.has_detail; }));
      }
    }
    double cpu_sum = 0;
    for (const double c : cpus) {
      cpu_sum += c;
    }
    std::printf("%-10s %7zu %12.1f %12.1f %12.1f %12.1f %10zu %9zu %4llu/%llu\n", mode.c_str(), routers.size(),
                pct(walls, 0.5), pct(walls, 1.0), cpu_sum / cycles, pct(cpus, 1.0), sessions, detailed,
                static_cast<unsigned long long>(poller.detail_full_rpcs() - full0),
                static_cast<unsigned long long>(poller.detail_peer_rpcs() - peer0));
    std::fflush(stdout);
  }
  return 0;
}
