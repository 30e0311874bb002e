// bgp/readiness.cpp: the safety core (see readiness.hpp for the rules).
// Every path that is not positively "ready" ends in not_ready or unknown:
// there is no default that says yes.
#include "bgp/readiness.hpp"

#include "bgp/duration.hpp"
#include "bgp/timeparse.hpp"

#include <algorithm>
#include <cctype>

namespace bgpwatch::bgp {

namespace {

struct Finding
{
  Readiness readiness;
  Reason reason;
};

std::string flaps_suffix(const Session& s)
{
  if (!s.flaps) {
    return "";
  }
  return ", " + std::to_string(*s.flaps) + (*s.flaps == 1 ? " flap" : " flaps");
}

// "cr2-eqiad ipv6 2620:0:861:103:10:64:32:23" (+ " [frontend]" for a
// session in a non-master routing instance).
std::string identity(const ExpectedSession& e, const Session* s)
{
  std::string out = e.router + " " + std::string(to_string(e.family())) + " " + e.address.to_string();
  if (s != nullptr && s->instance && !s->instance->empty()) {
    out += " [" + *s->instance + "]";
  }
  return out;
}

// "Active for 41s" / "Established for 5m2s" / "Active (time unknown)".
std::string state_for(const Session& s)
{
  std::string out(to_string(s.state));
  if (s.uptime_seconds && *s.uptime_seconds >= 0) {
    out += " for " + format_uptime(*s.uptime_seconds);
  }
  return out;
}

// --require routes (issue 14) ------------------------------------------------

constexpr std::string_view k_restart_complete = "BGP restart is complete";

bool has_word(const std::optional<std::vector<std::string>>& words, std::string_view word)
{
  return words && std::find(words->begin(), words->end(), word) != words->end();
}

bool names_prefix_limit(const std::optional<std::string>& error)
{
  if (!error) {
    return false;
  }
  std::string lower(*error);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("prefix") != std::string::npos;
}

// A state waiting cannot fix (docs/junos.md "Choices"). Only for a known,
// not Established state.
std::optional<Finding> terminal_finding(const Session& s)
{
  // An Established peer is never terminal: a peer accepted by an `allow`
  // statement has no neighbor statement either, and can be up and well.
  if (s.state == SessionState::established || s.state == SessionState::unknown) {
    return std::nullopt;
  }
  if (has_word(s.peer_flags, "Unconfigured")) {
    return Finding{Readiness::not_ready, Reason::terminal_unconfigured};
  }
  if (has_word(s.peer_flags, "Idled") || names_prefix_limit(s.last_error)) {
    return Finding{Readiness::not_ready, Reason::terminal_prefix_limit};
  }
  if (has_word(s.options, "Shutdown")) {
    return Finding{Readiness::not_ready, Reason::terminal_admin_shutdown};
  }
  return std::nullopt;
}

// The first family negotiated for graceful restart whose End-of-RIB has
// not arrived (an absent end_of_rib_received list has none), or empty.
std::optional<std::string> family_awaiting_end_of_rib(const Session& s)
{
  if (!s.restart_negotiated) {
    return std::nullopt;
  }
  for (const auto& family : *s.restart_negotiated) {
    if (!has_word(s.end_of_rib_received, family)) {
      return family;
    }
  }
  return std::nullopt;
}

const RibCounts* restarting_rib(const Session& s)
{
  for (const auto& rib : s.ribs) {
    if (rib.state && *rib.state != k_restart_complete) {
      return &rib;
    }
  }
  return nullptr;
}

// The route-level rules for an Established session.
void route_findings(const Session& s, std::vector<Finding>& findings)
{
  if (!s.has_detail) {
    // The summary alone cannot say whether the routes are back.
    findings.push_back({Readiness::unknown, Reason::detail_unknown});
    return;
  }
  if (family_awaiting_end_of_rib(s)) {
    findings.push_back({Readiness::not_ready, Reason::awaiting_end_of_rib});
  }
  if (restarting_rib(s) != nullptr) {
    findings.push_back({Readiness::not_ready, Reason::restart_in_progress});
  }
  if (!s.restart_negotiated || s.restart_negotiated->empty()) {
    // No graceful restart: no End-of-RIB promise, so ask for routes.
    const auto accepted = s.accepted_prefixes();
    if (!accepted) {
      findings.push_back({Readiness::unknown, Reason::prefixes_unknown});
    } else if (*accepted == 0) {
      findings.push_back({Readiness::not_ready, Reason::no_prefixes});
    }
  }
}

std::string words_text(const std::optional<std::vector<std::string>>& words)
{
  std::string out = "<";
  if (words) {
    for (const auto& w : *words) {
      out += (out.size() > 1 ? " " : "") + w;
    }
  }
  return out + ">";
}

// "router says: last error 'Cease', flags <Idled>"
std::string router_words(const Session& s, bool with_options)
{
  std::string out;
  if (s.last_error) {
    out += "last error '" + *s.last_error + "'";
  }
  if (s.peer_flags) {
    out += (out.empty() ? "" : ", ") + std::string("flags ") + words_text(s.peer_flags);
  }
  if (with_options && s.options) {
    out += (out.empty() ? "" : ", ") + std::string("options ") + words_text(s.options);
  }
  return out.empty() ? out : " (router says: " + out + ")";
}

// Judge one observed session against one expected session.
// `sent`: when the request was sent (RouterObservation::request_sent_at, or
// polled_at); uptimes are judged from it (session_came_up).
Finding judge(const ExpectedSession& e, const Session& s, WallClock::time_point sent,
              const GateOptions& o)
{
  std::vector<Finding> findings;
  if (o.require == Require::routes) {
    if (const auto terminal = terminal_finding(s)) {
      findings.push_back(*terminal);
    }
  }
  if (e.asn != 0) {
    if (!s.peer_as) {
      findings.push_back({Readiness::unknown, Reason::peer_as_unknown});
    } else if (*s.peer_as != e.asn) {
      findings.push_back({Readiness::not_ready, Reason::as_mismatch});
    }
  }
  if (s.state == SessionState::unknown) {
    findings.push_back({Readiness::unknown, Reason::state_unknown});
  } else if (s.state != SessionState::established) {
    findings.push_back({Readiness::not_ready, Reason::not_established});
  } else {
    // A negative uptime is nonsense from the source: treat as absent. One
    // that puts the start before 1970 (or overflows) is nonsense too, and
    // must never be summed unchecked: it wrapped into the future and passed
    // any --since (issue 13).
    const bool have_uptime = s.uptime_seconds.has_value() && *s.uptime_seconds >= 0;
    const auto came_up = have_uptime ? session_came_up(sent, *s.uptime_seconds) : std::nullopt;
    if (have_uptime && !came_up) {
      findings.push_back({Readiness::unknown, Reason::uptime_implausible});
    } else if (o.since) {
      if (!have_uptime) {
        findings.push_back({Readiness::unknown, Reason::uptime_unknown});
      } else {
        // SPEC: counts only if it came up after T. Strictly after: a session
        // that came up at exactly T may be the one that was going down.
        // came_up is the earliest the session can have come up.
        if (!(*came_up > *o.since)) {
          findings.push_back({Readiness::not_ready, Reason::before_since});
        }
      }
    }
    if (have_uptime && !came_up) {
      // reported above; --min-uptime cannot judge a nonsense uptime either
    } else if (o.min_uptime.count() > 0) {
      if (!have_uptime) {
        findings.push_back({Readiness::unknown, Reason::uptime_unknown});
      } else if (std::chrono::seconds(*s.uptime_seconds) < o.min_uptime) {
        findings.push_back({Readiness::not_ready, Reason::too_young});
      }
    }
    if (o.require_prefixes) {
      const auto accepted = s.accepted_prefixes();
      if (!accepted) {
        findings.push_back({Readiness::unknown, Reason::prefixes_unknown});
      } else if (*accepted == 0) {
        findings.push_back({Readiness::not_ready, Reason::no_prefixes});
      }
    }
    if (o.require == Require::routes) {
      route_findings(s, findings);
    }
  }
  for (const auto& f : findings) {
    if (f.readiness == Readiness::not_ready) {
      return f;
    }
  }
  if (!findings.empty()) {
    return findings.front();
  }
  return {Readiness::ready, Reason::ready};
}

std::string describe(const ExpectedSession& e, const Session& s, const Finding& f,
                     WallClock::time_point sent, const GateOptions& o)
{
  std::string out = identity(e, &s) + " ";
  switch (f.reason) {
  case Reason::as_mismatch:
    out += state_for(s) + ", AS mismatch: router has AS " + std::to_string(*s.peer_as)
           + ", site expects " + std::to_string(e.asn);
    break;
  case Reason::peer_as_unknown:
    out += state_for(s) + ", peer AS unknown (site expects " + std::to_string(e.asn) + ")";
    break;
  case Reason::state_unknown:
    out += "Unknown state";
    break;
  case Reason::before_since:
    // before_since is only found with a plausible uptime: came_up is set.
    out += state_for(s) + ", up since "
           + format_rfc3339(session_came_up(sent, *s.uptime_seconds).value_or(WallClock::time_point{}))
           + ", not after --since " + format_rfc3339(*o.since) + " (has not restarted yet)";
    break;
  case Reason::uptime_implausible:
    out += std::string(to_string(s.state)) + ", uptime implausible: " + std::to_string(*s.uptime_seconds)
           + " s is longer than the time since 1970 at the poll";
    break;
  case Reason::too_young:
    out += state_for(s) + ", younger than --min-uptime "
           + format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(o.min_uptime));
    break;
  case Reason::uptime_unknown:
    out += "Established, uptime unknown (needed by --since/--min-uptime)";
    break;
  case Reason::no_prefixes:
    out += state_for(s) + ", 0 accepted prefixes ("
           + (o.require_prefixes ? "--require-prefixes" : "--require routes, no graceful restart negotiated") + ")";
    break;
  case Reason::prefixes_unknown:
    out += state_for(s) + ", accepted prefixes unknown ("
           + (o.require_prefixes ? "--require-prefixes" : "--require routes, no graceful restart negotiated") + ")";
    break;
  case Reason::awaiting_end_of_rib:
    out += state_for(s) + ", End-of-RIB not received for " + family_awaiting_end_of_rib(s).value_or("?")
           + " (graceful restart negotiated: routes not yet refreshed)";
    break;
  case Reason::restart_in_progress: {
    const auto* rib = restarting_rib(s);
    out += state_for(s) + ", " + (rib != nullptr ? rib->name + " '" + rib->state.value_or("") + "'" : "RIB restarting");
    break;
  }
  case Reason::terminal_prefix_limit:
    out += state_for(s) + ", won't recover by waiting: prefix limit exceeded on " + e.router + router_words(s, false)
           + "; clear bgp neighbor " + s.address.to_string() + " after fixing the node";
    break;
  case Reason::terminal_admin_shutdown:
    out += state_for(s) + ", won't recover by waiting: administratively shut down on " + e.router
           + router_words(s, true);
    break;
  case Reason::terminal_unconfigured:
    out += state_for(s) + ", won't recover by waiting: not configured on " + e.router + router_words(s, false);
    break;
  case Reason::detail_unknown:
    out += state_for(s) + ", neighbor detail unknown (--require routes needs it)";
    break;
  case Reason::not_established:
    out += state_for(s);
    if (o.require == Require::routes) {
      // The stale-route budget: how long the router still keeps the routes.
      if (const auto expire = stale_routes_expire_at(s, sent)) {
        const auto left = stale_seconds_left(*expire, sent);
        out += left > 0 ? ", routes kept stale for " + format_uptime(left) + " more"
                        : ", stale routes expired (restart time " + std::to_string(*s.restart_time_received) + "s)";
      }
    }
    break;
  case Reason::ready:
  default:
    out += state_for(s);
    break;
  }
  return out + flaps_suffix(s);
}

int severity(Readiness r) noexcept
{
  switch (r) {
  case Readiness::ready:
    return 0;
  case Readiness::unknown:
    return 1;
  case Readiness::not_ready:
    return 2;
  }
  return 1;
}

SessionVerdict judge_expected(const ExpectedSession& e, std::span<const RouterObservation> observed,
                              WallClock::time_point now, const GateOptions& o)
{
  SessionVerdict v;
  v.expected = e;
  const auto it = std::find_if(observed.begin(), observed.end(),
                               [&](const RouterObservation& r) { return r.router == e.router; });
  const std::string who = identity(e, nullptr);
  if (it == observed.end()) {
    v.readiness = Readiness::unknown;
    v.reason = Reason::no_observation;
    v.text = who + " Unknown: no data for router " + e.router;
    return v;
  }
  if (!it->readable) {
    v.readiness = Readiness::unknown;
    v.reason = Reason::router_unreadable;
    v.text = who + " Unknown: router unreadable"
             + (it->error.empty() ? std::string() : ": " + it->error);
    return v;
  }
  // Before the age check: data from the future has a negative age.
  const auto stamped = std::max(it->polled_at, it->source_clock.value_or(it->polled_at));
  if (stamped > now + k_max_clock_skew) {
    v.readiness = Readiness::unknown;
    v.reason = Reason::clock_skew;
    v.text = who + " Unknown: clock_skew: data stamped "
             + format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(stamped - now))
             + " after our clock (" + format_rfc3339(stamped) + " > " + format_rfc3339(now) + "; max skew "
             + format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(k_max_clock_skew)) + ")";
    return v;
  }
  if (o.max_age && now - it->polled_at > *o.max_age) {
    v.readiness = Readiness::unknown;
    v.reason = Reason::stale;
    v.text = who + " Unknown: data is "
             + format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(now - it->polled_at))
             + " old (max "
             + format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(*o.max_age)) + ")";
    return v;
  }
  for (const auto& s : it->sessions) {
    if (s.address == e.address) {
      v.observed.push_back(s);
    }
  }
  if (v.observed.empty()) {
    v.readiness = Readiness::unknown;
    v.reason = Reason::peer_absent;
    v.text = who + " Unknown: not in " + e.router + "'s BGP peer list";
    return v;
  }
  // Every instance must be ready; report the worst (first worst on ties).
  int worst = -1;
  for (std::size_t i = 0; i < v.observed.size(); ++i) {
    const auto sent = it->request_sent_at.value_or(it->polled_at);
    const Finding f = judge(e, v.observed[i], sent, o);
    if (severity(f.readiness) > worst) {
      worst = severity(f.readiness);
      v.readiness = f.readiness;
      v.reason = f.reason;
      v.primary_index = i;
      v.text = describe(e, v.observed[i], f, sent, o);
    }
  }
  v.terminal = is_terminal(v.reason);
  return v;
}

} // namespace

