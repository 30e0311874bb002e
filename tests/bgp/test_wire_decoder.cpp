// tests/bgp/test_wire_decoder.cpp: decode_message() on annotated byte
// arrays, one comment per field (GoBGP bgp_test.go / libtins style). The
// OPENs are the ones BIRD 1.6 and FRR 8.4 sent in fixtures/pcap.
#include "bgp/wire.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace bgpwatch::bgp;

namespace {

using Bytes = std::vector<std::uint8_t>;

#define MARKER 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff

template <class T>
T decode_as(const Bytes& b, const DecodeContext& ctx = {})
{
  auto m = decode_message(b, ctx);
  INFO((m ? std::string("ok") : m.error().to_string()));
  REQUIRE(m.has_value());
  REQUIRE(std::holds_alternative<T>(*m));
  return std::get<T>(*m);
}

DecodeError decode_error(const Bytes& b, const DecodeContext& ctx = {})
{
  auto m = decode_message(b, ctx);
  REQUIRE_FALSE(m.has_value());
  return m.error();
}

} // namespace

TEST_CASE("wire: BIRD 1.6 OPEN with Calico's capabilities")
{
  const Bytes open = {
    MARKER,
    0x00, 0x3f,             // length 63
    0x01,                   // type OPEN
    0x04,                   // version 4
    0xfc, 0x59,             // my AS 64601
    0x00, 0xf0,             // hold time 240
    0x0a, 0x40, 0x00, 0x0b, // BGP id 10.64.0.11
    0x22,                   // optional parameters length 34
    0x02, 0x20,             // parameter: capabilities, length 32
    0x01, 0x04, 0x00, 0x01, 0x00, 0x01, // MP-BGP ipv4 (AFI 1) reserved, unicast (SAFI 1)
    0x02, 0x00,                         // route refresh
    0x40, 0x06, 0x80, 0x78,             // graceful restart: R bit, restart time 120
    0x00, 0x01, 0x01, 0x80,             //   ipv4 unicast, F bit (forwarding preserved)
    0x41, 0x04, 0x00, 0x00, 0xfc, 0x59, // 4-octet AS 64601
    0x45, 0x04, 0x00, 0x01, 0x01, 0x03, // ADD-PATH ipv4 unicast send/receive
    0x46, 0x00,                         // enhanced route refresh
    0x47, 0x00,                         // long-lived graceful restart, no families
  };
  const auto o = decode_as<Open>(open);
  CHECK(o.version == 4);
  CHECK(o.my_as == 64601);
  CHECK(o.effective_as() == 64601);
  CHECK(o.hold_time == 240);
  CHECK(o.bgp_id == 0x0a40000b);
  CHECK_FALSE(o.extended_parameters_length);
  REQUIRE(o.capabilities.size() == 7);
  CHECK(o.capabilities[0].multiprotocol == AfiSafi{1, 1});
  CHECK(o.has(CapabilityCode::route_refresh));
  const auto* gr = o.find(CapabilityCode::graceful_restart);
  REQUIRE(gr != nullptr);
  REQUIRE(gr->graceful_restart.has_value());
  CHECK(gr->graceful_restart->restart_state);
  CHECK_FALSE(gr->graceful_restart->notification);
  CHECK(gr->graceful_restart->restart_time == 120);
  REQUIRE(gr->graceful_restart->families.size() == 1);
  CHECK(gr->graceful_restart->families[0].family == AfiSafi{1, 1});
  CHECK(gr->graceful_restart->families[0].forwarding_preserved);
  CHECK(o.find(CapabilityCode::four_octet_as)->four_octet_as == 64601u);
  const auto* ap = o.find(CapabilityCode::add_path);
  REQUIRE(ap->add_path.has_value());
  REQUIRE(ap->add_path->families.size() == 1);
  CHECK(ap->add_path->families[0].send_receive == 3);
  CHECK(o.has(CapabilityCode::enhanced_route_refresh));
  CHECK(o.find(CapabilityCode::long_lived_graceful_restart)->llgr->families.empty());
}

