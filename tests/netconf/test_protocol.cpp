// tests/netconf/test_protocol.cpp: the NETCONF conversation over an
// in-memory transport: hello and framing switch, message-id, rpc-error,
// truncation, close in the middle, timeouts, size limits.
#include "netconf/protocol.hpp"

#include <catch2/catch.hpp>

#include <deque>

using namespace bgpwatch;
using namespace bgpwatch::netconf;

namespace {

// Reads return the scripted chunks in order; then EOF (closed) or, with
// hang_at_end, a timeout as a silent server would cause.
class ScriptedTransport final : public Transport
{
public:
  std::deque<std::string> input;
  bool hang_at_end = false;
  std::string written;

  Expected<void, NetconfError> write_all(std::string_view bytes, SteadyClock::time_point) override
  {
    written.append(bytes);
    return {};
  }
  Expected<std::string, NetconfError> read_some(SteadyClock::time_point) override
  {
    if (input.empty()) {
      if (hang_at_end) {
        return Unexpected(NetconfError{NetconfErrc::timeout, "read timed out"});
      }
      return Unexpected(NetconfError{NetconfErrc::closed, "the server closed the channel"});
    }
    std::string s = std::move(input.front());
    input.pop_front();
    return s;
  }
};

const std::string k_hello_10 = "<!-- junos -->\n<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>"
                               "<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities>"
                               "<session-id>9</session-id></hello>]]>]]>\n";
const std::string k_hello_11 = "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>"
                               "<capability>urn:ietf:params:netconf:base:1.0</capability>"
                               "<capability>urn:ietf:params:netconf:base:1.1</capability></capabilities>"
                               "<session-id>9</session-id></hello>]]>]]>\n";

std::string reply(int id, std::string_view body)
{
  return "<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"" + std::to_string(id) + "\">"
         + std::string(body) + "</rpc-reply>";
}

const auto k_deadline = SteadyClock::time_point::max();

} // namespace

TEST_CASE("EOM session: hello, rpc, close-session")
{
  ScriptedTransport t;
  t.input = {k_hello_10, reply(1, "<bgp-information/>") + "]]>", "]]>\n", reply(2, "<ok/>") + "]]>]]>\n"};
  ProtocolSession s(t, 1 << 20);
  auto h = s.hello(k_deadline);
  REQUIRE(h);
  CHECK(h->session_id == 9u);
  CHECK(s.framing() == Framing::eom);
  // Our hello offers both versions, EOM-framed (RFC 6242 4.1).
  CHECK(t.written.find("urn:ietf:params:netconf:base:1.1") != std::string::npos);
  CHECK(t.written.ends_with("</hello>\n]]>]]>"));
  t.written.clear();
  auto r = s.rpc("<get-bgp-summary-information/>", k_deadline);
  REQUIRE(r);
  CHECK(*r == reply(1, "<bgp-information/>"));
  CHECK(t.written
        == "<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-bgp-summary-information/></rpc>]]>]]>");
  t.written.clear();
  REQUIRE(s.close_session(k_deadline));
  CHECK(t.written.find("<close-session/>") != std::string::npos);
}

TEST_CASE("chunked session after a base:1.1 hello")
{
  ScriptedTransport t;
  const std::string r1 = reply(1, "<data/>");
  t.input = {k_hello_11, "\n#" + std::to_string(r1.size()) + "\n" + r1 + "\n##\n"};
  ProtocolSession s(t, 1 << 20);
  REQUIRE(s.hello(k_deadline));
  CHECK(s.framing() == Framing::chunked);
  t.written.clear();
  auto r = s.rpc("<get/>", k_deadline);
  REQUIRE(r);
  CHECK(*r == r1);
  CHECK(t.written.starts_with("\n#"));
  CHECK(t.written.ends_with("</rpc>\n##\n"));
}

TEST_CASE("a client that offers only base:1.0 stays EOM")
{
  ScriptedTransport t;
  t.input = {k_hello_11};
  ProtocolSession s(t, 1 << 20, false);
  REQUIRE(s.hello(k_deadline));
  CHECK(s.framing() == Framing::eom);
}