std::string_view to_string(Readiness r) noexcept
{
  switch (r) {
  case Readiness::ready:
    return "ready";
  case Readiness::not_ready:
    return "not_ready";
  case Readiness::unknown:
    return "unknown";
  }
  return "unknown";
}

std::string_view to_string(Reason r) noexcept
{
  switch (r) {
  case Reason::ready:
    return "ready";
  case Reason::not_established:
    return "not_established";
  case Reason::as_mismatch:
    return "as_mismatch";
  case Reason::before_since:
    return "before_since";
  case Reason::too_young:
    return "too_young";
  case Reason::no_prefixes:
    return "no_prefixes";
  case Reason::router_unreadable:
    return "router_unreadable";
  case Reason::peer_absent:
    return "peer_absent";
  case Reason::stale:
    return "stale";
  case Reason::no_observation:
    return "no_observation";
  case Reason::uptime_unknown:
    return "uptime_unknown";
  case Reason::state_unknown:
    return "state_unknown";
  case Reason::peer_as_unknown:
    return "peer_as_unknown";
  case Reason::prefixes_unknown:
    return "prefixes_unknown";
  case Reason::uptime_implausible:
    return "uptime_implausible";
  case Reason::awaiting_end_of_rib:
    return "awaiting_end_of_rib";
  case Reason::restart_in_progress:
    return "restart_in_progress";
  case Reason::terminal_prefix_limit:
    return "terminal:prefix_limit";
  case Reason::terminal_admin_shutdown:
    return "terminal:admin_shutdown";
  case Reason::terminal_unconfigured:
    return "terminal:unconfigured";
  case Reason::detail_unknown:
    return "detail_unknown";
  case Reason::clock_skew:
    return "clock_skew";
  }
  return "unknown";
}

