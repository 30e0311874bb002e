// tests/collector/test_gate_cutoff.cpp: the wait's deadline cut-off rule
// (collector/gate_cutoff.hpp): exact verdicts and exit codes for every case
// of settle_poll, then the same rule through wait_until_ready with a
// scripted source whose last poll is cut off by the deadline.
#include "collector/gate/cutoff.hpp"
#include "collector/gate/wait.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <thread>

using namespace bgpwatch;
using namespace bgpwatch::collector;

namespace {

const bgp::WallClock::time_point k_now = bgp::WallClock::time_point(std::chrono::seconds(1'800'000'000));

std::vector<bgp::ExpectedSession> expected_sessions()
{
  std::vector<bgp::ExpectedSession> out;
  for (const char* router : {"cr1-eqiad", "cr2-eqiad"}) {
    bgp::ExpectedSession e;
    e.router = router;
    e.address = *bgp::Address::parse("10.64.32.23");
    e.asn = 64601;
    e.node = "kubernetes1003.eqiad.wmnet";
    e.site = "eqiad";
    out.push_back(e);
  }
  return out;
}

bgp::RouterObservation readable(const std::string& router, bgp::SessionState state)
{
  bgp::RouterObservation o;
  o.router = router;
  o.readable = true;
  o.polled_at = k_now;
  bgp::Session s;
  s.router = router;
  s.address = *bgp::Address::parse("10.64.32.23");
  s.peer_as = 64601;
  s.state = state;
  s.uptime_seconds = 120;
  o.sessions.push_back(s);
  return o;
}

bgp::RouterObservation unreadable(const std::string& router)
{
  bgp::RouterObservation o;
  o.router = router;
  o.readable = false;
  o.error = router + ": no answer before the poll deadline (0.0s); the router is slow or hung";
  o.polled_at = k_now;
  return o;
}

// A report as poll_and_judge makes it: the verdict and its exit code.
GateReport report_of(std::vector<bgp::RouterObservation> observations)
{
  GateReport r;
  r.command = "wait-established";
  r.now = k_now;
  r.verdict = bgp::evaluate(expected_sessions(), observations, k_now, bgp::GateOptions{});
  r.exit_code = to_int(exit_code_for(r.verdict.overall));
  return r;
}

const auto est = bgp::SessionState::established;
const auto active = bgp::SessionState::active;

GateReport not_ready_report()
{
  return report_of({readable("cr1-eqiad", est), readable("cr2-eqiad", active)});
}
GateReport ready_report()
{
  return report_of({readable("cr1-eqiad", est), readable("cr2-eqiad", est)});
}
// cr1 read (Established), cr2 unreadable: Unknown, blaming cr2 only.
GateReport cr2_unknown_report()
{
  return report_of({readable("cr1-eqiad", est), unreadable("cr2-eqiad")});
}
// Both unreadable: what a poll that started with no time left reads.
GateReport all_unknown_report()
{
  return report_of({unreadable("cr1-eqiad"), unreadable("cr2-eqiad")});
}

const SteadyClock::time_point k_deadline = SteadyClock::time_point(std::chrono::hours(1000));
const SteadyClock::time_point k_before = k_deadline - k_cutoff_margin - std::chrono::milliseconds(1);
// CI saw the lab's last NETCONF poll return 4 ms before the deadline it was cut off by.
const SteadyClock::time_point k_just_before = k_deadline - std::chrono::milliseconds(4);
const SteadyClock::time_point k_after = k_deadline + std::chrono::milliseconds(1);

} // namespace

TEST_CASE("the reports used below have the verdicts they are named for", "[gate][cutoff]")
{
  CHECK(not_ready_report().verdict.overall == bgp::Readiness::not_ready);
  CHECK(not_ready_report().exit_code == 1);
  CHECK(ready_report().verdict.overall == bgp::Readiness::ready);
  CHECK(ready_report().exit_code == 0);
  CHECK(cr2_unknown_report().verdict.overall == bgp::Readiness::unknown);
  CHECK(cr2_unknown_report().exit_code == 3);
  CHECK(all_unknown_report().verdict.overall == bgp::Readiness::unknown);
  CHECK(all_unknown_report().exit_code == 3);
}

TEST_CASE("a cut-off Unknown after a known NotReady keeps NotReady (exit 1)", "[gate][cutoff]")
{
  const GateReport previous = not_ready_report();
  for (const auto finished : {k_just_before, k_deadline, k_after}) { // at, after, or a rounding before the deadline
    const auto s = settle_poll(&previous, all_unknown_report(), finished, k_deadline);
    CHECK(s.kept_previous);
    CHECK(s.report.verdict.overall == bgp::Readiness::not_ready);
    CHECK(s.report.exit_code == 1);
    CHECK(s.report.verdict.reasons()
          == std::vector<std::string>{"cr2-eqiad ipv4 10.64.32.23 Active for 2m"});
  }
}

TEST_CASE("a cut-off Unknown after an Unknown keeps the earlier, better-informed report (exit 3)", "[gate][cutoff]")
{
  // The earlier poll read cr1; the cut-off one could not: cr1 must not be blamed.
  const GateReport previous = cr2_unknown_report();
  const auto s = settle_poll(&previous, all_unknown_report(), k_after, k_deadline);
  CHECK(s.kept_previous);
  CHECK(s.report.verdict.overall == bgp::Readiness::unknown);
  CHECK(s.report.exit_code == 3);
  REQUIRE(s.report.verdict.sessions.size() == 2);
  CHECK(s.report.verdict.sessions[0].readiness == bgp::Readiness::ready);
  CHECK(s.report.verdict.sessions[1].reason == bgp::Reason::router_unreadable);
}

TEST_CASE("a cut-off Unknown with no earlier report stays Unknown (exit 3)", "[gate][cutoff]")
{
  const auto s = settle_poll(nullptr, all_unknown_report(), k_after, k_deadline);
  CHECK_FALSE(s.kept_previous);
  CHECK(s.report.verdict.overall == bgp::Readiness::unknown);
  CHECK(s.report.exit_code == 3);
  REQUIRE(s.report.verdict.sessions.size() == 2);
  CHECK(s.report.verdict.sessions[0].reason == bgp::Reason::router_unreadable);
  CHECK(s.report.verdict.sessions[1].reason == bgp::Reason::router_unreadable);
}

TEST_CASE("an Unknown poll that finished before the deadline replaces a NotReady (exit 3)", "[gate][cutoff]")
{
  // Fresh data wins before the deadline: the loop retries Unknown until then.
  const GateReport previous = not_ready_report();
  const auto s = settle_poll(&previous, cr2_unknown_report(), k_before, k_deadline);
  CHECK_FALSE(s.kept_previous);
  CHECK(s.report.verdict.overall == bgp::Readiness::unknown);
  CHECK(s.report.exit_code == 3);
  REQUIRE(s.report.verdict.sessions.size() == 2);
  CHECK(s.report.verdict.sessions[1].reason == bgp::Reason::router_unreadable);
}

TEST_CASE("a cut-off poll that read Ready is Ready (exit 0)", "[gate][cutoff]")
{
  // It read every router, Established, in this poll: SPEC readiness holds.
  const GateReport previous = not_ready_report();
  const auto s = settle_poll(&previous, ready_report(), k_after, k_deadline);
  CHECK_FALSE(s.kept_previous);
  CHECK(s.report.verdict.overall == bgp::Readiness::ready);
  CHECK(s.report.exit_code == 0);
}

TEST_CASE("a cut-off poll that read NotReady replaces an Unknown (exit 1)", "[gate][cutoff]")
{
  const GateReport previous = all_unknown_report();
  const auto s = settle_poll(&previous, not_ready_report(), k_after, k_deadline);
  CHECK_FALSE(s.kept_previous);
  CHECK(s.report.verdict.overall == bgp::Readiness::not_ready);
  CHECK(s.report.exit_code == 1);
}

TEST_CASE("a cut-off Unknown never brings back an earlier Ready (fails closed, exit 3)", "[gate][cutoff]")
{
  const GateReport previous = ready_report();
  const auto s = settle_poll(&previous, all_unknown_report(), k_after, k_deadline);
  CHECK_FALSE(s.kept_previous);
  CHECK(s.report.verdict.overall == bgp::Readiness::unknown);
  CHECK(s.report.exit_code == 3);
}

namespace {

// Poll 1 reads cr2 Active; every later poll is a router that never answers:
// it returns at the poll's deadline with both routers unreadable.
class CutOffSource : public StateSource
{
public:
  std::vector<bgp::RouterObservation> poll(const std::vector<RouterConfig>&, SteadyClock::time_point deadline) override
  {
    if (++m_polls == 1 && m_first_answers) {
      return {readable("cr1-eqiad", est), readable("cr2-eqiad", active)};
    }
    std::this_thread::sleep_until(deadline); // a hung router: no answer before the deadline
    return {unreadable("cr1-eqiad"), unreadable("cr2-eqiad")};
  }
  std::string describe() const override
  {
    return "scripted";
  }
  SourceInfo info() const override
  {
    return {bgp::Source::replay, describe(), {}};
  }

  bool m_first_answers = true;
  int m_polls = 0;
};

GateContext context_with(std::unique_ptr<CutOffSource> source)
{
  GateContext c;
  c.command = GateCommand::wait_established;
  c.expected = expected_sessions();
  c.fixed_now = k_now;
  c.line.options.interval = std::chrono::milliseconds(100);
  c.source = std::move(source);
  return c;
}

} // namespace

TEST_CASE("wait_until_ready: the last poll cut off by the deadline keeps the known NotReady (exit 1)",
          "[gate][cutoff]")
{
  // interval 100 ms, deadline 600 ms: poll 1 (NotReady) at 0, poll 2 at
  // ~100 ms is still waiting for its routers when the deadline passes.
  auto source = std::make_unique<CutOffSource>();
  auto* raw = source.get();
  GateContext c = context_with(std::move(source));
  std::ostringstream progress_out;
  Progress progress(ProgressMode::json, progress_out);
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(600);
  const GateReport r = wait_until_ready(c, deadline, progress, [](const GateReport&) {});
  CHECK(raw->m_polls == 2);
  CHECK(r.polls == 2);
  CHECK(r.verdict.overall == bgp::Readiness::not_ready);
  CHECK(r.exit_code == 1);
  REQUIRE(r.stopped.has_value());
  CHECK_THAT(*r.stopped, Catch::Matches("deadline passed after [0-9.]+s \\(2 polls\\); the last poll was cut off, "
                                        "verdict from the poll before it"));
}

TEST_CASE("wait_until_ready: a first poll cut off by the deadline is Unknown (exit 3)", "[gate][cutoff]")
{
  auto source = std::make_unique<CutOffSource>();
  source->m_first_answers = false;
  GateContext c = context_with(std::move(source));
  std::ostringstream progress_out;
  Progress progress(ProgressMode::json, progress_out);
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(50);
  const GateReport r = wait_until_ready(c, deadline, progress, [](const GateReport&) {});
  CHECK(r.polls == 1);
  CHECK(r.verdict.overall == bgp::Readiness::unknown);
  CHECK(r.exit_code == 3);
  REQUIRE(r.stopped.has_value());
  CHECK_THAT(*r.stopped, Catch::Matches("deadline passed after [0-9.]+s \\(1 poll\\)"));
}
