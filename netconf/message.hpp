// netconf/message.hpp: the NETCONF messages bgpwatch builds and inspects
// (RFC 6241): <hello> with base-version negotiation, the <rpc> envelope
// with its message-id, and <rpc-reply> inspection (message-id match,
// <rpc-error> by severity). Pure: strings in, values out. Replies are read
// with an XML parser and matched on local names, because Junos puts its
// data in release-specific namespaces.
#pragma once

#include "bgp/expected.hpp"
#include "netconf/error.hpp"
#include "netconf/framing.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::netconf {

inline constexpr std::string_view k_netconf_ns = "urn:ietf:params:xml:ns:netconf:base:1.0";
inline constexpr std::string_view k_base_1_0 = "urn:ietf:params:netconf:base:1.0";
inline constexpr std::string_view k_base_1_1 = "urn:ietf:params:netconf:base:1.1";

struct Hello
{
  std::vector<std::string> capabilities;
  std::optional<std::uint32_t> session_id; // servers send one, clients must not
};

// A <hello> offering `capabilities` (and a session-id when given: server side).
// Text for element content or a double-quoted attribute: & < > " escaped.
std::string xml_escape(std::string_view text);

std::string build_hello(const std::vector<std::string>& capabilities,
                        std::optional<std::uint32_t> session_id = std::nullopt);

// Parses a peer's <hello>. Leading comments and an XML declaration are
// accepted (Junos sends a comment line first). Errors: NetconfErrc::hello.
Expected<Hello, NetconfError> parse_hello(std::string_view xml);

// RFC 6242 4.1: chunked framing iff both sides offer base:1.1; else EOM
// iff both offer base:1.0; else no common version (NetconfErrc::hello).
Expected<Framing, NetconfError> negotiate_framing(const std::vector<std::string>& ours,
                                                 const std::vector<std::string>& theirs);

// <rpc message-id="N" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">OP</rpc>
std::string build_rpc(std::uint64_t message_id, std::string_view operation_xml);

// The operation's element name in a request ("get-bgp-summary-information"
// from "<get-bgp-summary-information/>"), for messages; "" if none.
std::string operation_name(std::string_view operation_xml);

struct RpcErrorInfo
{
  std::string severity; // "error" / "warning"
  std::string tag;      // error-tag
  std::string message;  // error-message, whitespace-trimmed
};

struct ReplyInfo
{
  std::vector<RpcErrorInfo> warnings; // severity warning: data still valid
  bool ok = false;                    // the reply is <ok/>
};

// Checks a <rpc-reply>: well-formed XML, root rpc-reply, message-id equal
// to `expected_id`, and no <rpc-error> of severity error. Warnings next to
// data are returned, not failures (Junos sends them with valid data).
// Errors: framing (not XML / not rpc-reply), message_id, rpc_error (message
// = the router's error-message).
Expected<ReplyInfo, NetconfError> inspect_reply(std::string_view reply_xml, std::uint64_t expected_id);

} // namespace bgpwatch::netconf