TEST_CASE("failures during an rpc")
{
  ScriptedTransport t;
  ProtocolSession s(t, 4096);
  t.input = {k_hello_10};
  REQUIRE(s.hello(k_deadline));

  SECTION("server closes mid-reply")
  {
    t.input = {"<rpc-reply message-id=\"1\"><bgp-inf"};
    auto r = s.rpc("<get-bgp-summary-information/>", k_deadline);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == NetconfErrc::closed);
    CHECK(r.error().message
          == "the server closed the session in the middle of the reply to <get-bgp-summary-information> after 34 "
             "bytes (truncated eom frame)");
    CHECK(s.broken());
  }
  SECTION("server closes before replying")
  {
    auto r = s.rpc("<get-bgp-summary-information/>", k_deadline);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == NetconfErrc::closed);
    CHECK(r.error().message == "the server closed the session before sending the reply to <get-bgp-summary-information>");
  }
  SECTION("server never answers")
  {
    t.hang_at_end = true;
    auto r = s.rpc("<get-bgp-summary-information/>", k_deadline);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == NetconfErrc::timeout);
    CHECK(r.error().message == "timed out waiting for the reply to <get-bgp-summary-information> (0 bytes received)");
  }
  SECTION("reply for another message-id breaks the session")
  {
    t.input = {reply(7, "<ok/>") + "]]>]]>"};
    auto r = s.rpc("<get/>", k_deadline);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == NetconfErrc::message_id);
    CHECK(r.error().message == "the reply to <get>: reply is for message-id 7, expected 1");
    CHECK(s.broken());
    auto again = s.rpc("<get/>", k_deadline);
    REQUIRE_FALSE(again);
    CHECK(again.error().message == "session already failed; reconnect");
  }
  SECTION("rpc-error keeps the session usable")
  {
    t.input = {reply(1, "<rpc-error><error-severity>error</error-severity><error-message>permission denied"
                        "</error-message></rpc-error>")
                 + "]]>]]>",
               reply(2, "<bgp-information/>") + "]]>]]>"};
    auto r = s.rpc("<get-bgp-summary-information/>", k_deadline);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == NetconfErrc::rpc_error);
    CHECK(r.error().message == "<get-bgp-summary-information> failed on the router: permission denied");
    CHECK_FALSE(s.broken());
    auto ok = s.rpc("<get-bgp-summary-information/>", k_deadline);
    REQUIRE(ok);
  }
  SECTION("reply over the size limit")
  {
    t.input = {std::string(5000, 'x')};
    auto r = s.rpc("<get/>", k_deadline);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == NetconfErrc::reply_too_large);
    CHECK(r.error().message == "in the reply to <get>: message larger than the limit of 4096 bytes");
  }
}

TEST_CASE("hello failures")
{
  ScriptedTransport t;
  ProtocolSession s(t, 1 << 20);
  SECTION("no hello at all")
  {
    auto h = s.hello(k_deadline);
    REQUIRE_FALSE(h);
    CHECK(h.error().code == NetconfErrc::closed);
    CHECK(h.error().message == "the server closed the session before sending the server's <hello>");
  }
  SECTION("not a hello")
  {
    t.input = {"<rpc-reply/>]]>]]>"};
    auto h = s.hello(k_deadline);
    REQUIRE_FALSE(h);
    CHECK(h.error().code == NetconfErrc::hello);
  }
}

TEST_CASE("close-session to a server that never answers ends at the deadline")
{
  ScriptedTransport t;
  t.input = {k_hello_10};
  ProtocolSession s(t, 1 << 20);
  REQUIRE(s.hello(k_deadline));
  t.hang_at_end = true;
  auto closed = s.close_session(k_deadline);
  REQUIRE_FALSE(closed);
  CHECK(closed.error().code == NetconfErrc::timeout);
  CHECK(s.broken());
  // Nothing is sent after close-session, even if it failed.
  t.written.clear();
  CHECK_FALSE(s.rpc("<get/>", k_deadline));
  CHECK(t.written.empty());
}
