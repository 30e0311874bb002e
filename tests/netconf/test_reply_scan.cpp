// tests/netconf/test_reply_scan.cpp: the plain-reply fast path of
// inspect_reply. What it accepts must be what expat accepts, with the same
// root and message-id: checked on hand-picked cases and on thousands of
// deterministic mutations of real-shaped replies, each judged by expat
// itself (the parser inspect_reply falls back to).
#include "netconf/message.hpp"
#include "netconf/reply_scan.hpp"

#include <catch2/catch.hpp>
#include <expat.h>

#include <random>

using namespace bgpwatch::netconf;

namespace {

const std::string k_reply =
  "<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" "
  "xmlns:junos=\"http://xml.juniper.net/junos/23.4R1/junos\" message-id=\"42\">\n"
  "<bgp-information xmlns=\"http://xml.juniper.net/junos/23.4R1/junos-routing\">\n"
  "<group-count>1</group-count>\n<peer-count>2</peer-count>\n<down-peer-count>1</down-peer-count>\n"
  "<bgp-peer junos:style=\"terse\" heading=\"Peer  AS  State|#Active/Received/Accepted/Damped...\">\n"
  "<peer-address>10.128.0.1</peer-address>\n<peer-as>64601</peer-as>\n"
  "<description>core &amp; edge &lt;1&gt;</description>\n"
  "<elapsed-time junos:seconds=\"86400\">1d 0:00:00</elapsed-time>\n"
  "<peer-state junos:format=\"Establ\">Established</peer-state>\n"
  "<bgp-rib junos:style=\"terse\">\n<name>inet.0</name>\n<active-prefix-count>2</active-prefix-count>\n"
  "</bgp-rib>\n</bgp-peer>\n"
  "<bgp-peer junos:style='terse'><peer-address>10.128.0.2+179</peer-address><peer-state>Active</peer-state>"
  "<!-- a comment --><empty /></bgp-peer>\n"
  "</bgp-information>\n</rpc-reply>\n";

// What expat says about a document: well-formed or not, and the envelope
// as inspect_reply's full scan reads it.
struct ExpatView
{
  bool well_formed = false;
  std::string root;
  std::optional<std::string> message_id;
  bool rpc_error_or_ok = false; // a root child named (local) rpc-error or ok
  int depth = 0;
};

std::string_view after_colon(std::string_view n)
{
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

ExpatView expat_view(std::string_view xml)
{
  ExpatView v;
  XML_Parser p = XML_ParserCreate("UTF-8");
  XML_SetUserData(p, &v);
  XML_SetElementHandler(
    p,
    [](void* user, const XML_Char* name, const XML_Char** attrs) {
      auto& s = *static_cast<ExpatView*>(user);
      ++s.depth;
      if (s.depth == 1) {
        s.root = name;
        for (int i = 0; attrs[i] != nullptr; i += 2) {
          if (std::string_view(attrs[i]) == "message-id") {
            s.message_id = attrs[i + 1];
          }
        }
      } else if (s.depth == 2 && (after_colon(name) == "rpc-error" || after_colon(name) == "ok")) {
        s.rpc_error_or_ok = true;
      }
    },
    [](void* user, const XML_Char*) { --static_cast<ExpatView*>(user)->depth; });
  v.well_formed = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) != XML_STATUS_ERROR;
  XML_ParserFree(p);
  return v;
}

// The property: an accepted document is one expat accepts, with the same
// envelope and no child the fast path must not skip.
void require_agrees(std::string_view xml)
{
  const auto plain = scan_plain_reply(xml);
  if (!plain) {
    return;
  }
  INFO("document: " << xml);
  const ExpatView v = expat_view(xml);
  REQUIRE(v.well_formed);
  REQUIRE(std::string(plain->root) == v.root);
  REQUIRE(plain->message_id.has_value() == v.message_id.has_value());
  if (v.message_id) {
    REQUIRE(std::string(*plain->message_id) == *v.message_id);
  }
  REQUIRE_FALSE(v.rpc_error_or_ok);
}

} // namespace

TEST_CASE("the plain scan accepts a real-shaped reply and reads its envelope")
{
  const auto plain = scan_plain_reply(k_reply);
  REQUIRE(plain);
  CHECK(plain->root == "rpc-reply");
  REQUIRE(plain->message_id);
  CHECK(*plain->message_id == "42");
  require_agrees(k_reply);

  const auto declared = scan_plain_reply("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- x -->\n"
                                         "<nc:rpc-reply xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" "
                                         "message-id='7'><data><ok/></data></nc:rpc-reply>\n<!-- after -->\n");
  REQUIRE(declared);
  CHECK(declared->root == "nc:rpc-reply");
  CHECK(declared->message_id == std::optional<std::string_view>("7"));

  const auto bare = scan_plain_reply("<rpc-reply/>");
  REQUIRE(bare);
  CHECK(bare->root == "rpc-reply");
  CHECK_FALSE(bare->message_id);
}

