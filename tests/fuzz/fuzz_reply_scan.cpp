// tests/fuzz/fuzz_reply_scan.cpp: libFuzzer target holding the plain-reply
// fast path of inspect_reply (netconf/reply_scan) to expat: whenever it
// accepts a document, expat must find it well-formed, with the same root
// and message-id and no root child named rpc-error or ok.
#include "netconf/reply_scan.hpp"

#include <expat.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {

struct View
{
  int depth = 0;
  std::string root;
  std::optional<std::string> message_id;
  bool special_child = false;
};

std::string_view after_colon(std::string_view n)
{
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

void on_start(void* user, const XML_Char* name, const XML_Char** attrs)
{
  auto& v = *static_cast<View*>(user);
  ++v.depth;
  if (v.depth == 1) {
    v.root = name;
    for (int i = 0; attrs[i] != nullptr; i += 2) {
      if (std::string_view(attrs[i]) == "message-id") {
        v.message_id = attrs[i + 1];
      }
    }
  } else if (v.depth == 2 && (after_colon(name) == "rpc-error" || after_colon(name) == "ok")) {
    v.special_child = true;
  }
}

void on_end(void* user, const XML_Char*)
{
  --static_cast<View*>(user)->depth;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  const auto plain = bgpwatch::netconf::scan_plain_reply(xml);
  if (!plain) {
    return 0;
  }
  View v;
  XML_Parser p = XML_ParserCreate("UTF-8");
  XML_SetUserData(p, &v);
  XML_SetElementHandler(p, on_start, on_end);
  const bool well_formed = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) != XML_STATUS_ERROR;
  XML_ParserFree(p);
  if (!well_formed || v.root != plain->root || v.message_id.has_value() != plain->message_id.has_value()
      || (v.message_id && *v.message_id != *plain->message_id) || v.special_child) {
    std::abort();
  }
  return 0;
}
