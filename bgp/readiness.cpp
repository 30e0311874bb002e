// bgp/readiness.cpp: the safety core (see readiness.hpp for the rules).
// Every path that is not positively "ready" ends in not_ready or unknown:
// there is no default that says yes.
#include "bgp/readiness.hpp"

#include "bgp/duration.hpp"
#include "bgp/timeparse.hpp"

#include <algorithm>

namespace bgpwatch::bgp {

namespace {

struct Finding
{
  Readiness readiness;
  Reason reason;
};

std::string seconds_text(std::int64_t seconds)
{
  return format_duration(std::chrono::seconds(seconds));
}

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
    out += " for " + seconds_text(*s.uptime_seconds);
  }
  return out;
}

// Judge one observed session against one expected session.
Finding judge(const ExpectedSession& e, const Session& s, WallClock::time_point polled_at,
              const GateOptions& o)
{
  std::vector<Finding> findings;
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
    // A negative uptime is nonsense from the source: treat as absent.
    const bool have_uptime = s.uptime_seconds.has_value() && *s.uptime_seconds >= 0;
    if (o.since) {
      if (!have_uptime) {
        findings.push_back({Readiness::unknown, Reason::uptime_unknown});
      } else {
        // SPEC: counts only if it came up after T. Strictly after: a session
        // that came up at exactly T may be the one that was going down.
        const auto came_up = polled_at - std::chrono::seconds(*s.uptime_seconds);
        if (!(came_up > *o.since)) {
          findings.push_back({Readiness::not_ready, Reason::before_since});
        }
      }
    }
    if (o.min_uptime.count() > 0) {
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
                     WallClock::time_point polled_at, const GateOptions& o)
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
    out += state_for(s) + ", up since "
           + format_rfc3339(polled_at - std::chrono::seconds(*s.uptime_seconds))
           + ", not after --since " + format_rfc3339(*o.since) + " (has not restarted yet)";
    break;
  case Reason::too_young:
    out += state_for(s) + ", younger than --min-uptime "
           + format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(o.min_uptime));
    break;
  case Reason::uptime_unknown:
    out += "Established, uptime unknown (needed by --since/--min-uptime)";
    break;
  case Reason::no_prefixes:
    out += state_for(s) + ", 0 accepted prefixes (--require-prefixes)";
    break;
  case Reason::prefixes_unknown:
    out += state_for(s) + ", accepted prefixes unknown (--require-prefixes)";
    break;
  case Reason::ready:
  case Reason::not_established:
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
    const Finding f = judge(e, v.observed[i], it->polled_at, o);
    if (severity(f.readiness) > worst) {
      worst = severity(f.readiness);
      v.readiness = f.readiness;
      v.reason = f.reason;
      v.primary_index = i;
      v.text = describe(e, v.observed[i], f, it->polled_at, o);
    }
  }
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
  case Reason::clock_skew:
    return "clock_skew";
  }
  return "unknown";
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