TEST_CASE("the plain scan is unsure of everything expat rejects or it does not cover")
{
  const std::vector<std::string> cases = {
    // not well-formed (each of these pugixml accepts)
    "<rpc-reply message-id=\"1\"><a>&foo;</a></rpc-reply>",
    "<rpc-reply message-id=\"1\" message-id=\"2\"><a/></rpc-reply>",
    "<rpc-reply message-id=\"1\"><a>\x01</a></rpc-reply>",
    "<rpc-reply message-id=\"1\"><a>\xff\xfe</a></rpc-reply>",
    "<rpc-reply message-id=\"1\"><a>\xef\xbf\xbe</a></rpc-reply>",     // U+FFFE
    "<rpc-reply message-id=\"1\"><a>\xed\xa0\x80</a></rpc-reply>",     // a surrogate
    "<rpc-reply message-id=\"1\"><a>\xe0\x80\xaf</a></rpc-reply>",     // overlong '/'
    "<rpc-reply message-id=\"1\"><a>\xf4\x90\x80\x80</a></rpc-reply>", // above U+10FFFF
    "<rpc-reply message-id=\"1\"><a>\xc3</a></rpc-reply>",             // cut short
    "<rpc-reply message-id=\"1\"><a\xc3\xa9/></rpc-reply>",            // non-ASCII name: expat decides
    "\xef\xbb\xbf<rpc-reply message-id=\"1\"/>",                      // a BOM: expat decides
    "<rpc-reply message-id=\"1\"><a>x]]>y</a></rpc-reply>",
    "<rpc-reply message-id=\"1\"><!-- a -- b --><a/></rpc-reply>",
    "<rpc-reply message-id=\"1\"><!-- a ---><a/></rpc-reply>",
    "<rpc-reply message-id=\"1\"><a b=\"<\"/></rpc-reply>",
    "<rpc-reply message-id=\"1\"><a/></rpc-reply><b/>",
    "<rpc-reply message-id=\"1\"><a/></rpc-reply>text",
    "text<rpc-reply message-id=\"1\"/>",
    "<rpc-reply message-id=\"1\"><a>&#0;</a></rpc-reply>",
    "<rpc-reply message-id=\"1\"a=\"2\"/>",
    "<rpc-reply message-id=1/>",
    "<rpc-reply message-id=\"1\"><a></b></rpc-reply>",
    "<rpc-reply message-id=\"1\"><a>",
    "<rpc-reply message-id=\"1\"><1a/></rpc-reply>",
    "",
    "   ",
    " <?xml version=\"1.0\"?><rpc-reply/>",
    // well-formed but outside the subset: expat decides
    "<rpc-reply message-id=\"1\"><a>&#65;</a></rpc-reply>",
    "<rpc-reply message-id=\"1\"><a><![CDATA[x]]></a></rpc-reply>",
    "<rpc-reply message-id=\"1\"><?pi x?></rpc-reply>",
    "<!DOCTYPE rpc-reply><rpc-reply message-id=\"1\"/>",
    "<rpc-reply message-id=\"&#49;\"/>",
    "<rpc-reply message-id=\" 1\t\"/>",
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rpc-reply/>",
    // children inspect_reply must read
    "<rpc-reply message-id=\"1\"><ok/></rpc-reply>",
    "<rpc-reply message-id=\"1\"><nc:rpc-error/><data/></rpc-reply>",
  };
  for (const auto& c : cases) {
    INFO(c);
    CHECK_FALSE(scan_plain_reply(c));
  }
  // Deeper down, an element named ok or rpc-error is only data.
  CHECK(scan_plain_reply("<rpc-reply message-id=\"1\"><data><ok/><rpc-error/></data></rpc-reply>"));
}

