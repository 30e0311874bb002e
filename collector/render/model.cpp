// collector/render/model.cpp: small shared pieces of the render model.
#include "collector/render/model.hpp"

namespace bgpwatch::collector {

std::string_view verdict_word(bgp::Readiness r) noexcept
{
  switch (r) {
  case bgp::Readiness::ready:
    return "READY";
  case bgp::Readiness::not_ready:
    return "NOT READY";
  case bgp::Readiness::unknown:
    return "UNKNOWN";
  }
  return "UNKNOWN";
}

std::string_view reason_phrase(bgp::Reason r) noexcept
{
  switch (r) {
  case bgp::Reason::ready:
    return "";
  case bgp::Reason::not_established:
    return "down";
  case bgp::Reason::as_mismatch:
    return "AS mismatch";
  case bgp::Reason::before_since:
    return "up before --since";
  case bgp::Reason::too_young:
    return "younger than --min-uptime";
  case bgp::Reason::no_prefixes:
    return "no accepted prefix";
  case bgp::Reason::router_unreadable:
    return "router unreadable";
  case bgp::Reason::peer_absent:
    return "not on router";
  case bgp::Reason::stale:
    return "stale data";
  case bgp::Reason::no_observation:
    return "no data";
  case bgp::Reason::uptime_unknown:
    return "uptime unknown";
  case bgp::Reason::state_unknown:
    return "state unknown";
  case bgp::Reason::peer_as_unknown:
    return "peer AS unknown";
  case bgp::Reason::prefixes_unknown:
    return "prefixes unknown";
  case bgp::Reason::uptime_implausible:
    return "uptime implausible";
  case bgp::Reason::awaiting_end_of_rib:
    return "awaiting End-of-RIB";
  case bgp::Reason::restart_in_progress:
    return "restart in progress";
  case bgp::Reason::terminal_prefix_limit:
    return "prefix limit exceeded";
  case bgp::Reason::terminal_admin_shutdown:
    return "administratively shut down";
  case bgp::Reason::terminal_unconfigured:
    return "not configured on the router";
  case bgp::Reason::detail_unknown:
    return "neighbor detail unknown";
  case bgp::Reason::clock_skew:
    return "clock skew";
  }
  return "";
}

std::vector<std::string> report_reasons(const GateReport& report)
{
  auto out = report.verdict.reasons();
  out.insert(out.end(), report.notes.begin(), report.notes.end());
  return out;
}

} // namespace bgpwatch::collector
