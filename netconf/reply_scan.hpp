// netconf/reply_scan.hpp: the fast path of inspect_reply. One tight pass
// that proves an <rpc-reply> well-formed (XML 1.0 §2.1) when it keeps to
// the plain subset every data reply we have seen keeps to (UTF-8, ASCII
// names, no DTD, no PI but an XML declaration, no CDATA, only the five
// predefined entity references), and reads its envelope: root name and
// message-id.
//
// It never rejects: anything outside the subset, or anything not
// well-formed, answers "unsure" and inspect_reply asks expat, which gives
// the verdict and the error message. So a reply is accepted here only if
// expat would accept it too, at about a tenth of expat's cost
// (tests/bench/bench_netconf_reply.cpp); tests/netconf/test_reply_scan.cpp
// holds it against expat on mutated replies.
#pragma once

#include <optional>
#include <string_view>

namespace bgpwatch::netconf {

struct PlainEnvelope
{
  std::string_view root;                      // qualified name of the document element
  std::optional<std::string_view> message_id; // its message-id attribute, literally
};

// The envelope of `xml` when it is a well-formed document in the plain
// subset whose root has no child named (local name) rpc-error or ok;
// nullopt otherwise ("unsure": those replies take the full expat scan,
// which reads rpc-error and ok). Views point into `xml`.
std::optional<PlainEnvelope> scan_plain_reply(std::string_view xml) noexcept;

} // namespace bgpwatch::netconf
