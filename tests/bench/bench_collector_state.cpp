// tests/bench/bench_collector_state.cpp: the collector's in-memory side at
// the scale of issue 6 (49 answering routers x 2,000 peers): recording one
// router's poll, and producing /metrics and /v1/sessions from the state.
// No network: bench_collect_scale.sh measures the daemon end to end; this
// says how much of a scrape is ours.
//   build-bench/bench/bench_collector_state
#include "collector/config/config.hpp"
#include "collector/daemon/state.hpp"

#include <benchmark/benchmark.h>

#include <malloc.h>
#include <string>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

constexpr int k_routers = 49;
constexpr int k_peers = 2000;

std::string router_name(int i)
{
  return "r" + std::string(i < 9 ? "0" : "") + std::to_string(i + 1);
}

Config bench_config()
{
  std::string yaml = "sites:\n  bench:\n    asn: 64601\n    routers:\n";
  for (int i = 0; i < k_routers; ++i) {
    yaml += "      - {name: " + router_name(i) + ", host: 127.0.0.1, port: 1}\n";
  }
  yaml += "netconf: {username: x, known_hosts: /dev/null}\n";
  auto c = parse_config(yaml, "bench.yaml");
  if (!c) {
    throw std::runtime_error(c.error().to_string());
  }
  return *c;
}

// What the simulator's 2,000-peer reply parses to: Established IPv4 peers
// with one RIB each (the shape the scale benchmark polls).
bgp::RouterObservation poll_of(int router, std::uint64_t flaps)
{
  bgp::RouterObservation o;
  o.router = router_name(router);
  o.readable = true;
  o.polled_at = bgp::WallClock::now();
  for (int p = 0; p < k_peers; ++p) {
    bgp::Session s;
    s.address = *bgp::Address::parse("10.128." + std::to_string(p / 250) + "." + std::to_string(p % 250 + 1));
    s.peer_as = 64601;
    s.state = bgp::SessionState::established;
    s.uptime_seconds = 86400;
    s.flaps = flaps;
    s.input_messages = 1000;
    s.output_messages = 1000;
    s.output_queue = 0;
    s.ribs.push_back({"inet.0", 2, 3, 3, 0, std::nullopt});
    o.sessions.push_back(std::move(s));
  }
  return o;
}

std::size_t heap_in_use()
{
  return mallinfo2().uordblks + mallinfo2().hblkhd;
}

std::size_t g_state_bytes = 0; // heap the full state holds

CollectorState& full_state()
{
  static CollectorState st = [] {
    const std::size_t before = heap_in_use();
    CollectorState s;
    s.set_config(bench_config());
    for (int i = 0; i < k_routers; ++i) {
      s.record(poll_of(i, 0), std::chrono::milliseconds(50));
    }
    g_state_bytes = heap_in_use() - before;
    return s;
  }();
  return st;
}

void BM_RecordPoll(benchmark::State& state)
{
  auto& st = full_state();
  std::uint64_t flaps = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto o = poll_of(0, flaps++ % 2); // every session changes: the worst case
    state.ResumeTiming();
    benchmark::DoNotOptimize(st.record(std::move(o), std::chrono::milliseconds(50)));
  }
  state.SetItemsProcessed(state.iterations() * k_peers);
  state.counters["state_MB"] = static_cast<double>(g_state_bytes) / 1e6;
  state.counters["bytes_per_session"] = static_cast<double>(g_state_bytes) / (k_routers * k_peers);
}
BENCHMARK(BM_RecordPoll)->Unit(benchmark::kMillisecond);

// Pieces as the HTTP server takes them: one reused buffer, cleared per piece.
std::size_t drain(const BodyProducer& produce)
{
  std::string piece;
  std::size_t total = 0;
  bool more = true;
  while (more) {
    piece.clear();
    more = produce(piece);
    total += piece.size();
  }
  return total;
}

void BM_MetricsScrape(benchmark::State& state)
{
  auto& st = full_state();
  std::size_t bytes = 0;
  for (auto _ : state) {
    bytes = drain(st.metrics_stream());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_MetricsScrape)->Unit(benchmark::kMillisecond);

void BM_SessionsJson(benchmark::State& state)
{
  auto& st = full_state();
  std::size_t bytes = 0;
  for (auto _ : state) {
    bytes = drain(st.sessions_stream(bgp::WallClock::now()));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_SessionsJson)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
