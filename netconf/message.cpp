// netconf/message.cpp: hello, rpc and rpc-reply (RFC 6241) with pugixml.
#include "netconf/message.hpp"

#include "netconf/reply_scan.hpp"

#include <expat.h>
#include <pugixml.hpp>

#include <algorithm>
#include <charconv>

namespace bgpwatch::netconf {

namespace {

std::string_view local_name(std::string_view n) noexcept
{
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node child_local(pugi::xml_node parent, std::string_view name)
{
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == name) {
      return c;
    }
  }
  return {};
}

std::string trimmed_text(pugi::xml_node node)
{
  std::string s = node.text().get();
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) {
    return "";
  }
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Parses a document without copying it twice; comments are skipped.
pugi::xml_parse_result parse(pugi::xml_document& doc, std::string_view xml)
{
  return doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
}

std::string excerpt(std::string_view s)
{
  std::string out;
  for (char c : s.substr(0, 40)) {
    out += (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f) ? c : '.';
  }
  return s.size() > 40 ? out + "..." : out;
}

} // namespace

std::string xml_escape(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string build_hello(const std::vector<std::string>& capabilities, std::optional<std::uint32_t> session_id)
{
  // No XML declaration: Junos prefixes comment lines, and a declaration
  // after them would not be well-formed.
  std::string out = "<hello xmlns=\"";
  out.append(k_netconf_ns).append("\">\n  <capabilities>\n");
  for (const auto& c : capabilities) {
    out.append("    <capability>").append(xml_escape(c)).append("</capability>\n");
  }
  out.append("  </capabilities>\n");
  if (session_id) {
    out.append("  <session-id>").append(std::to_string(*session_id)).append("</session-id>\n");
  }
  out.append("</hello>\n");
  return out;
}

Expected<Hello, NetconfError> parse_hello(std::string_view xml)
{
  pugi::xml_document doc;
  const auto result = parse(doc, xml);
  if (!result) {
    return Unexpected(NetconfError{NetconfErrc::hello, std::string("the server's <hello> is not well-formed XML (")
                                                           + result.description() + " at byte "
                                                           + std::to_string(result.offset) + ")"});
  }
  const pugi::xml_node root = doc.document_element();
  if (local_name(root.name()) != "hello") {
    return Unexpected(NetconfError{NetconfErrc::hello, "expected <hello> from the server, got <"
                                                           + std::string(root.name()) + ">"});
  }
  Hello hello;
  for (pugi::xml_node c = child_local(root, "capabilities").first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == "capability") {
      hello.capabilities.push_back(trimmed_text(c));
    }
  }
  if (hello.capabilities.empty()) {
    return Unexpected(NetconfError{NetconfErrc::hello, "the server's <hello> lists no capabilities (RFC 6241 8.1)"});
  }
  if (const pugi::xml_node sid = child_local(root, "session-id")) {
    const std::string text = trimmed_text(sid);
    std::uint32_t v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) {
      return Unexpected(NetconfError{NetconfErrc::hello, "bad <session-id> '" + excerpt(text) + "' in the server's <hello>"});
    }
    hello.session_id = v;
  }
  return hello;
}

Expected<Framing, NetconfError> negotiate_framing(const std::vector<std::string>& ours,
                                                 const std::vector<std::string>& theirs)
{
  auto has = [](const std::vector<std::string>& caps, std::string_view cap) {
    return std::find(caps.begin(), caps.end(), cap) != caps.end();
  };
  if (has(ours, k_base_1_1) && has(theirs, k_base_1_1)) {
    return Framing::chunked;
  }
  if (has(ours, k_base_1_0) && has(theirs, k_base_1_0)) {
    return Framing::eom;
  }
  return Unexpected(NetconfError{NetconfErrc::hello,
                                 "no common NETCONF base version: the server offers neither base:1.0 nor base:1.1"});
}