bool is_terminal(Reason r) noexcept
{
  return r == Reason::terminal_prefix_limit || r == Reason::terminal_admin_shutdown
         || r == Reason::terminal_unconfigured;
}

std::string_view to_string(Require r) noexcept
{
  switch (r) {
  case Require::established:
    return "established";
  case Require::routes:
    return "routes";
  }
  return "routes";
}

Expected<Require, std::string> parse_require(std::string_view text)
{
  if (text == "routes") {
    return Require::routes;
  }
  if (text == "established") {
    return Require::established;
  }
  return Unexpected("bad --require '" + std::string(text) + "' (expected routes or established)");
}

bool Verdict::terminal() const noexcept
{
  return std::any_of(sessions.begin(), sessions.end(), [](const SessionVerdict& s) { return s.terminal; });
}

std::optional<WallClock::time_point> stale_routes_expire_at(std::optional<std::chrono::seconds> restart_time,
                                                            std::optional<WallClock::time_point> went_down)
{
  if (!restart_time || !went_down || restart_time->count() <= 0) {
    return std::nullopt;
  }
  return *went_down + *restart_time;
}

std::optional<WallClock::time_point> stale_routes_expire_at(const Session& s, WallClock::time_point polled_at)
{
  if (s.state == SessionState::established || s.state == SessionState::unknown) {
    return std::nullopt;
  }
  if (s.restart_negotiated && s.restart_negotiated->empty()) {
    return std::nullopt; // known: no graceful restart, the routes went with the session
  }
  if (!s.uptime_seconds || *s.uptime_seconds < 0 || !s.restart_time_received) {
    return std::nullopt;
  }
  return stale_routes_expire_at(std::chrono::seconds(*s.restart_time_received),
                                polled_at - std::chrono::seconds(*s.uptime_seconds));
}

