// tests/netconf/test_framing.cpp: RFC 6242 EOM and chunked framing on buffers.
#include "netconf/framing.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch::netconf;

namespace {

// Feeds `input` one byte at a time (worst case for a stream parser) and
// returns every message, or the first error.
struct Result
{
  std::vector<std::string> messages;
  std::optional<NetconfError> error;
};

Result deframe(Framing framing, std::string_view input, std::uint64_t max = 1 << 20, bool bytewise = true)
{
  Deframer d(framing, max);
  Result r;
  auto drain = [&] {
    for (;;) {
      auto m = d.next();
      if (!m) {
        r.error = m.error();
        return false;
      }
      if (!*m) {
        return true;
      }
      r.messages.push_back(**m);
    }
  };
  if (bytewise) {
    for (char c : input) {
      d.feed(std::string_view(&c, 1));
      if (!drain()) {
        return r;
      }
    }
  } else {
    d.feed(input);
    drain();
  }
  return r;
}

} // namespace

TEST_CASE("frame_message")
{
  CHECK(frame_message(Framing::eom, "<a/>") == "<a/>]]>]]>");
  CHECK(frame_message(Framing::chunked, "<a/>") == "\n#4\n<a/>\n##\n");
}

TEST_CASE("EOM deframing")
{
  SECTION("two messages, whitespace after the marker tolerated (Junos sends a newline)")
  {
    for (bool bytewise : {true, false}) {
      const auto r = deframe(Framing::eom, "<a/>]]>]]>\n  \r\n<b>x</b>]]>]]>\n", 1 << 20, bytewise);
      REQUIRE_FALSE(r.error);
      CHECK(r.messages == std::vector<std::string>{"<a/>", "<b>x</b>"});
    }
  }
  SECTION("an incomplete marker is not a message")
  {
    const auto r = deframe(Framing::eom, "<a/>]]>]]");
    REQUIRE_FALSE(r.error);
    CHECK(r.messages.empty());
  }
  SECTION("a message over the limit is reply_too_large")
  {
    const auto r = deframe(Framing::eom, std::string(100, 'x') + "]]>]]>", 10);
    REQUIRE(r.error);
    CHECK(r.error->code == NetconfErrc::reply_too_large);
    CHECK(r.error->message == "message larger than the limit of 10 bytes");
  }
  SECTION("an unterminated stream over the limit fails before the end")
  {
    Deframer d(Framing::eom, 10);
    d.feed(std::string(17, 'x'));
    auto m = d.next();
    REQUIRE_FALSE(m);
    CHECK(m.error().code == NetconfErrc::reply_too_large);
  }
}

TEST_CASE("chunked deframing")
{
  SECTION("several chunks make one message")
  {
    for (bool bytewise : {true, false}) {
      const auto r = deframe(Framing::chunked, "\n#4\n<rpc\n#17\n message-id=\"102\"\n#1\n>\n##\n", 1 << 20, bytewise);
      REQUIRE_FALSE(r.error);
      CHECK(r.messages == std::vector<std::string>{"<rpc message-id=\"102\">"});
    }
  }
  SECTION("RFC 6242 4.2 example")
  {
    const std::string tail = "     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>";
    const auto r = deframe(Framing::chunked, "\n#4\n<rpc\n#18\n message-id=\"102\"\n\n#" + std::to_string(tail.size())
                                               + "\n" + tail + "\n##\n");
    REQUIRE_FALSE(r.error);
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].starts_with("<rpc message-id=\"102\"\n     xmlns="));
  }
  SECTION("whitespace left over after an EOM hello is skipped")
  {
    const auto r = deframe(Framing::chunked, "\n\n#3\nabc\n##\n");
    REQUIRE_FALSE(r.error);
    CHECK(r.messages == std::vector<std::string>{"abc"});
  }
  SECTION("bad chunk headers")
  {
    struct Case
    {
      std::string input;
      std::string message;
    };
    const std::vector<Case> cases = {
      {"\n#12ab\nxx", "bad chunk header '\\n#12ab\\nxx': RFC 6242 4.2 wants a chunk size of 1..4294967295"},
      {"\n#0\n", "bad chunk header '\\n#0\\n': RFC 6242 4.2 wants a chunk size of 1..4294967295"},
      {"\n#4294967296\n", "bad chunk header '\\n#4294967296\\n': RFC 6242 4.2 wants a chunk size of 1..4294967295"},
      {"\n#12345678901\n", "bad chunk header '\\n#12345678901\\n': RFC 6242 4.2 wants a chunk size of 1..4294967295"},
      {"<rpc-reply/>", "bad chunk header '<rpc-reply/>': RFC 6242 4.2 wants \"\\n#<size>\\n\""},
      {"\n##\n", "end-of-chunks marker with no chunk before it (RFC 6242 4.2)"},
      {"\n#3\nabcX#", "bad chunk header 'X#': RFC 6242 4.2 wants \"\\n#<size>\\n\""},
      {"\n#3\nabc\n##X", "bad end-of-chunks marker '\\n##X': RFC 6242 4.2 wants \"\\n##\\n\""},
    };
    for (const auto& c : cases) {
      CAPTURE(c.input);
      const auto r = deframe(Framing::chunked, c.input, 1 << 20, false);
      REQUIRE(r.error);
      CHECK(r.error->code == NetconfErrc::framing);
      CHECK(r.error->message == c.message);
    }
  }
  SECTION("the limit counts the whole message, checked at the chunk header")
  {
    const auto r = deframe(Framing::chunked, "\n#6\nabcdef\n#6\n", 10);
    REQUIRE(r.error);
    CHECK(r.error->code == NetconfErrc::reply_too_large);
  }
  SECTION("a truncated chunk is pending, not a message")
  {
    Deframer d(Framing::chunked, 1 << 20);
    d.feed("\n#10\nabc");
    auto m = d.next();
    REQUIRE(m);
    CHECK_FALSE(*m);
    CHECK_FALSE(d.at_boundary());
    CHECK(d.pending_bytes() == 3);
  }
}

TEST_CASE("framing switch after the hello")
{
  Deframer d(Framing::eom, 1 << 20);
  d.feed("<hello/>]]>]]>\n\n#2\nok\n##\n");
  auto hello = d.next();
  REQUIRE(hello);
  REQUIRE(*hello);
  CHECK(**hello == "<hello/>");
  d.set_framing(Framing::chunked);
  auto next = d.next();
  REQUIRE(next);
  REQUIRE(*next);
  CHECK(**next == "ok");
  CHECK(d.at_boundary());
}
