// netconf/sim/neighbor.cpp: <get-bgp-neighbor-information> answers from the
// scenario timeline (see neighbor.hpp for the rules).
#include "netconf/sim/neighbor.hpp"

#include "netconf/sim/junos_reply.hpp"

#include <algorithm>
#include <cmath>

namespace bgpwatch::netconf::sim {

namespace {

void element(std::string& out, std::string_view name, std::string_view value)
{
  out.append("<").append(name).append(">").append(value).append("</").append(name).append(">\n");
}

void element(std::string& out, std::string_view name, std::uint64_t value)
{
  element(out, name, std::to_string(value));
}

std::string join(const std::vector<std::string>& words)
{
  std::string out;
  for (const auto& w : words) {
    out += (out.empty() ? "" : " ") + w;
  }
  return out;
}

// Junos state names for last-state ("Established", "Active", ...).
std::string state_name(bgp::SessionState s)
{
  return std::string(bgp::to_string(s));
}

NeighborView view_of(const PeerSpec& spec, const PeerView& base, double t)
{
  NeighborView v;
  v.peer = base;
  v.unconfigured = spec.unconfigured;
  const bool v6 = spec.address.find(':') != std::string::npos;
  v.nlri = v6 ? "inet6-unicast" : "inet-unicast";
  v.peer_group = v6 ? "Kubernetes6" : "Kubernetes4";
  // The current event and the history before it.
  const TimelineEvent* current = nullptr;
  const TimelineEvent* previous = nullptr;
  const TimelineEvent* last_up = nullptr;   // the last Established event at or before t
  const TimelineEvent* went_down = nullptr; // the first event that left last_up
  bool was_down_before_up = false;          // the current up period followed a down one
  for (const auto& e : spec.timeline) {
    if (e.at > t) {
      break;
    }
    previous = current;
    current = &e;
    if (e.state == bgp::SessionState::established) {
      if (previous == nullptr || previous->state != bgp::SessionState::established) {
        last_up = &e;
        was_down_before_up = previous != nullptr;
      }
      went_down = nullptr;
    } else if (last_up != nullptr && went_down == nullptr) {
      went_down = &e;
    }
  }
  if (current == nullptr) {
    return v;
  }
  const bool up = current->state == bgp::SessionState::established;
  v.last_state = up ? "OpenConfirm" : (previous != nullptr ? state_name(previous->state) : "Idle");
  v.flags = {"Sync"};
  if (spec.unconfigured) {
    v.flags = {"Unconfigured", "Sync"};
  }
  v.options = {"Preference", "HoldTime"};
  if (spec.graceful_restart) {
    v.options.push_back("GracefulRestart");
  }
  for (const char* o : {"AddressFamily", "PeerAS", "PrefixLimit", "Refresh"}) {
    v.options.emplace_back(o);
  }
  if (current->teardown == "prefix_limit") {
    v.flags = {"Idled"};
    v.last_error = "Cease";
  } else if (current->teardown == "admin_shutdown") {
    v.options_extended.push_back("Shutdown");
  }
  if (current->last_error) {
    v.last_error = *current->last_error;
  }
  if (!spec.graceful_restart) {
    return v;
  }
  const GracefulRestartSpec& gr = *spec.graceful_restart;
  if (up) {
    v.show_restart = true;
    v.restart_time = gr.restart_time;
    v.stale_route_time = gr.stale_route_time;
    v.restart_nlri_configured = v.restart_nlri_received = v.restart_nlri_negotiated = v.nlri;
    v.end_of_rib_sent = v.nlri;
    const double after = current->end_of_rib_after.value_or(last_up != nullptr && last_up->end_of_rib_after
                                                              ? *last_up->end_of_rib_after
                                                              : gr.end_of_rib_after);
    const double since = last_up != nullptr ? last_up->at : current->at;
    if (t - since >= after) {
      v.end_of_rib_received = v.nlri;
    }
    v.restart_flags = was_down_before_up ? "Restarting Notification" : "Notification";
    return v;
  }
  // Down: stale routes are kept for the restart time after the session
  // went down, unless the router tore it down itself.
  if (went_down != nullptr && !went_down->teardown && !current->teardown && t - went_down->at < gr.restart_time) {
    v.show_restart = true;
    v.restart_time = gr.restart_time;
    v.stale_route_time = gr.stale_route_time;
    v.restart_nlri_configured = v.restart_nlri_received = v.restart_nlri_negotiated = v.nlri;
    RibView rib;
    rib.name = v6 ? "inet6.0" : "inet.0";
    rib.received = last_up->received.value_or(1);
    rib.accepted = last_up->accepted.value_or(rib.received);
    rib.active = last_up->active.value_or(rib.accepted);
    v.stale_rib = rib;
    v.restart_in_progress = true;
  }
  return v;
}

} // namespace

std::vector<NeighborView> neighbors_at(const RouterSpec& router, double t, const std::optional<bgp::Address>& only)
{
  const auto peers = peers_at(router, t);
  std::vector<NeighborView> out;
  for (const auto& base : peers) {
    const auto address = bgp::Address::parse(base.address);
    if (only && (!address || *address != *only)) {
      continue;
    }
    const auto spec = std::find_if(router.peers.begin(), router.peers.end(),
                                   [&](const PeerSpec& s) { return s.address == base.address; });
    if (spec == router.peers.end()) {
      continue;
    }
    out.push_back(view_of(*spec, base, t));
  }
  return out;
}

std::string render_bgp_neighbor_information(const std::vector<NeighborView>& neighbors, std::string_view release)
{
  std::string out;
  out.append("<bgp-information xmlns=\"http://xml.juniper.net/junos/").append(release).append("/junos-routing\"");
  if (neighbors.empty()) {
    return out + "/>\n";
  }
  out.append(">\n");
  const auto optional_element = [&out](std::string_view name, const std::string& value) {
    if (!value.empty()) {
      element(out, name, value);
    }
  };
  for (const auto& n : neighbors) {
    const auto& p = n.peer;
    const bool up = p.state == bgp::SessionState::established;
    out.append("<bgp-peer junos:style=\"detail\">\n");
    element(out, "peer-address", up ? p.address + "+179" : p.address);
    element(out, "peer-as", p.peer_as);
    if (!up) {
      element(out, "local-address", "unspecified"); // §3: a down peer's local address
    }
    element(out, "local-as", std::uint64_t{n.local_as});
    if (p.description) {
      element(out, "description", xml_escape(*p.description));
    }
    if (n.peer_group) {
      element(out, "peer-group", xml_escape(*n.peer_group));
    }
    element(out, "peer-cfg-rti", "master");
    element(out, "peer-fwd-rti", "master");
    element(out, "peer-type", "External");
    element(out, "peer-state", bgp::to_string(p.state));
    optional_element("peer-flags", join(n.flags));
    if (n.last_state) {
      element(out, "last-state", *n.last_state);
    }
    if (n.show_last_event) {
      element(out, "last-event", up ? "RecvKeepAlive" : "Stop");
    }
    if (n.last_error) {
      element(out, "last-error", xml_escape(*n.last_error));
    }
    out.append("<bgp-option-information>\n");
    optional_element("bgp-options", join(n.options));
    out.append("<bgp-options2/>\n");
    optional_element("bgp-options-extended", join(n.options_extended));
    optional_element("address-families", n.nlri);
    if (n.holdtime) {
      element(out, "holdtime", *n.holdtime);
    }
    if (n.preference) {
      element(out, "preference", *n.preference);
    }
    out.append("</bgp-option-information>\n");
    element(out, "flap-count", p.flaps);
    if (up && n.holdtime) {
      element(out, "active-holdtime", *n.holdtime);
      element(out, "keepalive-interval", *n.holdtime / 3);
    }
    if (n.show_restart) {
      optional_element("peer-restart-nlri-configured", n.restart_nlri_configured);
      if (n.stale_route_time) {
        element(out, "peer-stale-route-time-configured", *n.stale_route_time);
      }
      if (n.restart_time) {
        element(out, "peer-restart-time-received", *n.restart_time);
      }
      if (n.restart_flags) {
        element(out, "peer-restart-flags-received", *n.restart_flags);
      }
      optional_element("peer-restart-nlri-received", n.restart_nlri_received);
      optional_element("peer-restart-nlri-negotiated", n.restart_nlri_negotiated);
      optional_element("peer-end-of-rib-received", n.end_of_rib_received);
      optional_element("peer-end-of-rib-sent", n.end_of_rib_sent);
    } else if (up) {
      out.append("<peer-no-restart/>\n");
    }
    std::vector<NeighborRib> ribs;
    if (n.ribs) {
      ribs = *n.ribs;
    } else {
      const char* state = n.restart_in_progress ? "BGP restart in progress" : "BGP restart is complete";
      for (const auto& r : p.ribs) {
        ribs.push_back({r, false, state});
      }
      if (n.stale_rib) {
        ribs.push_back({*n.stale_rib, false, state});
      }
    }
    for (const auto& r : ribs) {
      out.append("<bgp-rib junos:style=\"detail\">\n");
      element(out, "name", r.counts.name);
      if (r.state) {
        element(out, "bgp-rib-state", *r.state);
      }
      element(out, "send-state", "in sync");
      if (r.only_accepted) {
        element(out, "accepted-prefix-count", r.counts.accepted);
      } else {
        element(out, "active-prefix-count", r.counts.active);
        element(out, "received-prefix-count", r.counts.received);
        element(out, "accepted-prefix-count", r.counts.accepted);
        element(out, "suppressed-prefix-count", r.counts.suppressed);
        element(out, "advertised-prefix-count", std::uint64_t{0});
      }
      out.append("</bgp-rib>\n");
    }
    if (up) {
      element(out, "input-messages", p.input_messages);
      element(out, "output-messages", p.output_messages);
    }
    out.append("</bgp-peer>\n");
  }
  out.append("</bgp-information>\n");
  return out;
}

} // namespace bgpwatch::netconf::sim
