// tests/bgp/test_junos_stream.cpp: the streaming summary reader
// (parse_junos_xml_stream, issue 17) against the DOM path (parse_junos_xml)
// on every XML fixture, and on hand-written inputs for the XML it must read
// (entities, prefixes, comments, unknown elements) and the XML it must hand
// back to the DOM path (CDATA, PIs, DOCTYPE, errors).
#include "tests/bgp/test_junos_util.hpp"

#include "bgp/junos_stream.hpp"

#include <algorithm>

using namespace junos_test;

namespace {

std::string read_file(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The stream answer must be the DOM answer; returns whether the stream
// reader answered (false: it fell back).
bool agrees(const std::string& xml)
{
  const auto stream = parse_junos_xml_stream(xml);
  if (!stream) {
    return false;
  }
  const auto dom = parse_junos_xml(xml);
  INFO("DOM: " << error_text(dom));
  REQUIRE(dom.has_value());
  CHECK(same_summary(*stream, *dom));
  return true;
}

// The stream reader must answer, with the DOM path's Summary.
Summary streamed(const std::string& xml)
{
  CAPTURE(xml);
  const auto dom = parse_junos_xml(xml);
  INFO("DOM: " << error_text(dom));
  REQUIRE(dom.has_value());
  const auto stream = parse_junos_xml_stream(xml);
  REQUIRE(stream.has_value());
  CHECK(same_summary(*stream, *dom));
  return *stream;
}

// The stream reader must decline (the DOM path answers, error or not).
void falls_back(const std::string& xml)
{
  CAPTURE(xml);
  CHECK_FALSE(parse_junos_xml_stream(xml).has_value());
}

const std::string k_peer = "<bgp-peer><peer-address>10.0.0.1</peer-address><peer-as>64601</peer-as>"
                           "<peer-state>Established</peer-state><elapsed-time seconds=\"42\">42</elapsed-time>"
                           "<bgp-rib><name>inet.0</name><active-prefix-count>1</active-prefix-count></bgp-rib>"
                           "</bgp-peer>";

std::string info(const std::string& inner)
{
  return "<bgp-information><group-count>1</group-count><peer-count>1</peer-count>"
         "<down-peer-count>0</down-peer-count>"
         + inner + "</bgp-information>";
}

} // namespace

TEST_CASE("junos stream: every XML fixture gives the DOM path's Summary; only documented cases fall back")
{
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(fixtures_dir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".xml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 40);
  std::size_t dom_read = 0;
  std::size_t streamed_count = 0;
  for (const auto& path : files) {
    CAPTURE(path.string());
    const auto xml = read_file(path);
    const auto dom = parse_junos_xml(xml);
    const bool answered = agrees(xml);
    streamed_count += answered ? 1 : 0;
    if (!dom) {
      CHECK_FALSE(answered); // errors are always the DOM path's
      continue;
    }
    ++dom_read;
    // What the DOM path reads falls back only for what the stream reader
    // leaves to it by design: <output>, <rpc-error> warnings beside data,
    // multi-routing-engine wrappers.
    const bool by_design = xml.find("<output") != std::string::npos || xml.find("rpc-error>") != std::string::npos
                           || xml.find("multi-routing-engine") != std::string::npos;
    if (!by_design) {
      CHECK(answered);
    }
  }
  CHECK(dom_read >= 20);
  CHECK(streamed_count + 4 >= dom_read);
}

TEST_CASE("junos stream: the predefined entities and character references, decoded as pugixml does")
{
  const auto s = streamed(info("<bgp-peer><peer-address>10.0.0.&#49;</peer-address><peer-as>&#x36;4601</peer-as>"
                               "<peer-state>Establ&#105;shed</peer-state>"
                               "<description>a&lt;b&gt;c&amp;d&apos;e&quot;f &#xe9;&#233; &#x1F600;</description>"
                               "</bgp-peer>"));
  REQUIRE(s.sessions.size() == 1);
  CHECK(s.sessions[0].address == *Address::parse("10.0.0.1"));
  CHECK(s.sessions[0].peer_as == 64601u);
  CHECK(s.sessions[0].description == "a<b>c&d'e\"f \xc3\xa9\xc3\xa9 \xf0\x9f\x98\x80");
}

TEST_CASE("junos stream: CR LF and lone CR become LF inside a text, as pugixml's parse_eol does")
{
  const auto s = streamed(info("<bgp-peer>\r\n<peer-address>10.0.0.1</peer-address>\r\n<peer-state>Active</peer-state>"
                               "<description>one\r\ntwo\rthree&#13;</description></bgp-peer>"));
  REQUIRE(s.sessions.size() == 1);
  CHECK(s.sessions[0].description == "one\ntwo\nthree"); // the reference's CR is trimmed at the end
}

TEST_CASE("junos stream: namespace prefixes on elements and attributes, default namespaces, both seconds forms")
{
  const auto s = streamed(
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<nc:rpc-reply xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" "
    "xmlns:junos=\"http://xml.juniper.net/junos/18.4R1/junos\" message-id='1'>\n"
    "<bgp-information xmlns=\"http://xml.juniper.net/junos/18.4R1/junos-routing\">\n"
    "<group-count>2</group-count><peer-count>2</peer-count><down-peer-count>1</down-peer-count>\n"
    "<bgp-peer junos:style=\"terse\" heading=\"Peer   AS\"><junos:peer-address>10.0.0.1+179</junos:peer-address>"
    "<peer-as>64601</peer-as><peer-state junos:format=\"Establ\">Established</peer-state>"
    "<elapsed-time junos:seconds=\"3661\">1:01:01</elapsed-time></bgp-peer>\n"
    "<bgp-peer style=\"terse\"><peer-address>fd:1:2:3::2</peer-address><peer-as>4290029998</peer-as>"
    "<peer-state>Idle</peer-state><elapsed-time seconds = '9' seconds=\"10\">9</elapsed-time></bgp-peer>\n"
    "</bgp-information>\n</nc:rpc-reply>\n]]>]]>\n");
  REQUIRE(s.sessions.size() == 2);
  CHECK(s.groups == 2u);
  CHECK(s.sessions[0].uptime_seconds == 3661);
  CHECK(s.sessions[1].uptime_seconds == 9); // the first seconds attribute, as attribute_local takes it
  CHECK(s.sessions[1].peer_as == 4290029998u);
}

TEST_CASE("junos stream: comments and whitespace anywhere between nodes are skipped")
{
  const auto s = streamed("<!-- saved by hand -- with dashes -->\n<rpc-reply>\n<!-- x -->"
                          + info("<!---->" + k_peer + "<!-- between --->") + "\n<!-- after -->\n</rpc-reply >\n");
  REQUIRE(s.sessions.size() == 1);
  CHECK(s.sessions[0].ribs.size() == 1);
}

TEST_CASE("junos stream: unknown elements at every level are skipped, nested or empty")
{
  const auto s = streamed("<rpc-reply><cli><banner>{primary:node0}</banner></cli><ok/>"
                          + info("<bgp-thread-mode>BGP I/O</bgp-thread-mode>"
                                 "<bgp-rib style=\"brief\"><x><name>not this</name></x><name>frontend.inet.0</name>"
                                 "<name>second</name><total-prefix-count>3</total-prefix-count></bgp-rib>"
                                 "<bgp-peer><new-field a='1'><deeper>&unknown; &#xZZ; ]]&gt;</deeper></new-field>"
                                 "<peer-address>10.0.0.2</peer-address><peer-state>Active</peer-state>"
                                 "<bgp-rib><name>x.inet.0</name><future/></bgp-rib></bgp-peer>")
                          + "<trailer/></rpc-reply>");
  REQUIRE(s.sessions.size() == 1);
  CHECK(s.sessions[0].instance == "x");
}

TEST_CASE("junos stream: instance rule and merge of two bgp-information blocks match the DOM path")
{
  const auto s = streamed(
    "<rpc-reply>"
    + info("<bgp-rib><name>frontend.inet.0</name></bgp-rib><bgp-peer><peer-address>10.0.0.9</peer-address>"
           "<peer-state>Active</peer-state></bgp-peer>")
    + info(k_peer + "<bgp-peer><peer-address>10.0.0.9</peer-address><peer-state>Idle</peer-state></bgp-peer>")
    + "</rpc-reply>");
  REQUIRE(s.sessions.size() == 3);
  CHECK(s.sessions[0].instance == "frontend");
}

TEST_CASE("junos stream: empty replies")
{
  CHECK(streamed("<bgp-information/>").sessions.empty());
  CHECK(streamed("<bgp-information>\n</bgp-information>").sessions.empty());
  const auto s = streamed(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Active</peer-state>"
                               "<description/><peer-as>  64601\n</peer-as></bgp-peer>"));
  CHECK(s.sessions[0].description == "");
}

TEST_CASE("junos stream: counters at the 64-bit edge; seconds past int64 fall back")
{
  const auto s = streamed(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Active</peer-state>"
                               "<output-messages> 18446744073709551615 </output-messages>"
                               "<flap-count>007</flap-count>"
                               "<elapsed-time seconds=\"9223372036854775807\">x</elapsed-time></bgp-peer>"));
  CHECK(s.sessions[0].output_messages == 18446744073709551615u);
  CHECK(s.sessions[0].flaps == 7u);
  CHECK(s.sessions[0].uptime_seconds == 9223372036854775807);
  falls_back(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Active</peer-state>"
                  "<output-messages>18446744073709551616</output-messages></bgp-peer>"));
  falls_back(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Active</peer-state>"
                  "<elapsed-time seconds=\"9223372036854775808\">1</elapsed-time></bgp-peer>"));
  falls_back(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Active</peer-state>"
                  "<flap-count>-1</flap-count></bgp-peer>"));
  falls_back(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Active</peer-state>"
                  "<flap-count></flap-count></bgp-peer>"));
}