TEST_CASE("wire: FRR OPEN with AS_TRANS, hostname, extended message, Cisco route refresh, LLGR")
{
  const Bytes open = {
    MARKER,
    0x00, 0x47,             // length 71
    0x01,                   // OPEN
    0x04,                   // version
    0x5b, 0xa0,             // my AS 23456 = AS_TRANS
    0x00, 0x5a,             // hold 90
    0x0a, 0x40, 0x00, 0x01, // id 10.64.0.1
    0x2a,                   // opt params length 42
    0x02, 0x28,             // capabilities, length 40
    0x80, 0x00,                                 // route refresh (Cisco, code 128)
    0x06, 0x00,                                 // extended message
    0x41, 0x04, 0xfa, 0x56, 0xea, 0x01,         // 4-octet AS 4200000001
    0x49, 0x0b, 0x09, 'c', 'r', '1', '-', 'e', 'q', 'i', 'a', 'd', 0x00, // FQDN "cr1-eqiad", empty domain
    0x40, 0x02, 0xc0, 0x78,                     // GR: R and N bits, 120 s, no families
    0x47, 0x07, 0x00, 0x01, 0x01, 0x80, 0x00, 0x0e, 0x10, // LLGR ipv4 unicast, F, stale 3600 s
    0xaa, 0x02, 0xbe, 0xef,                     // unknown capability 170, kept raw
  };
  const auto o = decode_as<Open>(open);
  CHECK(o.my_as == k_as_trans);
  CHECK(o.effective_as() == 4200000001u);
  CHECK(o.has(CapabilityCode::route_refresh_cisco));
  CHECK(o.has(CapabilityCode::extended_message));
  const auto* fqdn = o.find(CapabilityCode::fqdn);
  REQUIRE(fqdn->fqdn.has_value());
  CHECK(fqdn->fqdn->hostname == "cr1-eqiad");
  CHECK(fqdn->fqdn->domain.empty());
  const auto& gr = *o.find(CapabilityCode::graceful_restart)->graceful_restart;
  CHECK(gr.restart_state);
  CHECK(gr.notification);
  CHECK(gr.families.empty());
  const auto& ll = *o.find(CapabilityCode::long_lived_graceful_restart)->llgr;
  REQUIRE(ll.families.size() == 1);
  CHECK(ll.families[0].stale_time == 3600);
  CHECK(ll.families[0].flags == 0x80);
  const auto& unknown = o.capabilities.back();
  CHECK(unknown.code == 170);
  CHECK(unknown.value == Bytes{0xbe, 0xef});
  CHECK(capability_name(170).empty());
}

TEST_CASE("wire: OPEN with RFC 9072 extended optional parameters length")
{
  const Bytes open = {
    MARKER,
    0x00, 0x2f,             // length 47
    0x01,                   // OPEN
    0x04, 0xfc, 0x59, 0x00, 0x5a, 0x0a, 0x40, 0x00, 0x0b, // v4, AS 64601, hold 90, id 10.64.0.11
    0xff,                   // Non-Ext OP Len 255
    0xff,                   // Non-Ext OP Type 255: the extended encoding follows
    0x00, 0x0f,             // Extended Opt. Parm. Length 15
    0x02, 0x00, 0x0c,       // parameter: capabilities, 2-octet length 12
    0x01, 0x04, 0x00, 0x02, 0x00, 0x01, // MP-BGP ipv6 unicast
    0x41, 0x04, 0x00, 0x00, 0xfc, 0x59, // 4-octet AS 64601
  };
  const auto o = decode_as<Open>(open);
  CHECK(o.extended_parameters_length);
  REQUIRE(o.capabilities.size() == 2);
  CHECK(o.capabilities[0].multiprotocol == AfiSafi{2, 1});
  CHECK(o.effective_as() == 64601);

  // Parameter length 13 cuts the 4-octet AS capability short.
  Bytes cut = open;
  cut[33] = 0x0d; // Extended Opt. Parm. Length 13
  cut[36] = 0x0a; // capabilities length 10
  cut.resize(cut.size() - 2);
  cut[17] = static_cast<std::uint8_t>(cut.size());
  CHECK(decode_error(cut).code == DecodeErrc::open_malformed_parameters);
}

