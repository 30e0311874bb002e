// tests/collector/test_parse_output.cpp: `bgpwatch parse`'s fast paths
// against the plain ones they replace (issue 2): append_parse_json writes
// exactly parse_to_json(...).dump(indent) (+ "file"), and map_input_file
// gives read_input_file's bytes and errors.
#include "collector/base/input_bytes.hpp"
#include "collector/render/json.hpp"
#include "collector/sources/replay_source.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

bgp::Summary sample_summary()
{
  bgp::Summary summary;
  summary.groups = 3;
  summary.peers = 2;
  bgp::Session a;
  a.address = *bgp::Address::parse("192.0.2.1");
  a.peer_as = 64512;
  a.state = bgp::SessionState::established;
  a.uptime_seconds = 3600;
  a.flaps = 0;
  a.description = "k8s \"node\" caf\xc3\xa9\t\\";
  a.ribs.push_back({"inet.0", 1, 2, 3, 0, std::nullopt});
  a.ribs.push_back({"frontend.inet.0", std::nullopt, 5, std::nullopt, std::nullopt, std::nullopt});
  bgp::Session b;
  b.address = *bgp::Address::parse("2001:db8::2");
  b.state = bgp::SessionState::active;
  b.instance = "frontend";
  b.protocol = "bgp_b";
  b.last_error = "Hold timer expired";
  b.local_address = bgp::Address::parse("2001:db8::1");
  b.local_as = 64600;
  summary.sessions = {a, b};
  return summary;
}

std::string appended(const bgp::Summary& summary, const std::string* file, int indent)
{
  std::string out = "prefix:";
  append_parse_json(out, bgp::InputFormat::junos_xml, summary, file, indent);
  return out;
}

} // namespace

TEST_CASE("append_parse_json writes parse_to_json's dump byte for byte", "[parse]")
{
  const auto summary = sample_summary();
  const auto tree = parse_to_json(bgp::InputFormat::junos_xml, summary);
  CHECK(appended(summary, nullptr, 2) == "prefix:" + tree.dump(2));
  CHECK(appended(summary, nullptr, -1) == "prefix:" + tree.dump());
  auto with_file = tree;
  const std::string file = "r1.xml";
  with_file["file"] = file;
  CHECK(appended(summary, &file, -1) == "prefix:" + with_file.dump());
  CHECK(appended(summary, &file, 2) == "prefix:" + with_file.dump(2));
}

TEST_CASE("append_parse_json with no sessions writes an empty array", "[parse]")
{
  bgp::Summary empty;
  const auto tree = parse_to_json(bgp::InputFormat::junos_text, empty);
  std::string out;
  append_parse_json(out, bgp::InputFormat::junos_text, empty, nullptr, 2);
  CHECK(out == tree.dump(2));
  CHECK(out.find("\"sessions\": []") != std::string::npos);
  out.clear();
  append_parse_json(out, bgp::InputFormat::junos_text, empty, nullptr, -1);
  CHECK(out == R"({"down_peers":null,"format":"junos-text","groups":null,"peers":null,"sessions":[]})");
}

TEST_CASE("map_input_file gives read_input_file's bytes and errors", "[parse]")
{
  char pattern[] = "/tmp/bgpwatch-test-input-XXXXXX";
  const int fd = ::mkstemp(pattern);
  REQUIRE(fd >= 0);
  ::close(fd);
  const std::string path = pattern;
  const std::string body = std::string("<rpc-reply>\n") + std::string(100000, 'x') + "\n</rpc-reply>\n";
  {
    std::ofstream(path, std::ios::binary) << body;
  }
  auto mapped = map_input_file(path, 1 << 20);
  REQUIRE(mapped);
  CHECK(mapped->view() == body);
  // Moving keeps the bytes (the mapping changes owner, not address).
  InputBytes moved = std::move(*mapped);
  CHECK(moved.view() == body);

  auto small = map_input_file(path, 1000);
  REQUIRE_FALSE(small);
  CHECK(small.error() == path + ": larger than 1000 bytes");

  {
    std::ofstream(path, std::ios::binary | std::ios::trunc);
  }
  auto empty = map_input_file(path, 1000);
  REQUIRE(empty);
  CHECK(empty->view().empty());
  ::unlink(path.c_str());

  auto missing = map_input_file(path, 1000);
  REQUIRE_FALSE(missing);
  CHECK(missing.error() == path + ": No such file or directory");
  auto dir = map_input_file("/tmp", 1000);
  REQUIRE_FALSE(dir);
  CHECK(dir.error() == "/tmp: is a directory");
}