TEST_CASE("the plain scan never accepts what expat would not (mutated replies)")
{
  const std::vector<std::string> seeds = {
    k_reply,
    "<rpc-reply message-id=\"3\"><rpc-error><error-severity>warning</error-severity></rpc-error><data/></rpc-reply>",
    "<?xml version=\"1.0\"?><!--c--><rpc-reply a='1' message-id=\"3\"><x y=\"&quot;\">a&gt;b</x></rpc-reply><!--d-->",
  };
  const std::vector<std::string> tokens = {
    "<", ">", "&", "\"", "'", "/", "!", "?", "-", "]", "=", " ", "\t", "\n", ":", "a", "1", ";", "#",
    std::string(1, '\x01'), std::string(1, '\x7f'), "\xc3", "\xff", "\xc3\xbc", "]]>", "--", "&amp;", "&foo;",
    "&#10;", "<!--", "-->", "<![CDATA[x]]>", "<?pi?>", "<!DOCTYPE a>", " a=\"1\"", " message-id=\"9\"",
    " message-id='8'", "</a>", "<a>", "<a/>", "<ok/>", "<rpc-error/>", "<x:ok/>", "</rpc-reply>", "<rpc-reply>",
    "<?xml version=\"1.0\"?>", "\xef\xbf\xbe", "\xef\xbf\xbd", "\xed\xa0\x80", "\xed\x9f\xbf", "\xe0\x80\xaf",
    "\xe0\xa0\x80", "\xf4\x90\x80\x80", "\xf4\x8f\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf0\x9f\x98\x80", "\xc2\x85",
    "\xc1\xbf", "\xe2\x82", "<b>t</b>", "<!-- c -->", " b='2'", "<c x=\"&lt;\"/>"};
  std::mt19937 rng(20261129);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  std::size_t accepted = 0;
  std::size_t unsure = 0;
  for (int round = 0; round < 30000; ++round) {
    std::string doc = seeds[pick(seeds.size())];
    const int edits = 1 + static_cast<int>(pick(3));
    for (int e = 0; e < edits && !doc.empty(); ++e) {
      const std::size_t at = pick(doc.size());
      switch (pick(5)) {
      case 0:
        doc.replace(at, 1, tokens[pick(tokens.size())]);
        break;
      case 1:
        doc.insert(at, tokens[pick(tokens.size())]);
        break;
      case 2:
        doc.erase(at, 1 + pick(8));
        break;
      case 3:
        doc.resize(at);
        break;
      default: {
        const std::size_t from = pick(doc.size());
        doc.insert(at, doc.substr(from, 1 + pick(24)));
      }
      }
    }
    scan_plain_reply(doc) ? ++accepted : ++unsure;
    require_agrees(doc);
  }
  // The corpus exercises both outcomes, or the property proves little.
  CHECK(accepted > 500);
  CHECK(unsure > 1000);
}

TEST_CASE("the plain scan takes UTF-8 in text, attribute values and comments")
{
  const auto utf8 = scan_plain_reply("<rpc-reply message-id=\"\xc3\xa9\"><!-- \xe2\x82\xac -->"
                                     "<description note='\xf0\x9f\x98\x80'>Z\xc3\xbcrich \xef\xbf\xbd\xc2\x85</description>"
                                     "</rpc-reply>");
  REQUIRE(utf8);
  CHECK(utf8->message_id == std::optional<std::string_view>("\xc3\xa9"));
}

TEST_CASE("inspect_reply gives the same answers on the fast path and off it")
{
  // Fast path (plain) and expat path (a CDATA section) agree.
  const std::string plain = k_reply;
  std::string cdata = k_reply;
  cdata.replace(cdata.find("core"), 4, "<![CDATA[core]]>");
  REQUIRE(scan_plain_reply(plain));
  REQUIRE_FALSE(scan_plain_reply(cdata));
  for (const auto& reply : {plain, cdata}) {
    auto ok = inspect_reply(reply, 42);
    REQUIRE(ok);
    CHECK(ok->warnings.empty());
    CHECK_FALSE(ok->ok);
    auto wrong = inspect_reply(reply, 43);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == NetconfErrc::message_id);
    CHECK(wrong.error().message == "reply is for message-id 42, expected 43");
  }
  auto other_root = inspect_reply("<data message-id=\"1\"/>", 1);
  REQUIRE_FALSE(other_root);
  CHECK(other_root.error().code == NetconfErrc::framing);
  CHECK(other_root.error().message == "expected <rpc-reply>, got <data>");
  auto no_id = inspect_reply("<rpc-reply><data/></rpc-reply>", 1);
  REQUIRE_FALSE(no_id);
  CHECK(no_id.error().message == "reply has no message-id (expected 1, RFC 6241 4.2)");
  // Not well-formed: expat's verdict and message, as before.
  auto twice = inspect_reply("<rpc-reply message-id=\"1\" message-id=\"1\"><data/></rpc-reply>", 1);
  REQUIRE_FALSE(twice);
  CHECK(twice.error().code == NetconfErrc::framing);
  CHECK(twice.error().message
        == "reply is not well-formed XML (duplicate attribute at byte 26, starts '<rpc-reply message-id=\"1\" "
           "message-id=\"1\"...')");
}