TEST_CASE("wire: IPv4 UPDATE with ADD-PATH, the one BIRD sends")
{
  const Bytes update = {
    MARKER,
    0x00, 0x45,             // length 69
    0x02,                   // UPDATE
    0x00, 0x00,             // withdrawn routes length 0
    0x00, 0x14,             // total path attribute length 20
    0x40, 0x01, 0x01, 0x00, // ORIGIN IGP (well-known transitive)
    0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfc, 0x59, // AS_PATH: AS_SEQUENCE of 1: 64601 (4-octet)
    0x40, 0x03, 0x04, 0x0a, 0x40, 0x00, 0x0b, // NEXT_HOP 10.64.0.11
    0x00, 0x00, 0x00, 0x01, 0x1a, 0x0a, 0x43, 0x80, 0x00, // path id 1, 10.67.128.0/26
    0x00, 0x00, 0x00, 0x02, 0x1a, 0x0a, 0x43, 0x80, 0x40, // path id 2, 10.67.128.64/26
    0x00, 0x00, 0x00, 0x03, 0x18, 0x0a, 0x44, 0x00,       // path id 3, 10.68.0.0/24
  };
  DecodeContext ctx;
  ctx.four_octet_as = true;
  ctx.add_path = std::vector<AfiSafi>{{1, 1}};
  const auto u = decode_as<Update>(update, ctx);
  CHECK(u.withdrawn_count == 0);
  CHECK(u.announced_count == 3);
  CHECK(u.origin == Origin::igp);
  REQUIRE(u.as_path.has_value());
  CHECK(as_path_to_string(*u.as_path) == "64601");
  CHECK(u.as_path_four_octet);
  CHECK(u.next_hop == std::array<std::uint8_t, 4>{10, 64, 0, 11});
  CHECK(u.attribute_types == Bytes{1, 2, 3});
  CHECK_FALSE(u.end_of_rib.has_value());

  // Without ADD-PATH negotiated the same NLRI bytes do not parse.
  DecodeContext plain;
  plain.four_octet_as = true;
  plain.add_path = std::vector<AfiSafi>{};
  CHECK(decode_error(update, plain).code == DecodeErrc::update_invalid_network);
  // Unknown context (mid-session capture): path ids are guessed.
  CHECK(decode_as<Update>(update).announced_count == 3);
}

TEST_CASE("wire: AS_PATH with 2-octet ASNs between OLD speakers, sets and AS4_PATH")
{
  const Bytes update = {
    MARKER,
    0x00, 0x3e,             // length 62
    0x02,                   // UPDATE
    0x00, 0x00,             // withdrawn length 0
    0x00, 0x23,             // attributes length 35
    0x40, 0x01, 0x01, 0x02, // ORIGIN INCOMPLETE
    0x40, 0x02, 0x0c,       // AS_PATH, 12 bytes
    0x02, 0x02, 0x3a, 0x3b, 0x5b, 0xa0, //   AS_SEQUENCE 14907 23456(AS_TRANS)
    0x01, 0x02, 0xfd, 0xe9, 0xfd, 0xea, //   AS_SET {65001 65002}
    0x40, 0x03, 0x04, 0x0a, 0x40, 0x00, 0x01, // NEXT_HOP 10.64.0.1
    0xc0, 0x11, 0x06, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x01, // AS4_PATH: AS_SEQUENCE 4200000001
    0x18, 0x0a, 0x40, 0x00, // 10.64.0.0/24
  };
  DecodeContext ctx;
  ctx.four_octet_as = false;
  ctx.add_path = std::vector<AfiSafi>{};
  const auto u = decode_as<Update>(update, ctx);
  CHECK(u.origin == Origin::incomplete);
  CHECK_FALSE(u.as_path_four_octet);
  CHECK(as_path_to_string(*u.as_path) == "14907 23456 {65001 65002}");
  REQUIRE(u.as4_path.has_value());
  CHECK(as_path_to_string(*u.as4_path) == "4200000001");
  CHECK(u.announced_count == 1);
  // Read as 4-octet: one segment of 2 ASNs, then a segment of type 0xfd.
  ctx.four_octet_as = true;
  CHECK(decode_error(update, ctx).code == DecodeErrc::update_malformed_as_path);
  // Unknown context: 4-octet fails, 2-octet is taken.
  const auto guessed = decode_as<Update>(update);
  CHECK_FALSE(guessed.as_path_four_octet);
}

