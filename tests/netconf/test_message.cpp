// tests/netconf/test_message.cpp: hello negotiation, rpc envelope, reply checks.
#include "netconf/message.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch::netconf;

TEST_CASE("parse_hello accepts Junos' comment lines and finds base versions")
{
  const std::string junos = "<!-- No zombies were killed during the creation of this user interface -->\n"
                            "<!-- user bgpwatch, class j-read-only -->\n"
                            "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>\n"
                            "<capability>urn:ietf:params:netconf:base:1.0</capability>\n"
                            "<capability> http://xml.juniper.net/netconf/junos/1.0 </capability>\n"
                            "</capabilities><session-id>4711</session-id></hello>";
  auto h = parse_hello(junos);
  REQUIRE(h);
  CHECK(h->capabilities == std::vector<std::string>{"urn:ietf:params:netconf:base:1.0",
                                                    "http://xml.juniper.net/netconf/junos/1.0"});
  CHECK(h->session_id == 4711u);
  auto f = negotiate_framing({std::string(k_base_1_0), std::string(k_base_1_1)}, h->capabilities);
  REQUIRE(f);
  CHECK(*f == Framing::eom);
}

TEST_CASE("negotiate_framing")
{
  const std::vector<std::string> both{std::string(k_base_1_0), std::string(k_base_1_1)};
  CHECK(*negotiate_framing(both, both) == Framing::chunked);
  CHECK(*negotiate_framing({std::string(k_base_1_0)}, both) == Framing::eom);
  CHECK(*negotiate_framing(both, {std::string(k_base_1_1)}) == Framing::chunked);
  auto none = negotiate_framing(both, {"urn:example:other"});
  REQUIRE_FALSE(none);
  CHECK(none.error().code == NetconfErrc::hello);
  CHECK(none.error().message == "no common NETCONF base version: the server offers neither base:1.0 nor base:1.1");
}

TEST_CASE("parse_hello errors")
{
  auto not_xml = parse_hello("garbage <<<");
  REQUIRE_FALSE(not_xml);
  CHECK(not_xml.error().code == NetconfErrc::hello);
  auto wrong = parse_hello("<rpc-reply/>");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message == "expected <hello> from the server, got <rpc-reply>");
  auto empty = parse_hello("<hello><capabilities/></hello>");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message == "the server's <hello> lists no capabilities (RFC 6241 8.1)");
  auto sid = parse_hello("<hello><capabilities><capability>x</capability></capabilities><session-id>x1</session-id></hello>");
  REQUIRE_FALSE(sid);
  CHECK(sid.error().message == "bad <session-id> 'x1' in the server's <hello>");
}

TEST_CASE("build_hello / build_rpc")
{
  const std::string hello = build_hello({"urn:ietf:params:netconf:base:1.0"});
  auto back = parse_hello(hello);
  REQUIRE(back);
  CHECK(back->capabilities == std::vector<std::string>{"urn:ietf:params:netconf:base:1.0"});
  CHECK_FALSE(back->session_id);
  CHECK(build_rpc(7, "<get-bgp-summary-information/>")
        == "<rpc message-id=\"7\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-bgp-summary-information/></rpc>");
  CHECK(operation_name("<get-bgp-summary-information/>") == "get-bgp-summary-information");
  CHECK(operation_name("<nc:get xmlns:nc=\"x\"/>") == "get");
}

TEST_CASE("inspect_reply")
{
  const std::string ns = " xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" xmlns:junos=\"http://xml.juniper.net/junos/21.4R0/junos\"";
  SECTION("data reply with the right message-id")
  {
    auto r = inspect_reply("<rpc-reply" + ns + " message-id=\"3\"><bgp-information/></rpc-reply>", 3);
    REQUIRE(r);
    CHECK(r->warnings.empty());
    CHECK_FALSE(r->ok);
  }
  SECTION("<ok/>")
  {
    auto r = inspect_reply("<rpc-reply message-id=\"1\"><ok/></rpc-reply>", 1);
    REQUIRE(r);
    CHECK(r->ok);
  }
  SECTION("another message-id")
  {
    auto r = inspect_reply("<rpc-reply message-id=\"3999\"><ok/></rpc-reply>", 3);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == NetconfErrc::message_id);
    CHECK(r.error().message == "reply is for message-id 3999, expected 3");
  }
  SECTION("no message-id")
  {
    auto r = inspect_reply("<rpc-reply><ok/></rpc-reply>", 3);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == NetconfErrc::message_id);
  }
  SECTION("a warning next to data is not a failure")
  {
    auto r = inspect_reply("<rpc-reply message-id=\"2\"><rpc-error><error-severity>warning</error-severity>"
                           "<error-message>\n  statement not supported\n</error-message></rpc-error>"
                           "<bgp-information/></rpc-reply>",
                           2);
    REQUIRE(r);
    REQUIRE(r->warnings.size() == 1);
    CHECK(r->warnings[0].message == "statement not supported");
  }
  SECTION("an error is rpc_error with the router's message")
  {
    auto r = inspect_reply("<rpc-reply message-id=\"2\"><rpc-error><error-type>protocol</error-type>"
                           "<error-tag>operation-failed</error-tag><error-severity>error</error-severity>"
                           "<error-message>\npermission denied\n</error-message></rpc-error></rpc-reply>",
                           2);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == NetconfErrc::rpc_error);
    CHECK(r.error().message == "permission denied");
  }
  SECTION("an error without severity fails closed")
  {
    auto r = inspect_reply("<rpc-reply message-id=\"2\"><rpc-error><error-tag>operation-failed</error-tag>"
                           "<error-info><bad-element>foo</bad-element></error-info></rpc-error></rpc-reply>",
                           2);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "operation-failed (bad element foo)");
  }
  SECTION("not XML / not a reply")
  {
    auto g = inspect_reply("\x01\x02 garbage", 1);
    REQUIRE_FALSE(g);
    CHECK(g.error().code == NetconfErrc::framing);
    CHECK(g.error().message.starts_with("reply is not well-formed XML ("));
    auto h = inspect_reply("<hello/>", 1);
    REQUIRE_FALSE(h);
    CHECK(h.error().message == "expected <rpc-reply>, got <hello>");
  }
}
