// bgp/junos_xml_nodes.cpp: see junos_xml_nodes.hpp.
#include "bgp/junos_xml_nodes.hpp"

namespace bgpwatch::bgp::junos_xml {

RpcErrorText read_rpc_error(const pugi::xml_node& node)
{
  std::string severity;
  std::string message;
  std::string path;
  std::string bad_element;
  std::string tag;
  for (auto c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) {
      continue;
    }
    const auto n = local_name(c.name());
    if (n == "error-severity") {
      severity = element_text(c);
    } else if (n == "error-message") {
      message = element_text(c);
    } else if (n == "error-path") {
      path = element_text(c);
    } else if (n == "error-tag") {
      tag = element_text(c);
    } else if (n == "error-info") {
      for (auto i = c.first_child(); i; i = i.next_sibling()) {
        if (i.type() == pugi::node_element && local_name(i.name()) == "bad-element") {
          bad_element = element_text(i);
        }
      }
    }
  }
  RpcErrorText out;
  out.fatal = severity != "warning";
  out.detail = message.empty() ? "router returned <rpc-error> without <error-message>" : message;
  if (!tag.empty() && message.empty()) {
    out.detail += " (error-tag " + tag + ")";
  }
  if (!bad_element.empty()) {
    out.detail += " (bad-element " + bad_element + ")";
  }
  if (!path.empty()) {
    out.detail += " (error-path " + path + ")";
  }
  if (!out.fatal) {
    out.detail = "warning: " + out.detail;
  }
  return out;
}

} // namespace bgpwatch::bgp::junos_xml