TEST_CASE("wire: IPv6 MP_REACH_NLRI with global and link-local next hop")
{
  const Bytes update = {
    MARKER,
    0x00, 0x54,             // length 84
    0x02,                   // UPDATE
    0x00, 0x00,             // withdrawn length 0
    0x00, 0x3d,             // attributes length 61
    0x40, 0x01, 0x01, 0x00, // ORIGIN IGP
    0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0x3a, 0x3b, // AS_PATH 14907
    0x80, 0x0e, 0x2d,       // MP_REACH_NLRI (optional), 45 bytes
    0x00, 0x02, 0x01,       //   AFI ipv6, SAFI unicast
    0x20,                   //   next hop length 32
    0x26, 0x20, 0x00, 0x00, 0x08, 0x61, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x01, // 2620:0:861:101::1
    0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x44, 0xea, 0x7e, 0xff, 0xfe, 0xb3, 0xa6, 0x01, // fe80::44ea:7eff:feb3:a601
    0x00,                   //   reserved
    0x00,                   //   ::/0 (default route)
    0x30, 0x26, 0x20, 0x00, 0x00, 0x08, 0x61, // 2620:0:861::/48
  };
  const auto u = decode_as<Update>(update);
  REQUIRE(u.mp_reach.has_value());
  CHECK(u.mp_reach->family == AfiSafi{2, 1});
  CHECK(u.mp_reach->next_hop.size() == 32);
  CHECK(u.mp_reach->nlri_count == 2u);
  CHECK(u.total_announced() == 2);
  CHECK(u.announced_count == 0);
  CHECK_FALSE(u.next_hop.has_value());
}

TEST_CASE("wire: End-of-RIB markers (RFC 4724 §2)")
{
  const Bytes ipv4_eor = {
    MARKER,
    0x00, 0x17, // length 23
    0x02,       // UPDATE
    0x00, 0x00, // no withdrawn routes
    0x00, 0x00, // no attributes, no NLRI
  };
  CHECK(decode_as<Update>(ipv4_eor).end_of_rib == AfiSafi{1, 1});

  const Bytes ipv6_eor = {
    MARKER,
    0x00, 0x1d,             // length 29
    0x02,                   // UPDATE
    0x00, 0x00,             // no withdrawn routes
    0x00, 0x06,             // attributes length 6
    0x80, 0x0f, 0x03, 0x00, 0x02, 0x01, // MP_UNREACH_NLRI ipv6 unicast, nothing withdrawn
  };
  const auto u = decode_as<Update>(ipv6_eor);
  CHECK(u.end_of_rib == AfiSafi{2, 1});
  CHECK(u.mp_unreach->withdrawn_count == 0u);

  const Bytes withdraw = {
    MARKER,
    0x00, 0x1b, // length 27
    0x02,       // UPDATE
    0x00, 0x04, // withdrawn length 4
    0x18, 0x0a, 0x40, 0x00, // 10.64.0.0/24
    0x00, 0x00, // no attributes
  };
  const auto w = decode_as<Update>(withdraw);
  CHECK(w.withdrawn_count == 1);
  CHECK_FALSE(w.end_of_rib.has_value());
}

TEST_CASE("wire: NOTIFICATION with an RFC 8203 shutdown communication")
{
  const Bytes n = {
    MARKER,
    0x00, 0x1e,        // length 30
    0x03,              // NOTIFICATION
    0x06,              // code 6 Cease
    0x02,              // subcode 2 Administrative Shutdown
    0x08,              // communication length 8
    'd', 'r', 'a', 'i', 'n', 'i', 'n', 'g', // "draining"
  };
  const auto d = decode_as<Notification>(n);
  CHECK(d.code == 6);
  CHECK(d.subcode == 2);
  CHECK(d.shutdown_communication == std::string("draining"));
  CHECK(notification_code_name(6) == "Cease");
  CHECK(notification_subcode_name(6, 2) == "Administrative Shutdown");

  // A length that overruns the data: kept raw, no communication, no error.
  Bytes bad = n;
  bad[21] = 0x20;
  const auto b = decode_as<Notification>(bad);
  CHECK_FALSE(b.shutdown_communication.has_value());
  CHECK(b.data.size() == 9);
}

