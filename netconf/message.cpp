// netconf/message.cpp: hello, rpc and rpc-reply (RFC 6241) with pugixml.
#include "netconf/message.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>

namespace bgpwatch::netconf {

namespace {

std::string_view local_name(const char* name) noexcept
{
  std::string_view n(name);
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

std::string xml_escape(std::string_view s)
{
  std::string out;
  for (char c : s) {
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
    default:
      out += c;
    }
  }
  return out;
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

Expected<ReplyInfo, NetconfError> inspect_reply(std::string_view reply_xml, std::uint64_t expected_id)
{
  pugi::xml_document doc;
  const auto result = parse(doc, reply_xml);
  if (!result) {
    return Unexpected(NetconfError{NetconfErrc::framing, std::string("reply is not well-formed XML (")
                                                             + result.description() + " at byte "
                                                             + std::to_string(result.offset) + ", starts '"
                                                             + excerpt(reply_xml) + "')"});
  }
  const pugi::xml_node root = doc.document_element();
  if (local_name(root.name()) != "rpc-reply") {
    return Unexpected(NetconfError{NetconfErrc::framing,
                                   "expected <rpc-reply>, got <" + excerpt(root.name()) + ">"});
  }
  // RFC 6241 4.2: the reply carries the request's message-id.
  const pugi::xml_attribute id_attr = root.attribute("message-id");
  const std::string want = std::to_string(expected_id);
  if (!id_attr) {
    return Unexpected(NetconfError{NetconfErrc::message_id,
                                   "reply has no message-id (expected " + want + ", RFC 6241 4.2)"});
  }
  if (std::string_view(id_attr.value()) != want) {
    return Unexpected(NetconfError{NetconfErrc::message_id, "reply is for message-id " + excerpt(id_attr.value())
                                                                + ", expected " + want})
;
  }
  ReplyInfo info;
  std::vector<RpcErrorInfo> errors;
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) {
      continue;
    }
    const std::string_view name = local_name(c.name());
    if (name == "ok") {
      info.ok = true;
    } else if (name == "rpc-error") {
      RpcErrorInfo e;
      e.severity = trimmed_text(child_local(c, "error-severity"));
      e.tag = trimmed_text(child_local(c, "error-tag"));
      e.message = trimmed_text(child_local(c, "error-message"));
      if (e.message.empty()) {
        // Junos puts the offending element under error-info/bad-element.
        const std::string bad = trimmed_text(child_local(child_local(c, "error-info"), "bad-element"));
        e.message = bad.empty() ? e.tag : e.tag + " (bad element " + bad + ")";
      }
      // Anything that is not explicitly a warning is an error: fail closed.
      if (e.severity == "warning") {
        info.warnings.push_back(std::move(e));
      } else {
        errors.push_back(std::move(e));
      }
    }
  }
  if (!errors.empty()) {
    std::string msg;
    for (const auto& e : errors) {
      msg += (msg.empty() ? "" : "; ") + (e.message.empty() ? std::string("(no error-message)") : e.message);
    }
    return Unexpected(NetconfError{NetconfErrc::rpc_error, msg});
  }
  return info;
}

} // namespace bgpwatch::netconf
