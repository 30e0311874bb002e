// tests/bench/bench_sniff_floor.cpp: the floor for `sniff --read`: a bare
// libpcap read loop that touches every captured byte (a byte sum, so the
// read cannot be optimised away) and does nothing else. Also a Google
// Benchmark of the wire pipeline without output (decode + reassembly + FSM).
//
//   bench_sniff_floor FILE.pcap            one floor pass: packets, bytes, seconds
//   bench_sniff_floor --pipeline FILE.pcap one pipeline pass, no output
//   bench_sniff_floor                      Google Benchmark on BGPWATCH_BENCH_PCAP
#include "collector/capture/pcap_reader.hpp"
#include "collector/capture/sniff_engine.hpp"

#include <benchmark/benchmark.h>
#include <pcap/pcap.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct FloorResult
{
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t sum = 0;
};

FloorResult floor_pass(const char* path)
{
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(path, err);
  if (p == nullptr) {
    std::fprintf(stderr, "bench_sniff_floor: %s\n", err);
    std::exit(3);
  }
  FloorResult r;
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  while (pcap_next_ex(p, &h, &d) == 1) {
    ++r.packets;
    r.bytes += h->caplen;
    for (std::uint32_t i = 0; i < h->caplen; ++i) {
      r.sum += d[i];
    }
  }
  pcap_close(p);
  return r;
}

std::uint64_t pipeline_pass(const char* path)
{
  using namespace bgpwatch::collector;
  auto reader = PcapReader::open_file(path, k_default_bpf);
  if (!reader) {
    std::fprintf(stderr, "bench_sniff_floor: %s\n", reader.error().message.c_str());
    std::exit(3);
  }
  SniffObserver quiet;
  SniffEngine engine(quiet);
  Frame frame;
  while ((*reader)->next(frame) == PcapReader::Next::frame) {
    engine.feed((*reader)->link_type(), frame);
  }
  std::uint64_t n = 0;
  for (const auto c : engine.stats().messages) {
    n += c;
  }
  return n;
}

void BM_floor(benchmark::State& state)
{
  const char* path = std::getenv("BGPWATCH_BENCH_PCAP");
  if (path == nullptr) {
    state.SkipWithError("set BGPWATCH_BENCH_PCAP");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(floor_pass(path).sum);
  }
}
BENCHMARK(BM_floor)->Unit(benchmark::kMillisecond);

void BM_pipeline(benchmark::State& state)
{
  const char* path = std::getenv("BGPWATCH_BENCH_PCAP");
  if (path == nullptr) {
    state.SkipWithError("set BGPWATCH_BENCH_PCAP");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(pipeline_pass(path));
  }
}
BENCHMARK(BM_pipeline)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv)
{
  if (argc == 2 && argv[1][0] != '-') {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = floor_pass(argv[1]);
    const auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("floor: %llu packets, %llu bytes, %.3f s (sum %llu)\n", static_cast<unsigned long long>(r.packets),
                static_cast<unsigned long long>(r.bytes), s, static_cast<unsigned long long>(r.sum % 1000));
    return 0;
  }
  if (argc == 3 && std::strcmp(argv[1], "--pipeline") == 0) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto n = pipeline_pass(argv[2]);
    const auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("pipeline: %llu messages, %.3f s\n", static_cast<unsigned long long>(n), s);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