TEST_CASE("wire: NOTIFICATION names for every RFC code")
{
  struct Row
  {
    std::uint8_t code, sub;
    std::string_view code_name, sub_name;
  };
  const Row rows[] = {
    {1, 1, "Message Header Error", "Connection Not Synchronized"},
    {1, 2, "Message Header Error", "Bad Message Length"},
    {2, 2, "OPEN Message Error", "Bad Peer AS"},
    {2, 6, "OPEN Message Error", "Unacceptable Hold Time"},
    {2, 7, "OPEN Message Error", "Unsupported Capability"},
    {3, 11, "UPDATE Message Error", "Malformed AS_PATH"},
    {4, 0, "Hold Timer Expired", "Unspecific"},
    {5, 3, "Finite State Machine Error", "Receive Unexpected Message in Established State"},
    {6, 1, "Cease", "Maximum Number of Prefixes Reached"},
    {6, 4, "Cease", "Administrative Reset"},
    {6, 7, "Cease", "Connection Collision Resolution"},
    {6, 9, "Cease", "Hard Reset"},
    {7, 1, "ROUTE-REFRESH Message Error", "Invalid Message Length"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.code, r.sub);
    CHECK(notification_code_name(r.code) == r.code_name);
    CHECK(notification_subcode_name(r.code, r.sub) == r.sub_name);
  }
  CHECK(notification_code_name(99).empty());
  CHECK(notification_subcode_name(6, 200).empty());
}

TEST_CASE("wire: KEEPALIVE and ROUTE-REFRESH (RFC 2918, RFC 7313)")
{
  const Bytes keepalive = {MARKER, 0x00, 0x13, 0x04}; // length 19, KEEPALIVE
  CHECK(type_of(*decode_message(keepalive)) == MessageType::keepalive);

  const Bytes refresh = {
    MARKER,
    0x00, 0x17, // length 23
    0x05,       // ROUTE-REFRESH
    0x00, 0x02, // AFI ipv6
    0x01,       // subtype 1 BoRR
    0x01,       // SAFI unicast
  };
  const auto rr = decode_as<RouteRefresh>(refresh);
  CHECK(rr.family == AfiSafi{2, 1});
  CHECK(rr.subtype == 1);
  CHECK(route_refresh_subtype_name(rr.subtype) == "BoRR");
  CHECK(rr.orf_bytes == 0);

  Bytes with_orf = refresh;
  with_orf[17] = 0x1a;                 // length 26
  with_orf[21] = 0x00;                 // subtype 0: may carry ORF entries (RFC 5291)
  with_orf.insert(with_orf.end(), {0x01, 0x00, 0x00});
  CHECK(decode_as<RouteRefresh>(with_orf).orf_bytes == 3);
}

TEST_CASE("wire: header checks come first")
{
  Bytes ka = {MARKER, 0x00, 0x13, 0x04};
  auto h = decode_header(ka);
  REQUIRE(h.has_value());
  CHECK(h->length == 19);
  CHECK(h->type == 4);
  const auto e = decode_error({MARKER, 0x00, 0x13, 0x09});
  CHECK(e.code == DecodeErrc::bad_type);
  CHECK(e.notify_code == 1);
  CHECK(e.notify_subcode == 3);
  CHECK(e.to_string() == "bad_type (1/3 Bad Message Type): type 9");
  // 4097 bytes only with extended message negotiated (RFC 8654).
  Bytes big = {MARKER, 0x10, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00};
  big.resize(4097, 0x00);
  DecodeContext no_ext;
  no_ext.extended_message = false;
  CHECK(decode_error(big, no_ext).code == DecodeErrc::bad_length);
  DecodeContext ext;
  ext.extended_message = true;
  // Past the header check: 4074 zero bytes are /0 prefixes without ORIGIN.
  CHECK(decode_error(big, ext).code == DecodeErrc::update_missing_well_known);
}
