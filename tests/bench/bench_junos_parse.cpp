// tests/bench/bench_junos_parse.cpp: Google Benchmark of parse_junos_xml and
// parse_junos_text (issue 2 item 10). Not a test: it asserts nothing about
// time. Input: $BGPWATCH_BENCH_XML (default build-bench/junos_10k.xml, made
// by tests/bench/junos_parse_compare.sh or gen_junos_summary.py).
#include "bgp/junos.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

std::string load(const char* env, const char* fallback)
{
  const char* path = std::getenv(env);
  std::ifstream in(path != nullptr ? path : fallback, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void bm_parse_junos_xml(benchmark::State& state)
{
  static const std::string xml = load("BGPWATCH_BENCH_XML", "junos_10k.xml");
  if (xml.empty()) {
    state.SkipWithError("no input: set BGPWATCH_BENCH_XML to a generated reply");
    return;
  }
  std::size_t sessions = 0;
  for (auto _ : state) {
    auto r = bgpwatch::bgp::parse_junos_xml(xml);
    if (!r) {
      state.SkipWithError(r.error().to_string().c_str());
      return;
    }
    sessions = r->sessions.size();
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * xml.size()));
  state.counters["sessions"] = static_cast<double>(sessions);
}
BENCHMARK(bm_parse_junos_xml)->Unit(benchmark::kMillisecond);

// A text paste of the same size class: 10,000 peer lines, half with a RIB line.
void bm_parse_junos_text(benchmark::State& state)
{
  static const std::string text = [] {
    std::string t = "Groups: 4 Peers: 10000 Down peers: 0\n"
                    "Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn State|#Active/"
                    "Received/Accepted/Damped...\n";
    for (int i = 0; i < 10000; ++i) {
      t += "10.64." + std::to_string(i / 256) + "." + std::to_string(i % 256)
           + "           64601     824512     795240       0       1 12w1d 21:45:51 Establ\n  inet.0: 1/1/1/0\n";
    }
    return t;
  }();
  for (auto _ : state) {
    auto r = bgpwatch::bgp::parse_junos_text(text);
    if (!r) {
      state.SkipWithError(r.error().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(bm_parse_junos_text)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