TEST_CASE("junos stream: what it cannot prove it reads alike goes to the DOM path")
{
  // CDATA: the DOM path reads it; this reader does not.
  const auto cdata = info("<bgp-peer><peer-address><![CDATA[10.0.0.1]]></peer-address>"
                          "<peer-state>Active</peer-state></bgp-peer>");
  falls_back(cdata);
  REQUIRE(parse_junos_xml(cdata).has_value());
  falls_back("<!DOCTYPE bgp-information>" + info(k_peer));
  falls_back("<?xml-stylesheet href='a'?>" + info(k_peer));
  falls_back(info("<?pi x?>" + k_peer));
  falls_back("\xef\xbb\xbf" + info(k_peer));        // BOM
  falls_back(info(k_peer).insert(20, 1, '\0'));     // NUL
  falls_back(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Act<!--c-->ive</peer-state></bgp-peer>"));
  falls_back(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Active</peer-state>"
                  "<description>&nbsp;</description></bgp-peer>"));
  falls_back(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Active</peer-state>"
                  "<description>&#0;</description></bgp-peer>"));
  falls_back(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Active</peer-state>"
                  "<elapsed-time seconds=\"&#49;\">1</elapsed-time></bgp-peer>"));
  // Errors: the DOM path's text (with its line) is the answer.
  falls_back(info("<bgp-peer><peer-address>10.0.0.1</peer-address></bgp-peer>"));
  falls_back(info("<bgp-peer><peer-address>10.0.0.1</peer-address><peer-state>Up</peer-state></bgp-peer>"));
  falls_back(info("<peer-count>x</peer-count>"));
  falls_back(info(k_peer) + "<second/>");
  falls_back(info(k_peer) + "junk");
  falls_back(info(k_peer).substr(0, 200));
  falls_back(info("<a></b>"));
  falls_back(info("<a b='1'c='2'/>"));
  falls_back("<route-information/>");
  falls_back("<rpc-reply><rpc-error><error-severity>warning</error-severity></rpc-error>" + info(k_peer)
             + "</rpc-reply>");
  falls_back("<rpc-reply><output>Groups: 1 Peers: 1 Down peers: 0</output></rpc-reply>");
  falls_back("<rpc-reply><ok/></rpc-reply>");
  falls_back("");
  std::string deep = info("");
  for (int i = 0; i < 100; ++i) {
    deep.insert(deep.size() - std::string("</bgp-information>").size(), "<d>");
  }
  for (int i = 0; i < 100; ++i) {
    deep.insert(deep.size() - std::string("</bgp-information>").size(), "</d>");
  }
  falls_back(deep);
}