std::string build_rpc(std::uint64_t message_id, std::string_view operation_xml)
{
  std::string out = "<rpc message-id=\"";
  out.append(std::to_string(message_id)).append("\" xmlns=\"").append(k_netconf_ns).append("\">");
  out.append(operation_xml);
  out.append("</rpc>");
  return out;
}

std::string operation_name(std::string_view operation_xml)
{
  pugi::xml_document doc;
  if (!parse(doc, operation_xml)) {
    return "";
  }
  const pugi::xml_node root = doc.document_element();
  return root ? std::string(local_name(root.name())) : "";
}

namespace {

// Streaming (expat) scan of an <rpc-reply>: replies can be tens of MB and
// the data is parsed again by the Junos parser, so no DOM here. Memory is
// O(depth); only the root, its message-id and its <ok>/<rpc-error>
// children matter. Names are matched on local names (prefixes ignored).
struct ReplyScan
{
  XML_Parser parser = nullptr;
  int depth = 0;
  std::string root;
  std::optional<std::string> message_id;
  bool ok = false;
  std::vector<RpcErrorInfo> errors;   // severity error (or missing)
  std::vector<RpcErrorInfo> warnings;
  // inside an <rpc-error>
  bool in_error = false;
  RpcErrorInfo current;
  std::string bad_element;
  std::string field; // which child's text is being collected
  std::string text;

  static std::string_view local(const XML_Char* name)
  {
    return local_name(name);
  }

  static void on_start(void* user, const XML_Char* name, const XML_Char** attrs)
  {
    auto& s = *static_cast<ReplyScan*>(user);
    ++s.depth;
    const std::string_view n = local(name);
    if (s.depth == 1) {
      s.root = std::string(n);
      for (int i = 0; attrs[i] != nullptr; i += 2) {
        if (std::string_view(attrs[i]) == "message-id") {
          s.message_id = attrs[i + 1];
        }
      }
    } else if (s.depth == 2) {
      if (n == "ok") {
        s.ok = true;
      } else if (n == "rpc-error") {
        s.in_error = true;
        s.current = RpcErrorInfo{};
        s.bad_element.clear();
      }
    } else if (s.in_error && (s.depth == 3 || (s.depth == 4 && n == "bad-element"))) {
      s.field = std::string(n);
      // Text matters only here: a character-data handler for the whole
      // reply costs expat ~10% on a large one.
      XML_SetCharacterDataHandler(s.parser, &ReplyScan::on_text);
      s.text.clear();
    }
  }

  static void on_end(void* user, const XML_Char*)
  {
    auto& s = *static_cast<ReplyScan*>(user);
    if (s.in_error && !s.field.empty() && (s.depth == 3 || s.depth == 4)) {
      std::string t = trim(s.text);
      if (s.field == "error-severity") {
        s.current.severity = std::move(t);
      } else if (s.field == "error-tag") {
        s.current.tag = std::move(t);
      } else if (s.field == "error-message") {
        s.current.message = std::move(t);
      } else if (s.field == "bad-element") {
        s.bad_element = std::move(t);
      }
      s.field.clear();
      XML_SetCharacterDataHandler(s.parser, nullptr);
    }
    if (s.in_error && s.depth == 2) {
      s.in_error = false;
      RpcErrorInfo e = std::move(s.current);
      if (e.message.empty()) {
        // Junos puts the offending element under error-info/bad-element.
        e.message = s.bad_element.empty() ? e.tag : e.tag + " (bad element " + s.bad_element + ")";
      }
      // Anything that is not explicitly a warning is an error: fail closed.
      (e.severity == "warning" ? s.warnings : s.errors).push_back(std::move(e));
    }
    --s.depth;
  }

  static void on_text(void* user, const XML_Char* data, int len)
  {
    auto& s = *static_cast<ReplyScan*>(user);
    if (s.in_error && !s.field.empty() && s.text.size() < 4096) {
      s.text.append(data, static_cast<std::size_t>(len));
    }
  }

  static std::string trim(const std::string& v)
  {
    const auto b = v.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) {
      return "";
    }
    return v.substr(b, v.find_last_not_of(" \t\r\n") - b + 1);
  }
};

} // namespace