std::int64_t stale_seconds_left(WallClock::time_point expire_at, WallClock::time_point now) noexcept
{
  if (expire_at <= now) {
    return 0;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(expire_at - now).count();
}

std::vector<std::string> Verdict::reasons() const
{
  std::vector<std::string> out;
  if (sessions.empty() && overall != Readiness::ready) {
    out.emplace_back("no expected sessions: nothing to check is never ready");
  }
  for (const auto& s : sessions) {
    if (s.readiness != Readiness::ready) {
      out.push_back(s.text);
    }
  }
  return out;
}

Verdict evaluate(std::span<const ExpectedSession> expected,
                 std::span<const RouterObservation> observed,
                 WallClock::time_point now,
                 const GateOptions& options)
{
  Verdict v;
  bool any_not_ready = false;
  bool any_unknown = false;
  for (const auto& e : expected) {
    v.sessions.push_back(judge_expected(e, observed, now, options));
    any_not_ready = any_not_ready || v.sessions.back().readiness == Readiness::not_ready;
    any_unknown = any_unknown || v.sessions.back().readiness == Readiness::unknown;
  }
  if (any_not_ready) {
    v.overall = Readiness::not_ready;
  } else if (any_unknown || v.sessions.empty()) {
    v.overall = Readiness::unknown;
  } else {
    v.overall = Readiness::ready;
  }
  return v;
}

} // namespace bgpwatch::bgp
