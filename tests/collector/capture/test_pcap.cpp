// tests/collector/test_pcap.cpp: the pcap edge on the committed captures
// (real FRR/BIRD traffic, and the same traffic rewritten to other link
// types): exact message counts, link types, frame parsing corner cases, and
// summarize_pcap_file()'s choice of peer.
#include "collector/capture/pcap_packet.hpp"
#include "collector/capture/pcap_reader.hpp"
#include "collector/capture/sniff_engine.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdlib>
#include <filesystem>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

std::filesystem::path pcap_dir()
{
  if (const char* env = std::getenv("BGPWATCH_FIXTURES")) {
    return std::filesystem::path(env) / "pcap";
  }
  for (auto p = std::filesystem::current_path(); !p.empty(); p = p.parent_path()) {
    if (std::filesystem::is_directory(p / "fixtures" / "pcap")) {
      return p / "fixtures" / "pcap";
    }
    if (p == p.parent_path()) {
      break;
    }
  }
  return "fixtures/pcap";
}

struct Counted
{
  int link_type = 0;
  std::array<std::uint64_t, 6> messages{};
  std::uint64_t malformed = 0;
  std::uint64_t notifications_6_2 = 0;
};

Counted run(const std::string& name)
{
  auto reader = PcapReader::open_file((pcap_dir() / name).string(), k_default_bpf);
  REQUIRE(reader.has_value());
  SniffObserver quiet;
  SniffEngine engine(quiet);
  Frame frame;
  while ((*reader)->next(frame) == PcapReader::Next::frame) {
    engine.feed((*reader)->link_type(), frame);
  }
  Counted c;
  c.link_type = (*reader)->link_type();
  c.messages = engine.stats().messages;
  c.malformed = engine.stats().malformed;
  return c;
}

using Counts = std::array<std::uint64_t, 6>; // [unused, OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH]

} // namespace

TEST_CASE("pcap: message counts per fixture and link type (the numbers tshark reports)")
{
  struct Row
  {
    const char* file;
    int link_type;
    Counts counts;
  };
  // clang-format off
  const Row rows[] = {
    {"establish-v4.pcap",      k_dlt_ethernet,    {0, 2, 4, 0, 2, 0}},
    {"establish-v6.pcap",      k_dlt_ethernet,    {0, 2, 2, 0, 2, 0}},
    {"asn4.pcap",              k_dlt_ethernet,    {0, 2, 4, 0, 2, 0}},
    {"bird-restart.pcap",      k_dlt_ethernet,    {0, 4, 12, 2, 4, 0}},
    {"bad-peer-as.pcap",       k_dlt_ethernet,    {0, 3, 0, 2, 0, 0}},
    {"admin-shutdown.pcap",    k_dlt_ethernet,    {0, 0, 2, 1, 0, 0}},
    {"two-nodes.pcap",         k_dlt_ethernet,    {0, 8, 16, 0, 8, 0}},
    {"linktype-vlan.pcap",     k_dlt_ethernet,    {0, 4, 12, 2, 4, 0}},
    {"linktype-sll.pcap",      k_dlt_linux_sll,   {0, 2, 4, 0, 2, 0}},
    {"linktype-sll2-v6.pcap",  k_dlt_linux_sll2,  {0, 2, 2, 0, 2, 0}},
    {"linktype-raw.pcap",      k_dlt_raw,         {0, 0, 2, 1, 0, 0}},
  };
  // clang-format on
  for (const auto& r : rows) {
    CAPTURE(r.file);
    const auto c = run(r.file);
    CHECK(c.link_type == r.link_type);
    CHECK(c.messages == r.counts);
    CHECK(c.malformed == 0);
  }
  // An invalid ORIGIN in each direction: still counted as UPDATEs (as tshark does), and malformed.
  const auto bad = run("malformed-origin.pcap");
  CHECK(bad.messages == Counts{0, 2, 4, 0, 2, 0});
  CHECK(bad.malformed == 2);
  // hold-expiry and its QinQ copy: whatever the recording, they agree.
  const auto hold = run("hold-expiry.pcap");
  CHECK(hold.messages[3] == 1);
  CHECK(run("linktype-qinq.pcap").messages[4] > 0);
}

