// tests/collector/test_parse_output.cpp: `bgpwatch parse`'s fast paths
// against the plain ones they replace (issue 2): append_parse_json writes
// exactly parse_to_json(...).dump(indent) (+ "file"), and map_input_file
// gives read_input_file's bytes and errors.
#include "collector/base/input_bytes.hpp"
#include "collector/render/json.hpp"
#include "collector/render/json_text.hpp"
#include "collector/render/session_json.hpp"
#include "collector/sources/replay_source.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <functional>
#include <limits>
#include <random>
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

// nlohmann's dump of `j` nested `current` spaces deep, as its serializer
// writes an element inside an array or object.
std::string nested_dump(const nlohmann::json& j, int indent, unsigned current)
{
  std::string out;
  nlohmann::detail::serializer<nlohmann::json> serializer(nlohmann::detail::output_adapter<char>(out), ' ',
                                                          k_json_invalid_utf8);
  serializer.dump(j, indent >= 0, false, static_cast<unsigned>(indent >= 0 ? indent : 0), current);
  return out;
}

TEST_CASE("append_session_json writes session_to_json's dump byte for byte (issue 17)", "[parse]")
{
  // Random sessions: every optional field present or not, strings with
  // quotes, control bytes, UTF-8, invalid UTF-8 and DEL, 0-3 RIBs.
  std::mt19937_64 rng(17);
  const std::vector<std::string> texts = {"",
                                          "kubernetes1003.eqiad.wmnet",
                                          "a \"quoted\" \\ back\tslash\n",
                                          std::string("nul \0 and \x01\x1f\x7f", 13),
                                          "caf\xc3\xa9 \xe2\x82\xac",
                                          "latin-1 caf\xe9",
                                          "truncated \xe2\x82",
                                          "frontend.inet.0"};
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const auto maybe_text = [&]() -> std::optional<std::string> {
    return pick(3) == 0 ? std::nullopt : std::optional<std::string>(texts[pick(texts.size())]);
  };
  const auto maybe_u64 = [&]() -> std::optional<std::uint64_t> {
    switch (pick(4)) {
    case 0:
      return std::nullopt;
    case 1:
      return 0;
    case 2:
      return std::numeric_limits<std::uint64_t>::max();
    default:
      return rng() >> pick(64);
    }
  };
  const std::vector<std::string> addresses = {"10.64.32.23", "2620:0:861:103:10:64:32:23", "::ffff:192.0.2.1",
                                              "2001:db8::", "0.0.0.0"};
  for (int i = 0; i < 500; ++i) {
    bgp::Session s;
    s.address = *bgp::Address::parse(addresses[pick(addresses.size())]);
    s.router = maybe_text();
    s.site = maybe_text();
    s.node = maybe_text();
    s.instance = maybe_text();
    s.description = maybe_text();
    s.protocol = maybe_text();
    s.last_error = maybe_text();
    if (pick(2) == 0) {
      s.local_address = bgp::Address::parse(addresses[pick(addresses.size())]);
    }
    if (pick(2) == 0) {
      s.local_as = static_cast<std::uint32_t>(rng());
    }
    if (pick(4) != 0) {
      s.peer_as = static_cast<std::uint32_t>(rng());
    }
    s.state = static_cast<bgp::SessionState>(pick(7));
    s.source = pick(2) == 0 ? bgp::Source::netconf : bgp::Source::bird;
    if (pick(4) != 0) {
      s.uptime_seconds = pick(2) == 0 ? -static_cast<std::int64_t>(pick(1000)) : static_cast<std::int64_t>(rng() >> 1);
    }
    s.flaps = maybe_u64();
    s.input_messages = maybe_u64();
    s.output_messages = maybe_u64();
    s.output_queue = maybe_u64();
    for (std::size_t r = pick(4); r > 0; --r) {
      s.ribs.push_back({texts[pick(texts.size())], maybe_u64(), maybe_u64(), maybe_u64(), maybe_u64(), maybe_u64()});
    }
    const auto tree = session_to_json(s);
    for (const int indent : {-1, 0, 2, 4}) {
      for (const unsigned current : {0U, 4U, 6U, 80U}) {
        if (indent < 0 && current != 0) {
          continue;
        }
        std::string out = "prefix:";
        append_session_json(out, s, indent, current);
        INFO("session " << i << " indent " << indent << " current " << current);
        REQUIRE(out == "prefix:" + nested_dump(tree, indent, current));
      }
    }
  }
}

TEST_CASE("append_parse_json streams through drain: the same bytes in pieces", "[parse]")
{
  bgp::Summary summary = sample_summary();
  const auto one = summary.sessions;
  for (int i = 0; i < 400; ++i) {
    summary.sessions.insert(summary.sessions.end(), one.begin(), one.end());
  }
  for (const int indent : {-1, 2}) {
    std::string whole;
    append_parse_json(whole, bgp::InputFormat::junos_xml, summary, nullptr, indent);
    std::string streamed;
    std::size_t drains = 0;
    const std::function<void(std::string&)> drain = [&](std::string& buf) {
      CHECK(buf.size() >= 64 * 1024);
      streamed += buf;
      buf.clear();
      ++drains;
    };
    std::string out;
    append_parse_json(out, bgp::InputFormat::junos_xml, summary, nullptr, indent, drain);
    streamed += out;
    CHECK(drains >= 2);
    CHECK(streamed == whole);
    CHECK(whole == parse_to_json(bgp::InputFormat::junos_xml, summary).dump(indent, ' ', false, k_json_invalid_utf8));
  }
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
