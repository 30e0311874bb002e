// tests/bench/bench_poll.cpp: poll cycles over many simulated routers
// behind sshd (set up by tests/bench/bench_poll.sh, which passes the
// bgpwatch config in BGPWATCH_BENCH_CONFIG). Reports, per cycle, the wall
// time against the slowest router in that cycle (target: <= 1.2x), the
// CPU time of this process, and its peak RSS. Sessions are persistent: a
// warm-up poll opens them first, as the collector does.
#include "collector/config/config.hpp"
#include "collector/sources/poller.hpp"

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

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

long peak_rss_kib()
{
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

const Config& config()
{
  static const Config c = [] {
    const char* path = std::getenv("BGPWATCH_BENCH_CONFIG");
    if (!path) {
      std::cerr << "BGPWATCH_BENCH_CONFIG is not set: run tests/bench/bench_poll.sh\n";
      std::exit(2);
    }
    auto loaded = load_config_file(path);
    if (!loaded) {
      std::cerr << loaded.error().to_string() << "\n";
      std::exit(2);
    }
    return *loaded;
  }();
  return c;
}

void BM_PollCycle(benchmark::State& state)
{
  const auto routers = config().all_routers();
  // Arg: worker threads (0 = one per router).
  const auto workers = state.range(0) == 0 ? routers.size() : static_cast<std::size_t>(state.range(0));
  Poller poller(config().netconf, workers);
  // Warm-up: open every session (not measured).
  for (const auto& o : poller.poll(routers, SteadyClock::now() + 120s)) {
    if (!o.readable) {
      state.SkipWithError(("warm-up: " + o.error).c_str());
      return;
    }
  }
  double worst_ratio = 0, sum_ratio = 0, sum_cycle = 0, sum_slowest = 0, cpu = 0;
  std::size_t sessions = 0, cycles = 0;
  for (auto _ : state) {
    const double cpu0 = cpu_seconds();
    const auto t0 = SteadyClock::now();
    auto results = poller.poll_detailed(routers, SteadyClock::now() + 120s);
    const auto wall = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    cpu += cpu_seconds() - cpu0;
    state.SetIterationTime(wall);
    double slowest = 0;
    sessions = 0;
    for (const auto& r : results) {
      if (!r.observation.readable) {
        state.SkipWithError(r.observation.error.c_str());
        return;
      }
      sessions += r.observation.sessions.size();
      slowest = std::max(slowest, std::chrono::duration<double>(r.duration).count());
    }
    const double ratio = wall / slowest;
    worst_ratio = std::max(worst_ratio, ratio);
    sum_ratio += ratio;
    sum_cycle += wall;
    sum_slowest += slowest;
    ++cycles;
  }
  state.counters["routers"] = static_cast<double>(routers.size());
  state.counters["workers"] = static_cast<double>(workers);
  state.counters["sessions"] = static_cast<double>(sessions);
  state.counters["cycle_ms"] = sum_cycle / static_cast<double>(cycles) * 1000;
  state.counters["slowest_router_ms"] = sum_slowest / static_cast<double>(cycles) * 1000;
  state.counters["cycle_over_slowest"] = sum_ratio / static_cast<double>(cycles);
  state.counters["worst_cycle_over_slowest"] = worst_ratio;
  state.counters["cpu_ms_per_cycle"] = cpu / static_cast<double>(cycles) * 1000;
  state.counters["peak_rss_MiB"] = static_cast<double>(peak_rss_kib()) / 1024.0;
  state.counters["sessions_opened"] = static_cast<double>(poller.sessions_opened());
}

// One router alone: the reference "slowest single router" when nothing
// else competes for the CPU.
void BM_PollSingleRouter(benchmark::State& state)
{
  const auto routers = config().all_routers();
  Poller poller(config().netconf, 1);
  (void)poller.poll(routers, SteadyClock::now() + 300s); // open the sessions first
  double slowest = 0;
  for (auto _ : state) {
    for (const auto& r : routers) {
      const auto t0 = SteadyClock::now();
      auto obs = poller.poll({r}, SteadyClock::now() + 120s);
      const double wall = std::chrono::duration<double>(SteadyClock::now() - t0).count();
      if (!obs[0].readable) {
        state.SkipWithError(obs[0].error.c_str());
        return;
      }
      slowest = std::max(slowest, wall);
    }
  }
  state.counters["slowest_alone_ms"] = slowest * 1000;
}

} // namespace

BENCHMARK(BM_PollCycle)->Arg(0)->Arg(8)->UseManualTime()->Iterations(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PollSingleRouter)->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
