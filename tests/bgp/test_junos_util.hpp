// tests/bgp/test_junos_util.hpp: fixture loading and exact session checks
// shared by the Junos XML and text parser tests.
#pragma once

#include "bgp/junos.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace junos_test {

using namespace bgpwatch::bgp;

// The parse error's text for a failure message ("" when it parsed), so each
// test can REQUIRE the parse itself and still say why it failed.
inline std::string error_text(const bgpwatch::Expected<Summary, ParseError>& r)
{
  return r ? std::string() : r.error().to_string();
}

// $BGPWATCH_FIXTURES (set by CTest), else found from this file's path or
// the working directory, so the test binary also runs by hand.
inline std::filesystem::path fixtures_dir()
{
  if (const char* env = std::getenv("BGPWATCH_FIXTURES"); env != nullptr && *env != '\0') {
    return env;
  }
  const std::filesystem::path candidates[] = {
    std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "fixtures",
    "fixtures",
    "../fixtures",
  };
  for (const auto& c : candidates) {
    if (std::filesystem::is_directory(c / "junos")) {
      return c;
    }
  }
  return candidates[0];
}

inline std::string fixture(const std::string& name)
{
  const auto path = fixtures_dir() / "junos" / name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// One expected peer; every field is compared (nullopt = must be absent).
struct Peer
{
  const char* address = "";
  std::optional<std::string> instance;
  std::optional<std::uint32_t> as;
  SessionState state = SessionState::unknown;
  std::optional<std::int64_t> uptime;
  std::optional<std::uint64_t> flaps;
  std::optional<std::uint64_t> in;
  std::optional<std::uint64_t> out;
  std::optional<std::uint64_t> queue;
  std::optional<std::string> description;
  std::vector<RibCounts> ribs;
};

// XML terse per-peer RIB: active/received/accepted/suppressed, no damped.
inline RibCounts xrib(const char* name, std::uint64_t active, std::uint64_t received, std::uint64_t accepted,
                      std::uint64_t suppressed)
{
  return RibCounts{name, active, received, accepted, std::nullopt, suppressed};
}

// Text A/R/Acc/D: active/received/accepted/damped, no suppressed.
inline RibCounts trib(const char* name, std::uint64_t active, std::uint64_t received, std::uint64_t accepted,
                      std::uint64_t damped)
{
  return RibCounts{name, active, received, accepted, damped, std::nullopt};
}

inline void check_ribs(const std::vector<RibCounts>& got, const std::vector<RibCounts>& want)
{
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i, want[i].name);
    CHECK(got[i].name == want[i].name);
    CHECK(got[i].active == want[i].active);
    CHECK(got[i].received == want[i].received);
    CHECK(got[i].accepted == want[i].accepted);
    CHECK(got[i].damped == want[i].damped);
    CHECK(got[i].suppressed == want[i].suppressed);
  }
}

inline void check_sessions(const Summary& summary, const std::vector<Peer>& want)
{
  REQUIRE(summary.sessions.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& s = summary.sessions[i];
    const auto& w = want[i];
    CAPTURE(i, w.address);
    const auto address = Address::parse(w.address);
    REQUIRE(address.has_value());
    CHECK(s.address == *address);
    CHECK(s.instance == w.instance);
    CHECK(s.peer_as == w.as);
    CHECK(to_string(s.state) == to_string(w.state));
    CHECK(s.uptime_seconds == w.uptime);
    CHECK(s.flaps == w.flaps);
    CHECK(s.input_messages == w.in);
    CHECK(s.output_messages == w.out);
    CHECK(s.output_queue == w.queue);
    CHECK(s.description == w.description);
    CHECK(s.source == Source::netconf);
    CHECK_FALSE(s.router.has_value());
    CHECK_FALSE(s.site.has_value());
    CHECK_FALSE(s.node.has_value());
    check_ribs(s.ribs, w.ribs);
  }
}

inline void check_counts(const Summary& s, std::optional<std::uint64_t> groups, std::optional<std::uint64_t> peers,
                         std::optional<std::uint64_t> down)
{
  CHECK(s.groups == groups);
  CHECK(s.peers == peers);
  CHECK(s.down_peers == down);
}

} // namespace junos_test
