// tests/bgp/test_detect.cpp: format detection from content.
#include "bgp/detect.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace bgpwatch::bgp;

TEST_CASE("detect_format")
{
  using F = InputFormat;
  struct T
  {
    const char* name;
    std::string in;
    F out;
  };
  const std::vector<T> table = {
    {"pcap usec LE", std::string("\xd4\xc3\xb2\xa1\x02\x00\x04\x00", 8), F::pcap},
    {"pcap usec BE", std::string("\xa1\xb2\xc3\xd4", 4), F::pcap},
    {"pcap nsec LE", std::string("\x4d\x3c\xb2\xa1", 4), F::pcap},
    {"pcapng", std::string("\x0a\x0d\x0d\x0a\x1c\x00", 6), F::pcap},
    {"rpc-reply", "<rpc-reply xmlns:junos=\"x\"><bgp-information/></rpc-reply>", F::junos_xml},
    {"bare bgp-information", "  \n<bgp-information xmlns=\"x\">", F::junos_xml},
    {"xml declaration and comment", "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- saved -->\n<rpc-reply>", F::junos_xml},
    {"prefixed root", "<nc:rpc-reply xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\">", F::junos_xml},
    {"other XML", "<html><body>", F::unknown},
    {"wrong Junos root is still XML", "<route-information xmlns=\"x\">", F::junos_xml},
    {"declared XML", "<?xml version=\"1.0\"?><foo/>", F::junos_xml},
    {"HTML bold command echo is text", "<b>user@cr1-eqiad> show bgp summary</b>\nGroups: 1 Peers: 1 Down peers: 0\n",
     F::junos_text},
    {"summary header", "Threading mode: BGP I/O\nGroups: 4 Peers: 12 Down peers: 1\n", F::junos_text},
    {"peer header", "Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn State\n", F::junos_text},
    {"match paste", "10.64.0.121           64601        220        208       0       2       32:13 Establ\n", F::junos_text},
    {"match paste v6", "\n2620:0:861:101:10:64:0:121       64601  217  208  0  2  32:12 Establ", F::junos_text},
    {"another Junos command is still a Junos paste", "user@cr1-eqiad> show route summary\nAutonomous system number: 14907\n",
     F::junos_text},
    {"a prompt alone is not", "user@cr1-eqiad>\n", F::unknown},
    {"birdc 1.6", "BIRD 1.6.8 ready.\nname     proto    table    state  since       info\n", F::bird},
    {"birdc 2", "Name       Proto      Table      State  Since         Info\n", F::bird},
    {"bird socket", "0001 BIRD 1.6.8 ready.\n2002-name     proto    table    state  since       info\n", F::bird},
    {"empty", "", F::unknown},
    {"blank", "  \n\n ", F::unknown},
    {"prose", "hello world\n", F::unknown},
    {"binary junk", std::string("\x01\x02\x00\x03zz", 6), F::unknown},
  };
  for (const auto& t : table) {
    CAPTURE(t.name);
    CHECK(to_string(detect_format(t.in)) == to_string(t.out));
  }
}
