// netconf/sim/junos_reply.cpp: Junos-shaped XML for the simulator.
#include "netconf/sim/junos_reply.hpp"

#include <map>

namespace bgpwatch::netconf::sim {

namespace {

constexpr std::string_view k_heading =
  "Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn State|#Active/Received/Accepted/Damped...";

void element(std::string& out, std::string_view name, std::string_view value)
{
  out.append("<").append(name).append(">").append(value).append("</").append(name).append(">\n");
}

void element(std::string& out, std::string_view name, std::uint64_t value)
{
  element(out, name, std::to_string(value));
}

} // namespace


std::string render_bgp_information(const std::vector<PeerView>& peers, std::string_view release,
                                   std::uint64_t groups)
{
  std::string out;
  out.reserve(512 + peers.size() * 720);
  out.append("<bgp-information xmlns=\"http://xml.juniper.net/junos/").append(release).append("/junos-routing\">\n");
  std::uint64_t down = 0;
  // Per-table totals over the Established peers, tables in name order.
  std::map<std::string, RibView> tables;
  for (const auto& p : peers) {
    if (p.state != bgp::SessionState::established) {
      ++down;
    }
    for (const auto& r : p.ribs) {
      RibView& t = tables[r.name];
      t.name = r.name;
      t.active += r.active;
      t.received += r.received;
      t.accepted += r.accepted;
      t.suppressed += r.suppressed;
    }
  }
  element(out, "group-count", groups);
  element(out, "peer-count", peers.size());
  element(out, "down-peer-count", down);
  for (const auto& [name, t] : tables) {
    out.append("<bgp-rib junos:style=\"brief\">\n");
    element(out, "name", name);
    element(out, "total-prefix-count", t.received);
    element(out, "received-prefix-count", t.received);
    element(out, "accepted-prefix-count", t.accepted);
    element(out, "active-prefix-count", t.active);
    element(out, "suppressed-prefix-count", t.suppressed);
    element(out, "history-prefix-count", std::uint64_t{0});
    element(out, "damped-prefix-count", std::uint64_t{0});
    element(out, "total-external-prefix-count", t.received);
    element(out, "active-external-prefix-count", t.active);
    element(out, "accepted-external-prefix-count", t.accepted);
    element(out, "suppressed-external-prefix-count", std::uint64_t{0});
    element(out, "total-internal-prefix-count", std::uint64_t{0});
    element(out, "active-internal-prefix-count", std::uint64_t{0});
    element(out, "accepted-internal-prefix-count", std::uint64_t{0});
    element(out, "suppressed-internal-prefix-count", std::uint64_t{0});
    element(out, "pending-prefix-count", std::uint64_t{0});
    element(out, "bgp-rib-state", "BGP restart is complete");
    out.append("</bgp-rib>\n");
  }
  bool first = true;
  for (const auto& p : peers) {
    out.append("<bgp-peer junos:style=\"terse\"");
    if (first) {
      // Junos puts the CLI heading on the first peer only.
      out.append(" heading=\"").append(xml_escape(k_heading)).append("\"");
      first = false;
    }
    out.append(">\n");
    element(out, "peer-address", p.address);
    element(out, "peer-as", p.peer_as);
    element(out, "input-messages", p.input_messages);
    element(out, "output-messages", p.output_messages);
    element(out, "route-queue-count", p.output_queue);
    element(out, "flap-count", p.flaps);
    out.append("<elapsed-time junos:seconds=\"")
      .append(std::to_string(p.elapsed_seconds))
      .append("\">")
      .append(junos_elapsed_text(p.elapsed_seconds))
      .append("</elapsed-time>\n");
    if (p.description) {
      element(out, "description", xml_escape(*p.description));
    }
    if (p.state == bgp::SessionState::established) {
      out.append("<peer-state junos:format=\"Establ\">Established</peer-state>\n");
      for (const auto& r : p.ribs) {
        out.append("<bgp-rib junos:style=\"terse\">\n");
        element(out, "name", r.name);
        element(out, "active-prefix-count", r.active);
        element(out, "received-prefix-count", r.received);
        element(out, "accepted-prefix-count", r.accepted);
        element(out, "suppressed-prefix-count", r.suppressed);
        out.append("</bgp-rib>\n");
      }
    } else {
      element(out, "peer-state", to_string(p.state));
    }
    out.append("</bgp-peer>\n");
  }
  out.append("</bgp-information>\n");
  return out;
}

std::string rpc_reply(std::string_view message_id, std::string_view release, std::string_view body)
{
  std::string out;
  out.reserve(body.size() + 256);
  out.append("<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" xmlns:junos=\"http://xml.juniper.net/junos/")
    .append(release)
    .append("/junos\"");
  if (!message_id.empty()) {
    out.append(" message-id=\"").append(xml_escape(message_id)).append("\"");
  }
  out.append(">\n").append(body).append("</rpc-reply>\n");
  return out;
}

std::string rpc_error_xml(std::string_view severity, std::string_view tag, std::string_view message,
                          std::string_view bad_element)
{
  std::string out = "<rpc-error>\n<error-type>protocol</error-type>\n";
  out.append("<error-tag>").append(tag).append("</error-tag>\n");
  out.append("<error-severity>").append(severity).append("</error-severity>\n");
  if (!bad_element.empty()) {
    out.append("<error-info>\n<bad-element>").append(xml_escape(bad_element)).append("</bad-element>\n</error-info>\n");
  }
  out.append("<error-message>\n").append(xml_escape(message)).append("\n</error-message>\n</rpc-error>\n");
  return out;
}

} // namespace bgpwatch::netconf::sim