namespace {

struct Envelope
{
  std::string root; // local name
  std::optional<std::string> message_id;
  bool ok = false;
  std::vector<RpcErrorInfo> errors;
  std::vector<RpcErrorInfo> warnings;
};

// The full expat scan: the verdict on anything the plain scan is unsure
// of, with expat's error message, and the reader of rpc-error and ok.
Expected<Envelope, NetconfError> scan_with_expat(std::string_view reply_xml)
{
  ReplyScan scan;
  XML_Parser parser = XML_ParserCreate("UTF-8");
  if (parser == nullptr) {
    return Unexpected(NetconfError{NetconfErrc::io, "out of memory creating an XML parser"});
  }
  scan.parser = parser;
  XML_SetUserData(parser, &scan);
  XML_SetElementHandler(parser, &ReplyScan::on_start, &ReplyScan::on_end);
  // Feed in slices: XML_Parse takes an int length.
  bool well_formed = true;
  std::string_view rest = reply_xml;
  do {
    const std::size_t n = std::min<std::size_t>(rest.size(), 1u << 30);
    const bool last = n == rest.size();
    if (XML_Parse(parser, rest.data(), static_cast<int>(n), last ? 1 : 0) == XML_STATUS_ERROR) {
      well_formed = false;
      break;
    }
    rest.remove_prefix(n);
  } while (!rest.empty());
  if (!well_formed) {
    const std::string why = XML_ErrorString(XML_GetErrorCode(parser));
    const auto at = XML_GetCurrentByteIndex(parser);
    XML_ParserFree(parser);
    return Unexpected(NetconfError{NetconfErrc::framing, "reply is not well-formed XML (" + why + " at byte "
                                                             + std::to_string(at) + ", starts '"
                                                             + excerpt(reply_xml) + "')"});
  }
  XML_ParserFree(parser);
  return Envelope{std::move(scan.root), std::move(scan.message_id), scan.ok, std::move(scan.errors),
                  std::move(scan.warnings)};
}

} // namespace

Expected<ReplyInfo, NetconfError> inspect_reply(std::string_view reply_xml, std::uint64_t expected_id)
{
  // A plain data reply is proven well-formed in one cheap pass; expat
  // (ten times the cost on a 2,000-peer reply) judges everything else.
  Envelope envelope;
  if (const auto plain = scan_plain_reply(reply_xml)) {
    envelope.root = std::string(local_name(plain->root));
    if (plain->message_id) {
      envelope.message_id = std::string(*plain->message_id);
    }
  } else {
    auto full = scan_with_expat(reply_xml);
    if (!full) {
      return Unexpected(std::move(full).error());
    }
    envelope = std::move(*full);
  }
  if (envelope.root != "rpc-reply") {
    return Unexpected(NetconfError{NetconfErrc::framing, "expected <rpc-reply>, got <" + excerpt(envelope.root) + ">"});
  }
  // RFC 6241 4.2: the reply carries the request's message-id.
  const std::string want = std::to_string(expected_id);
  if (!envelope.message_id) {
    return Unexpected(NetconfError{NetconfErrc::message_id,
                                   "reply has no message-id (expected " + want + ", RFC 6241 4.2)"});
  }
  if (*envelope.message_id != want) {
    return Unexpected(NetconfError{NetconfErrc::message_id,
                                   "reply is for message-id " + excerpt(*envelope.message_id) + ", expected " + want});
  }
  if (!envelope.errors.empty()) {
    std::string msg;
    for (const auto& e : envelope.errors) {
      msg += (msg.empty() ? "" : "; ") + (e.message.empty() ? std::string("(no error-message)") : e.message);
    }
    return Unexpected(NetconfError{NetconfErrc::rpc_error, msg});
  }
  ReplyInfo info;
  info.ok = envelope.ok;
  info.warnings = std::move(envelope.warnings);
  return info;
}

} // namespace bgpwatch::netconf