TEST_CASE("pcap: unreadable input is an error that names the file")
{
  auto missing = PcapReader::open_file("/nonexistent/x.pcap", k_default_bpf);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().kind == PcapError::Kind::unreadable);
  CHECK(missing.error().message.find("/nonexistent/x.pcap") != std::string::npos);
  auto bad_filter = PcapReader::open_file((pcap_dir() / "asn4.pcap").string(), "tcp port");
  REQUIRE_FALSE(bad_filter.has_value());
  CHECK(bad_filter.error().kind == PcapError::Kind::bad_filter);
}

TEST_CASE("pcap: parse_frame bounds and skips")
{
  // Ethernet + IPv4 (IHL 5, total 40) + TCP (offset 5) + no payload, then 6 bytes of padding.
  std::vector<std::uint8_t> f = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00,          // MACs, IPv4
    0x45, 0, 0x00, 0x28, 0, 0, 0x40, 0x00, 64, 6, 0, 0,          // IPv4: len 40, DF, TCP
    10, 64, 0, 11, 10, 64, 0, 1,                                 // 10.64.0.11 -> 10.64.0.1
    0x9e, 0x40, 0x00, 0xb3, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x12, 0xff, 0xff, 0, 0, 0, 0, // TCP SYN-ACK
    0xee, 0xee, 0xee, 0xee, 0xee, 0xee,                         // Ethernet padding
  };
  auto seg = parse_frame(k_dlt_ethernet, f, 7);
  REQUIRE(seg.has_value());
  CHECK(seg->flow.src.to_string() == "10.64.0.11");
  CHECK(seg->flow.src_port == 40512);
  CHECK(seg->flow.dst_port == 179);
  CHECK(seg->flags == (bgp::k_tcp_syn | bgp::k_tcp_ack));
  CHECK(seg->payload.empty()); // padding is not TCP data
  CHECK(seg->time_us == 7);

  for (std::size_t n = 0; n < 54; ++n) {
    CAPTURE(n);
    CHECK_FALSE(parse_frame(k_dlt_ethernet, std::span(f).first(n), 0).has_value());
  }
  auto frag = f;
  frag[20] = 0x20; // More Fragments
  CHECK(parse_frame(k_dlt_ethernet, frag, 0).error() == SkipReason::ip_fragment);
  auto udp = f;
  udp[23] = 17;
  CHECK(parse_frame(k_dlt_ethernet, udp, 0).error() == SkipReason::not_tcp);
  auto arp = f;
  arp[12] = 0x08;
  arp[13] = 0x06;
  CHECK(parse_frame(k_dlt_ethernet, arp, 0).error() == SkipReason::not_ip);
  auto bad_offset = f;
  bad_offset[46] = 0x40; // TCP data offset 4 words
  CHECK(parse_frame(k_dlt_ethernet, bad_offset, 0).error() == SkipReason::bad_header);
  CHECK(parse_frame(147, f, 0).error() == SkipReason::unsupported_link);
}

TEST_CASE("pcap: IPv6 with a hop-by-hop extension header, raw IP")
{
  std::vector<std::uint8_t> p = {
    0x60, 0, 0, 0, 0x00, 0x1c, 0x00, 64, // v6, payload 28, next header 0 (hop-by-hop)
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,  // 2001:db8::1
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,  // 2001:db8::2
    6, 0, 1, 4, 0, 0, 0, 0,             // hop-by-hop: next TCP, length 0 (8 bytes)
    0x00, 0xb3, 0x9e, 0x40, 0, 0, 0, 5, 0, 0, 0, 0, 0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0, // TCP ACK
  };
  auto seg = parse_frame(k_dlt_raw, p, 0);
  REQUIRE(seg.has_value());
  CHECK(seg->flow.src.to_string() == "2001:db8::1");
  CHECK(seg->flow.src_port == 179);
  CHECK(seg->seq == 5);
}

