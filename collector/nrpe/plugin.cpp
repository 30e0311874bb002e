// collector/nrpe/plugin.cpp: classification and output of the Icinga/NRPE plugin.
// See nrpe.hpp. Everything here is pure; cmd_nrpe.cpp does the I/O.
#include "collector/nrpe/plugin.hpp"

#include "bgp/instant.hpp"

#include "bgp/duration.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace bgpwatch::collector {

namespace {

// Guidelines: "the first 19 characters of a label should be unique"
// (a historical RRD data source name limit).
constexpr std::size_t k_label_unique_prefix = 19;

std::string count_text(std::size_t n)
{
  return std::to_string(n);
}

std::string plural(std::size_t n, std::string_view one, std::string_view many)
{
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string seconds_text(std::int64_t seconds)
{
  return bgp::format_uptime(seconds); // checked: a router's uptime may be any int64
}

std::string duration_text(std::chrono::seconds d)
{
  return bgp::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

// The observed session the verdict is about (the worst instance when the
// address is in several routing instances).
const bgp::Session* first_observed(const bgp::SessionVerdict& v)
{
  return v.primary();
}

bool is_established(const bgp::SessionVerdict& v)
{
  const auto* s = first_observed(v);
  return s != nullptr && s->state == bgp::SessionState::established;
}

// Established and younger than --warn-uptime: ready, but recently flapped.
bool is_young(const bgp::SessionVerdict& v, const Thresholds& t)
{
  if (!t.warn_uptime || v.readiness != bgp::Readiness::ready) {
    return false;
  }
  const auto* s = first_observed(v);
  return s != nullptr && s->uptime_seconds && *s->uptime_seconds < t.warn_uptime->count();
}

std::string state_for(const bgp::Session& s)
{
  std::string out(bgp::to_string(s.state));
  if (s.uptime_seconds) {
    out += " for " + seconds_text(*s.uptime_seconds);
  }
  return out;
}

struct Totals
{
  std::size_t expected = 0;
  std::size_t established = 0; // Established (whatever the verdict)
  std::size_t not_ready = 0;   // Readiness::not_ready
  std::size_t unknown = 0;     // Readiness::unknown
  std::size_t young = 0;       // ready but younger than --warn-uptime
  std::size_t stale = 0;       // down, routes kept stale (not counted in not_ready)
  std::optional<std::int64_t> min_stale_left; // over those
  std::optional<std::int64_t> min_uptime; // over Established sessions
  std::optional<std::uint64_t> flaps;     // sum over observed sessions that report it

  void add(const bgp::SessionVerdict& v, const Thresholds& t, std::optional<std::int64_t> stale_left)
  {
    ++expected;
    if (stale_left) {
      ++stale;
      min_stale_left = min_stale_left ? std::min(*min_stale_left, *stale_left) : *stale_left;
    } else if (v.readiness == bgp::Readiness::not_ready) {
      ++not_ready;
    } else if (v.readiness == bgp::Readiness::unknown) {
      ++unknown;
    }
    if (is_young(v, t)) {
      ++young;
    }
    if (is_established(v)) {
      ++established;
      const auto* s = first_observed(v);
      if (s->uptime_seconds) {
        min_uptime = min_uptime ? std::min(*min_uptime, *s->uptime_seconds) : *s->uptime_seconds;
      }
    }
    for (const auto& s : v.observed) {
      if (s.flaps) {
        flaps = flaps.value_or(0) + *s.flaps;
      }
    }
  }
};

std::string value_or_u(const std::optional<std::int64_t>& v)
{
  return v ? std::to_string(*v) : "U";
}

std::string value_or_u(const std::optional<std::uint64_t>& v)
{
  return v ? std::to_string(*v) : "U";
}

// established, not_ready, unknown with the thresholds on not_ready.
void add_session_perfdata(std::vector<PerfDatum>& out, const std::string& suffix, const Totals& t,
                          const Thresholds* thresholds)
{
  const std::string max = count_text(t.expected);
  out.push_back({"established" + suffix, count_text(t.established), "", "", "", "0", max});
  PerfDatum nr{"not_ready" + suffix, count_text(t.not_ready), "", "", "", "0", max};
  if (thresholds != nullptr) {
    nr.warn = thresholds->warning ? thresholds->warning->to_string() : "";
    nr.crit = thresholds->critical.to_string();
  }
  out.push_back(std::move(nr));
  out.push_back({"unknown" + suffix, count_text(t.unknown), "", "", "", "0", max});
}

std::string session_prefix(const bgp::SessionVerdict& v)
{
  return v.expected.router + " " + std::string(bgp::to_string(v.expected.family())) + " "
         + v.expected.address.to_string();
}

std::string flaps_suffix(const bgp::SessionVerdict& v)
{
  std::optional<std::uint64_t> flaps;
  for (const auto& s : v.observed) {
    if (s.flaps) {
      flaps = flaps.value_or(0) + *s.flaps;
    }
  }
  if (!flaps || *flaps == 0) {
    return "";
  }
  return ", " + plural(static_cast<std::size_t>(*flaps), "flap", "flaps");
}

} // namespace

std::string_view to_string(PluginState state) noexcept
{
  switch (state) {
  case PluginState::ok:
    return "OK";
  case PluginState::warning:
    return "WARNING";
  case PluginState::critical:
    return "CRITICAL";
  case PluginState::unknown:
    return "UNKNOWN";
  }
  return "UNKNOWN";
}

std::string sanitize_text(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '|') {
      continue; // guidelines: '|' separates perfdata; never in human text
    }
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

std::string PerfDatum::to_string() const
{
  std::string clean_label;
  bool needs_quotes = false;
  for (const char c : label) {
    if (c == '|' || c == '\n' || c == '\r') {
      continue;
    }
    if (c == ' ' || c == '=' || c == '\'') {
      needs_quotes = true;
    }
    clean_label += c;
    if (c == '\'') {
      clean_label += '\''; // guidelines: a quote in a label is written twice
    }
  }
  std::string out = needs_quotes ? "'" + clean_label + "'" : clean_label;
  out += "=" + value + uom;
  const std::string fields[] = {warn, crit, min, max};
  std::size_t last = 0; // number of fields up to the last non-empty one
  for (std::size_t i = 0; i < 4; ++i) {
    if (!fields[i].empty()) {
      last = i + 1;
    }
  }
  for (std::size_t i = 0; i < last; ++i) {
    out += ";" + fields[i];
  }
  return out;
}

void make_labels_unique(std::vector<PerfDatum>& perfdata)
{
  std::set<std::string> seen;
  std::size_t counter = 1;
  for (auto& p : perfdata) {
    std::string key = p.label.substr(0, k_label_unique_prefix);
    while (seen.contains(key)) {
      ++counter;
      p.label = std::to_string(counter) + "_" + p.label;
      key = p.label.substr(0, k_label_unique_prefix);
    }
    seen.insert(key);
  }
}

// The summary names each router keeping stale routes up to this many.
constexpr std::size_t k_summary_stale_routers = 4;

std::string stale_text(std::int64_t left, const std::string& router)
{
  return "routes kept for " + std::to_string(left) + " s more on " + router;
}

std::string describe_session(const bgp::SessionVerdict& v, const Thresholds& t, std::optional<std::int64_t> stale_left)
{
  using bgp::Reason;
  const auto* s = first_observed(v);
  std::string what;
  switch (v.reason) {
  case Reason::ready:
    what = s != nullptr ? state_for(*s) : "Established";
    if (is_young(v, t)) {
      what += " (< warn-uptime " + duration_text(*t.warn_uptime) + ")";
    }
    break;
  case Reason::not_established:
    what = s != nullptr ? state_for(*s) : "not established";
    break;
  case Reason::as_mismatch:
    what = "AS mismatch: peer AS "
           + (s != nullptr && s->peer_as ? std::to_string(*s->peer_as) : std::string("unknown"))
           + ", site AS " + std::to_string(v.expected.asn);
    break;
  case Reason::before_since:
    what = (s != nullptr ? state_for(*s) : std::string("Established")) + ", up before --since";
    break;
  case Reason::too_young:
    what = (s != nullptr ? state_for(*s) : std::string("Established")) + " (< min-uptime "
           + duration_text(t.min_uptime) + ")";
    break;
  case Reason::no_prefixes:
    what = (s != nullptr ? state_for(*s) : std::string("Established")) + ", no accepted prefix";
    break;
  case Reason::router_unreadable:
    what = "Unknown (router unreadable)";
    break;
  case Reason::peer_absent:
    what = "Unknown (not configured on the router)";
    break;
  case Reason::stale:
    what = "Unknown (data too old)";
    break;
  case Reason::no_observation:
    what = "Unknown (no data)";
    break;
  case Reason::uptime_unknown:
    what = "Established, uptime unknown";
    break;
  case Reason::state_unknown:
    what = "Unknown";
    break;
  case Reason::peer_as_unknown:
    what = (s != nullptr ? state_for(*s) : std::string("Unknown")) + ", peer AS unknown";
    break;
  case Reason::prefixes_unknown:
    what = (s != nullptr ? state_for(*s) : std::string("Established")) + ", accepted prefixes unknown";
    break;
  case Reason::uptime_implausible:
    what = "Unknown (uptime implausible: longer than the time since 1970)";
    break;
  case Reason::awaiting_end_of_rib:
    what = (s != nullptr ? state_for(*s) : std::string("Established")) + ", End-of-RIB not received";
    break;
  case Reason::restart_in_progress:
    what = (s != nullptr ? state_for(*s) : std::string("Established")) + ", RIB restart in progress";
    break;
  case Reason::terminal_prefix_limit:
    what = (s != nullptr ? state_for(*s) : std::string("down")) + ", prefix limit exceeded (clear bgp neighbor)";
    break;
  case Reason::terminal_admin_shutdown:
    what = (s != nullptr ? state_for(*s) : std::string("down")) + ", administratively shut down";
    break;
  case Reason::terminal_unconfigured:
    what = (s != nullptr ? state_for(*s) : std::string("down")) + ", not configured on the router";
    break;
  case Reason::detail_unknown:
    what = (s != nullptr ? state_for(*s) : std::string("Established")) + ", neighbor detail unknown";
    break;
  case Reason::clock_skew:
    what = "Unknown (clock skew: data stamped in the future)";
    break;
  }
  if (stale_left) {
    what += ", " + stale_text(*stale_left, v.expected.router);
  }
  return session_prefix(v) + " " + what + flaps_suffix(v);
}

CheckResult unknown_result(std::string summary, std::vector<std::string> details)
{
  CheckResult r;
  r.state = PluginState::unknown;
  r.summary = std::move(summary);
  r.details = std::move(details);
  return r;
}

CheckResult classify(const CheckInput& input, const Thresholds& thresholds)
{
  CheckResult result;
  Totals total;
  // Per router, in the order routers were given (then any others seen).
  std::vector<std::string> router_order;
  std::map<std::string, Totals> per_router;
  for (const auto& r : input.routers) {
    router_order.push_back(r.name);
    per_router[r.name];
  }

  std::vector<std::string> not_ready_lines;
  // Routes kept stale: (seconds left, line), most urgent first; and per
  // router the least time left, for the summary.
  std::vector<std::pair<std::int64_t, std::string>> stale_lines;
  std::map<std::string, std::int64_t> stale_by_router;
  std::vector<std::string> young_lines;
  std::vector<std::string> unknown_lines;
  std::map<std::string, std::size_t> unreadable_sessions; // router -> count
  const bool site = input.mode == CheckMode::site;

  for (const auto& nv : input.nodes) {
    for (std::size_t i = 0; i < nv.verdict.sessions.size(); ++i) {
      const auto& v = nv.verdict.sessions[i];
      std::optional<std::int64_t> stale_left;
      if (i < nv.stale_seconds_left.size() && nv.stale_seconds_left[i] && *nv.stale_seconds_left[i] > 0
          && v.readiness == bgp::Readiness::not_ready && v.reason == bgp::Reason::not_established) {
        stale_left = nv.stale_seconds_left[i];
      }
      total.add(v, thresholds, stale_left);
      if (!per_router.contains(v.expected.router)) {
        router_order.push_back(v.expected.router);
      }
      per_router[v.expected.router].add(v, thresholds, stale_left);
      const std::string prefix = site ? nv.node + " " : "";
      if (stale_left) {
        stale_lines.emplace_back(*stale_left, prefix + describe_session(v, thresholds, stale_left));
        auto [it, fresh] = stale_by_router.try_emplace(v.expected.router, *stale_left);
        if (!fresh) {
          it->second = std::min(it->second, *stale_left);
        }
      } else if (v.readiness == bgp::Readiness::not_ready) {
        not_ready_lines.push_back(prefix + describe_session(v, thresholds));
      } else if (v.readiness == bgp::Readiness::unknown) {
        if (v.reason == bgp::Reason::router_unreadable) {
          ++unreadable_sessions[v.expected.router];
        } else {
          unknown_lines.push_back(prefix + describe_session(v, thresholds));
        }
      } else if (is_young(v, thresholds)) {
        young_lines.push_back(prefix + describe_session(v, thresholds));
      }
    }
  }

  // The state, from one place, in the guidelines' severity order.
  PluginState state = PluginState::ok;
  const auto not_ready = static_cast<double>(total.not_ready);
  if (thresholds.critical.alerts(not_ready)) {
    state = worst(state, PluginState::critical);
  } else if (thresholds.warning && thresholds.warning->alerts(not_ready)) {
    state = worst(state, PluginState::warning);
  }
  if (total.young > 0 || !input.unknown_peers.empty() || total.stale > 0) {
    state = worst(state, PluginState::warning);
  }
  // Graceful restart keeps the routes, for a while: CRITICAL when the
  // router withdraws them in less than --critical-budget.
  if (total.min_stale_left && *total.min_stale_left < thresholds.critical_budget.count()) {
    state = worst(state, PluginState::critical);
  }
  // Unknown only decides when nothing known is worse: a down session with
  // one router unreadable is still CRITICAL (SPEC).
  if (total.unknown > 0 || total.expected == 0) {
    state = worst(state, PluginState::unknown);
  }
  result.state = state;

  // Summary: the measured values, as the guidelines ask.
  std::string summary;
  if (site) {
    summary = "site " + input.target + ": " + plural(input.nodes.size(), "node", "nodes");
    if (!input.cordoned.empty()) {
      summary += " (" + count_text(input.cordoned.size()) + " cordoned skipped)";
    }
    summary += ", ";
  } else {
    summary = input.target + ": ";
  }
  if (total.expected == 0) {
    summary += site && input.nodes.empty() ? "no nodes to check" : "no expected sessions";
  } else {
    summary += count_text(total.established) + "/" + count_text(total.expected) + " sessions established";
    if (total.not_ready > 0) {
      summary += ", " + count_text(total.not_ready) + " not ready";
    }
    if (total.unknown > 0) {
      summary += ", " + count_text(total.unknown) + " unknown";
    }
    if (total.young > 0) {
      summary += ", " + count_text(total.young) + " up < " + duration_text(*thresholds.warn_uptime);
    }
  }
  if (!stale_by_router.empty() && stale_by_router.size() <= k_summary_stale_routers) {
    // Routers in the check's order: "routes kept for 75 s more on cr1-eqiad,
    // 80 s more on cr2-eqiad" (the least time left per router).
    std::string kept;
    for (const auto& name : router_order) {
      const auto it = stale_by_router.find(name);
      if (it == stale_by_router.end()) {
        continue;
      }
      kept += kept.empty() ? stale_text(it->second, name) : ", " + std::to_string(it->second) + " s more on " + name;
    }
    summary += ", " + kept;
  } else if (!stale_by_router.empty()) {
    // More routers (a site restarting at once behind its ToRs): the count
    // and the most urgent, so the status line and its perfdata still fit
    // NRPE v2's 1024 bytes; the long output has every session.
    std::string least;
    for (const auto& name : router_order) {
      const auto it = stale_by_router.find(name);
      if (it != stale_by_router.end() && (least.empty() || it->second < stale_by_router[least])) {
        least = name;
      }
    }
    summary += ", routes kept on " + count_text(stale_by_router.size()) + " routers, the least for "
               + std::to_string(stale_by_router[least]) + " s more on " + least;
  }
  if (!input.unknown_peers.empty()) {
    summary += ", " + plural(input.unknown_peers.size(), "unknown peer", "unknown peers");
  }
  std::size_t unreadable_routers = 0;
  for (const auto& r : input.routers) {
    unreadable_routers += r.readable ? 0 : 1;
  }
  if (unreadable_routers > 0) {
    summary += ", " + plural(unreadable_routers, "router", "routers") + " unreadable";
  }
  result.summary = sanitize_text(summary);

  // Long output, most severe first.
  for (auto& l : not_ready_lines) {
    result.details.push_back(sanitize_text(l));
  }
  std::stable_sort(stale_lines.begin(), stale_lines.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [left, l] : stale_lines) {
    result.details.push_back(sanitize_text(l));
  }
  for (const auto& p : input.unknown_peers) {
    result.details.push_back(sanitize_text("unknown peer " + p.address.to_string() + " on " + p.router + " ("
                                           + std::string(bgp::to_string(p.state)) + ")"));
  }
  for (auto& l : young_lines) {
    result.details.push_back(sanitize_text(l));
  }
  for (const auto& r : input.routers) {
    if (!r.readable) {
      const auto n = unreadable_sessions[r.name];
      result.details.push_back(sanitize_text(r.name + " unreadable"
                                             + (n > 0 ? " (" + plural(n, "session", "sessions") + " unknown)" : "")
                                             + ": " + r.error));
    }
  }
  for (auto& l : unknown_lines) {
    result.details.push_back(sanitize_text(l));
  }
  if (!input.cordoned.empty()) {
    std::string line = "cordoned, skipped:";
    for (const auto& n : input.cordoned) {
      line += " " + n;
    }
    result.details.push_back(sanitize_text(line));
  }

  // Perfdata: totals first (they must survive truncation), per router last.
  if (site) {
    result.perfdata.push_back({"nodes", count_text(input.nodes.size()), "", "", "", "0", ""});
    result.perfdata.push_back({"cordoned", count_text(input.cordoned.size()), "", "", "", "0", ""});
  }
  add_session_perfdata(result.perfdata, "", total, &thresholds);
  result.perfdata.push_back({"min_uptime", value_or_u(total.min_uptime), "s",
                             thresholds.warn_uptime ? std::to_string(thresholds.warn_uptime->count()) + ":" : "", "",
                             "0", ""});
  result.perfdata.push_back({"flaps", value_or_u(total.flaps), "c", "", "", "0", ""});
  if (total.stale > 0) {
    // Only while a router keeps routes stale (graceful restart): sessions
    // down with their routes kept, and the least time left.
    result.perfdata.push_back({"routes_stale", count_text(total.stale), "", "", "", "0", count_text(total.expected)});
    result.perfdata.push_back({"stale_budget", std::to_string(*total.min_stale_left), "s", "",
                               thresholds.critical_budget.count() > 0
                                 ? std::to_string(thresholds.critical_budget.count()) + ":"
                                 : "",
                               "0", ""});
  }
  if (site) {
    result.perfdata.push_back({"unknown_peers", count_text(input.unknown_peers.size()), "", "", "", "0", ""});
    for (const auto& name : router_order) {
      const auto& t = per_router[name];
      const std::string max = count_text(t.expected);
      result.perfdata.push_back({"established_" + name, count_text(t.established), "", "", "", "0", max});
      result.perfdata.push_back({"not_ready_" + name, count_text(t.not_ready), "", "", "", "0", max});
    }
  }
  make_labels_unique(result.perfdata);
  return result;
}

std::string render_plugin_output(const CheckResult& result, const RenderOptions& options)
{
  const std::string head = "BGPWATCH " + std::string(to_string(result.state)) + " - " + sanitize_text(result.summary);
  auto first_line = [&](std::size_t perf_count) {
    std::string line = head;
    if (perf_count > 0) {
      line += " |";
      for (std::size_t i = 0; i < perf_count; ++i) {
        line += ' '; // separate appends: GCC 12 -O3 false -Wrestrict on " " + str
        line += result.perfdata[i].to_string();
      }
    }
    return line;
  };
  std::vector<std::string> details;
  for (const auto& d : result.details) {
    details.push_back(sanitize_text(d));
  }
  auto more_line = [](std::size_t n) { return "\u2026 and " + std::to_string(n) + " more"; };

  if (!options.max_bytes) {
    std::string out = first_line(result.perfdata.size()) + "\n";
    for (const auto& d : details) {
      out += d + "\n";
    }
    return out;
  }

  const std::size_t max = *options.max_bytes;
  // Budget for the first line: leave room for "… and N more\n" if any long
  // output exists, so at least the count always fits.
  const std::size_t reserve = details.empty() ? 0 : more_line(details.size()).size() + 1;
  std::size_t perf_count = result.perfdata.size();
  std::string line = first_line(perf_count);
  while (line.size() + 1 + reserve > max && perf_count > 0) {
    line = first_line(--perf_count);
  }
  if (line.size() + 1 + reserve > max) {
    const std::size_t room = max > reserve + 1 ? max - reserve - 1 : 0;
    line.resize(std::min(line.size(), room));
  }
  std::string out = line + "\n";
  for (std::size_t i = 0; i < details.size(); ++i) {
    const std::size_t left_after = details.size() - i - 1;
    const std::size_t tail = left_after > 0 ? more_line(left_after).size() + 1 : 0;
    if (out.size() + details[i].size() + 1 + tail <= max) {
      out += details[i] + "\n";
    } else {
      out += more_line(details.size() - i) + "\n";
      break;
    }
  }
  return out;
}

} // namespace bgpwatch::collector
