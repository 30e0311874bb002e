// tests/bench/bench_junos_e2e.cpp: stand-in for `bgpwatch --format json
// parse FILE` while that command is not on main: read FILE, parse_junos_xml,
// write the SPEC parse JSON ({"format","groups","peers","down_peers",
// "sessions":[session_to_json...]}) to stdout. Used by
// junos_parse_compare.sh only when build-bench/bgpwatch cannot parse.
#include "bgp/junos.hpp"
#include "collector/render/session_json.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv)
{
  if (argc != 2) {
    std::cerr << "usage: bench_junos_e2e FILE.xml\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "bench_junos_e2e: cannot read " << argv[1] << "\n";
    return 3;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const auto summary = bgpwatch::bgp::parse_junos_xml(buffer.str());
  if (!summary) {
    std::cerr << "bench_junos_e2e: " << summary.error().to_string() << "\n";
    return 3;
  }
  const auto count = [](const std::optional<std::uint64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  nlohmann::json out = {{"format", "junos-xml"},
                        {"groups", count(summary->groups)},
                        {"peers", count(summary->peers)},
                        {"down_peers", count(summary->down_peers)}};
  auto& sessions = out["sessions"] = nlohmann::json::array();
  for (const auto& s : summary->sessions) {
    sessions.push_back(bgpwatch::collector::session_to_json(s));
  }
  const auto text = out.dump();
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}