TEST_CASE("pcap: summarize_pcap_file picks the hub as the local speaker")
{
  auto two = summarize_pcap_file((pcap_dir() / "two-nodes.pcap").string());
  REQUIRE(two.has_value());
  // The router is in 4 sessions, each node in 2: the peers are the nodes.
  REQUIRE(two->sessions.size() == 4);
  for (const auto& s : two->sessions) {
    CAPTURE(s.address.to_string());
    CHECK(s.state == bgp::SessionState::established);
    CHECK(s.peer_as == 64601u);
    CHECK(s.local_as == 14907u);
    CHECK(s.source == bgp::Source::wire);
    REQUIRE(s.local_address.has_value());
    CHECK((s.local_address->to_string() == "10.64.0.1" || s.local_address->to_string() == "2620:0:861:101::1"));
    CHECK(s.uptime_seconds.has_value());
  }
  CHECK(two->peers == 4u);
  CHECK(two->down_peers == 0u);

  // One session: the end that received the SYN is local (BIRD connected to FRR).
  auto refused = summarize_pcap_file((pcap_dir() / "bad-peer-as.pcap").string());
  REQUIRE(refused.has_value());
  REQUIRE(refused->sessions.size() == 1);
  const auto& r = refused->sessions[0];
  CHECK(r.address.to_string() == "10.64.0.11");
  CHECK(r.state == bgp::SessionState::idle);
  CHECK(r.last_error == std::string("NOTIFICATION 2/2 (OPEN Message Error, Bad Peer AS) from 10.64.0.1"));
  CHECK(refused->down_peers == 1u);

  // Mid-session capture: Established, but since when is unknown.
  auto admin = summarize_pcap_file((pcap_dir() / "admin-shutdown.pcap").string());
  REQUIRE(admin.has_value());
  REQUIRE(admin->sessions.size() == 1);
  CHECK(admin->sessions[0].state == bgp::SessionState::idle);
  CHECK(admin->sessions[0].flaps == 1u);
  CHECK(admin->sessions[0].last_error.value_or("").find("bgpwatch lab: draining cr1-eqiad") != std::string::npos);

  auto missing = summarize_pcap_file("/nonexistent.pcap");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().find("/nonexistent.pcap") != std::string::npos);
}

TEST_CASE("pcap: hold-expiry fixture: silence is suspected, then the router's 4/0 confirms it")
{
  struct Transitions : SniffObserver
  {
    std::vector<bgp::Transition> seen;
    void on_transition(const bgp::Transition& t, const bgp::TrackedSession&) override
    {
      seen.push_back(t);
    }
  } obs;
  auto reader = PcapReader::open_file((pcap_dir() / "hold-expiry.pcap").string(), k_default_bpf);
  REQUIRE(reader.has_value());
  SniffEngine engine(obs);
  Frame frame;
  while ((*reader)->next(frame) == PcapReader::Next::frame) {
    engine.feed((*reader)->link_type(), frame);
  }
  std::size_t hold = obs.seen.size(), notify = obs.seen.size();
  for (std::size_t i = 0; i < obs.seen.size(); ++i) {
    if (obs.seen[i].event == bgp::FsmEvent::hold_silence && hold == obs.seen.size()) {
      hold = i;
    }
    if (obs.seen[i].event == bgp::FsmEvent::notification) {
      notify = i;
    }
  }
  REQUIRE(hold < obs.seen.size());
  REQUIRE(notify < obs.seen.size());
  CHECK(hold < notify);
  CHECK(obs.seen[hold].from == bgp::SessionState::established);
  CHECK(obs.seen[hold].reason.find("hold timer expiry suspected: nothing from 10.64.0.11") == 0);
  CHECK(obs.seen[notify].reason == "NOTIFICATION 4/0 (Hold Timer Expired, Unspecific) from 10.64.0.1");
  // and the session comes back afterwards
  CHECK(obs.seen.back().to == bgp::SessionState::established);
}
