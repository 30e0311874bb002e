// tests/bgp/test_fsm.cpp: next_state() and SessionTracker inference.
#include "bgp/fsm.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch::bgp;

namespace {

using S = SessionState;
using E = FsmEvent;

const FlowKey k_node{*Address::parse("10.64.0.11"), 40512, *Address::parse("10.64.0.1"), 179};
const FlowKey k_router = k_node.reversed();

Open open_with(std::uint16_t as, std::uint16_t hold)
{
  Open o;
  o.my_as = as;
  o.hold_time = hold;
  o.bgp_id = 1;
  Capability four;
  four.code = static_cast<std::uint8_t>(CapabilityCode::four_octet_as);
  four.four_octet_as = as;
  o.capabilities.push_back(four);
  return o;
}

Notification cease(std::uint8_t sub, std::string text = {})
{
  Notification n;
  n.code = 6;
  n.subcode = sub;
  if (!text.empty()) {
    n.shutdown_communication = text;
  }
  return n;
}

constexpr std::int64_t k_s = 1'000'000;

} // namespace

TEST_CASE("fsm: next_state table")
{
  struct Row
  {
    S from;
    E event;
    S to;
  };
  const Row rows[] = {
    {S::unknown, E::tcp_syn, S::connect},
    {S::connect, E::open_one_side, S::open_sent},
    {S::open_sent, E::open_both_sides, S::open_confirm},
    {S::open_sent, E::keepalive, S::open_sent},
    {S::open_confirm, E::keepalive, S::established},
    {S::established, E::keepalive, S::established},
    {S::established, E::update, S::established},
    {S::established, E::notification, S::idle},
    {S::established, E::tcp_fin, S::idle},
    {S::established, E::tcp_rst, S::idle},
    {S::established, E::hold_silence, S::idle},
    {S::established, E::open_one_side, S::established},
    {S::unknown, E::keepalive, S::established},
    {S::unknown, E::update, S::established},
    {S::idle, E::keepalive, S::established},
    {S::connect, E::tcp_rst, S::idle},
    {S::open_sent, E::notification, S::idle},
    {S::idle, E::hold_silence, S::idle},
    {S::open_sent, E::hold_silence, S::open_sent},
  };
  for (const auto& r : rows) {
    CAPTURE(to_string(r.from), to_string(r.event));
    CHECK(next_state(r.from, r.event) == r.to);
  }
}

TEST_CASE("fsm: OPEN, OPEN, KEEPALIVE -> Established; the negotiated hold time and context")
{
  SessionTracker t;
  std::vector<Transition> out;
  t.on_stream_event(k_node, 0, StreamEventKind::syn, out);
  t.on_message(k_node, 1, open_with(64601, 240), out);
  t.on_message(k_router, 2, open_with(14907, 90), out);
  t.on_message(k_node, 3, Keepalive{}, out);
  t.on_message(k_router, 4, Keepalive{}, out);
  REQUIRE(out.size() == 4);
  CHECK(out[0].to == S::connect);
  CHECK(out[1].to == S::open_sent);
  CHECK(out[2].to == S::open_confirm);
  CHECK(out[3].from == S::open_confirm);
  CHECK(out[3].to == S::established);
  CHECK_FALSE(out[3].inferred);
  const auto& s = t.sessions().at(0);
  CHECK(s.negotiated_hold_time() == std::uint16_t{90});
  CHECK(s.established_count == 1);
  CHECK(t.context_for(k_node).four_octet_as == true);
  CHECK(s.sides[s.side_of(k_node)].sent_syn);
}

TEST_CASE("fsm: NOTIFICATION takes the session down with the reason; late traffic does not revive it")
{
  SessionTracker t;
  std::vector<Transition> out;
  t.on_message(k_router, 10 * k_s, Keepalive{}, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].to == S::established);
  CHECK(out[0].inferred); // capture started mid-session
  t.on_message(k_router, 11 * k_s, cease(2, "draining"), out);
  REQUIRE(out.size() == 2);
  CHECK(out[1].to == S::idle);
  CHECK(out[1].reason
        == "NOTIFICATION 6/2 (Cease, Administrative Shutdown) from 10.64.0.1: \"draining\"");
  t.on_message(k_node, 11 * k_s + 5, Keepalive{}, out); // in flight
  t.on_stream_event(k_router, 12 * k_s, StreamEventKind::fin, out);
  CHECK(out.size() == 2);
  const auto& s = t.sessions().at(0);
  CHECK(s.state == S::idle);
  CHECK(s.down_count == 1);
  CHECK(s.last_error == out[1].reason);
}

TEST_CASE("fsm: silence longer than the hold time is a suspected hold expiry")
{
  SessionTracker t;
  std::vector<Transition> out;
  t.on_message(k_node, 0, open_with(64601, 9), out);
  t.on_message(k_router, 0, open_with(14907, 90), out);
  t.on_message(k_node, 1 * k_s, Keepalive{}, out);
  t.on_message(k_router, 1 * k_s, Keepalive{}, out);
  out.clear();
  // The router keeps talking; the node goes quiet after t=1s.
  for (int i = 2; i <= 10; ++i) {
    t.on_message(k_router, i * k_s, Keepalive{}, out);
    t.tick(i * k_s, out);
  }
  CHECK(out.empty()); // 9 s of silence is not more than 9 s
  t.tick(10 * k_s + 1, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].event == E::hold_silence);
  CHECK(out[0].to == S::idle);
  CHECK(out[0].reason == "hold timer expiry suspected: nothing from 10.64.0.11 for 9 s (hold time 9 s)");
  // The NOTIFICATION that follows replaces the suspicion as the reason.
  Notification hold;
  hold.code = 4;
  t.on_message(k_router, 11 * k_s, hold, out);
  REQUIRE(out.size() == 2);
  CHECK(out[1].reason == "NOTIFICATION 4/0 (Hold Timer Expired, Unspecific) from 10.64.0.1");
}

TEST_CASE("fsm: RST after SYN is a refused connection; a new connection on the same ports starts over")
{
  SessionTracker t;
  std::vector<Transition> out;
  t.on_stream_event(k_router, 0, StreamEventKind::syn, out);
  t.on_stream_event(k_node, 1, StreamEventKind::rst, out);
  REQUIRE(out.size() == 2);
  CHECK(out[1].to == S::idle);
  CHECK(out[1].reason == "TCP RST from 10.64.0.11");
  t.on_stream_event(k_router, 5 * k_s, StreamEventKind::syn, out);
  t.on_message(k_router, 5 * k_s, open_with(14907, 90), out);
  CHECK(t.sessions().at(0).state == S::open_sent);
}
