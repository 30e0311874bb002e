// tests/collector/test_wire_source.cpp: WireSource fails closed, and on
// loopback sees a BGP session that two sockets of this test bring up
// (OPEN, OPEN, KEEPALIVE, KEEPALIVE). Live capture needs root/CAP_NET_RAW:
// without it, only the fail-closed checks run.
#include "collector/sources/wire_source.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <thread>
#include <vector>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

std::vector<std::uint8_t> open_msg(std::uint16_t as, std::uint8_t id)
{
  std::vector<std::uint8_t> m(16, 0xff);
  m.insert(m.end(), {0x00, 29, 0x01, 0x04, static_cast<std::uint8_t>(as >> 8), static_cast<std::uint8_t>(as), 0x00,
                     0x5a, 10, 0, 0, id, 0x00});
  return m;
}

std::vector<std::uint8_t> keepalive()
{
  std::vector<std::uint8_t> m(16, 0xff);
  m.insert(m.end(), {0x00, 19, 0x04});
  return m;
}

} // namespace

TEST_CASE("wire source: an interface that does not exist is an error, never an empty list")
{
  WireSource source("bw-nonexistent0", "");
  auto r = source.read(SteadyClock::now() + std::chrono::seconds(1));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().find("bw-nonexistent0") != std::string::npos);
  CHECK(source.describe() == "BGP on the wire (bw-nonexistent0, 'tcp port 179')");
}

TEST_CASE("wire source: a BGP session on loopback is seen Established, address = the peer")
{
  if (geteuid() != 0) {
    WARN("not root: live capture not tested");
    return;
  }
  constexpr std::uint16_t port = 17979;
  WireSource source("lo", "tcp port " + std::to_string(port));
  // Silence first: fail closed.
  auto none = source.read(SteadyClock::now());
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().find("no BGP session seen on 'lo'") != std::string::npos);

  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(listen(listener, 1) == 0);
  const int client = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  const int server = accept(listener, nullptr, nullptr);
  REQUIRE(server >= 0);
  auto send_all = [](int fd, const std::vector<std::uint8_t>& m) {
    REQUIRE(write(fd, m.data(), m.size()) == static_cast<ssize_t>(m.size()));
  };
  send_all(client, open_msg(64601, 11));
  send_all(server, open_msg(14907, 1));
  send_all(client, keepalive());
  send_all(server, keepalive());

  // Poll (not sleep-and-hope) until the capture thread has seen it.
  Expected<std::vector<bgp::Session>, std::string> seen = Unexpected(std::string("not read"));
  const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
  while (SteadyClock::now() < deadline) {
    seen = source.read(deadline);
    if (seen && seen->at(0).state == bgp::SessionState::established) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  close(client);
  close(server);
  close(listener);
  REQUIRE(seen.has_value());
  REQUIRE(seen->size() == 1);
  const auto& s = seen->at(0);
  CHECK(s.state == bgp::SessionState::established);
  CHECK(s.source == bgp::Source::wire);
  CHECK(s.address.to_string() == "127.0.0.1");
  // Both ends are this host: the hub rule picks the end that accepted the
  // connection as local; the peer's AS is then the client's.
  CHECK(s.peer_as == 64601u);
  CHECK(s.local_as == 14907u);
  CHECK(s.uptime_seconds.has_value());
  CHECK_FALSE(s.last_error.has_value());
}
