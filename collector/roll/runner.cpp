// collector/roll/runner.cpp: the roll (see runner.hpp).
#include "collector/roll/runner.hpp"

#include "bgp/duration.hpp"
#include "bgp/timeparse.hpp"
#include "collector/base/exit_code.hpp"
#include "collector/config/config.hpp"
#include "collector/gate/netconf_source.hpp"
#include "collector/gate/progress.hpp"
#include "collector/render/model.hpp"
#include "collector/gate/run.hpp"
#include "collector/gate/signals.hpp"
#include "collector/gate/wait.hpp"
#include "collector/inventory/inventory.hpp"
#include "collector/inventory/kubernetes_config.hpp"
#include "collector/inventory/kubernetes_source.hpp"
#include "collector/roll/audit.hpp"
#include "collector/roll/drain.hpp"
#include "collector/roll/lock.hpp"
#include "collector/roll/plan.hpp"
#include "collector/roll/progress.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <map>
#include <poll.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace bgpwatch::collector {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr int k_exit_sigint = 130;
constexpr int k_exit_sigterm = 143;

int signal_exit(int sig)
{
  return sig == SIGTERM ? k_exit_sigterm : k_exit_sigint;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ")
{
  std::string s;
  for (const auto& x : v) {
    s += (s.empty() ? "" : sep) + x;
  }
  return s;
}

// ---- the site, as the routers see it --------------------------------------

struct SiteCheck
{
  bool clear = false;
  std::string blocking_node; // the first node (roll order, then name) that is not ready
  std::string why;
};

class SiteView
{
public:
  SiteView(const Config& config, std::vector<Node> nodes, bgp::GateOptions options)
    : m_config(config), m_nodes(std::move(nodes)), m_options(options), m_source(config.netconf)
  {
    for (const auto& n : m_nodes) {
      for (const auto& r : routers_serving(m_config, n)) {
        if (std::none_of(m_routers.begin(), m_routers.end(),
                         [&](const RouterConfig& x) { return x.name == r.name; })) {
          m_routers.push_back(r);
        }
      }
    }
  }

  // One poll of every router of the site; every node but `except` must be ready.
  SiteCheck check(const std::vector<std::string>& except, SteadyClock::time_point deadline)
  {
    auto observations = m_source.poll(m_routers, deadline);
    const auto now = bgp::WallClock::now();
    for (const auto& n : m_nodes) {
      if (std::find(except.begin(), except.end(), n.name) != except.end()) {
        continue;
      }
      const auto verdict = bgp::evaluate(expected_sessions(m_config, n, FamilyFilter::both), observations, now,
                                         m_options);
      if (verdict.overall != bgp::Readiness::ready) {
        auto reasons = verdict.reasons();
        if (reasons.size() > 2) {
          reasons.resize(2);
          reasons.push_back("...");
        }
        return SiteCheck{false, n.name,
                         std::string(verdict_word(verdict.overall)) + ": "
                           + (reasons.empty() ? std::string("no expected sessions") : join(reasons, "; "))};
      }
    }
    return SiteCheck{true, "", ""};
  }

  std::chrono::milliseconds poll_budget() const
  {
    return m_config.netconf.connect_timeout + m_config.netconf.rpc_timeout;
  }

private:
  const Config& m_config;
  std::vector<Node> m_nodes;
  bgp::GateOptions m_options;
  GateNetconfSource m_source;
  std::vector<RouterConfig> m_routers;
};

// ---- CMD, one per node of a batch, output prefixed -------------------------

struct Child
{
  std::string node;
  pid_t pid = -1;
  int fd = -1; // stdout+stderr, merged
  std::string partial;
  std::optional<int> status; // exit status, 128+N if killed by signal N, 127 not runnable
};

Child spawn(const std::string& node, const std::vector<std::string>& command)
{
  Child c;
  c.node = node;
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    c.status = 127;
    return c;
  }
  std::cout << std::flush;
  std::cerr << std::flush;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(p[0]);
    ::close(p[1]);
    c.status = 127;
    return c;
  }
  if (pid == 0) {
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::dup2(p[1], STDOUT_FILENO);
    ::dup2(p[1], STDERR_FILENO);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
      ::dup2(devnull, STDIN_FILENO); // CMDs of a batch run at once: none may take the terminal
    }
    std::vector<char*> argv;
    for (const auto& a : command) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    const std::string msg = "cannot run '" + command[0] + "': " + std::strerror(errno) + "\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, msg.data(), msg.size());
    ::_exit(127);
  }
  ::close(p[1]);
  c.pid = pid;
  c.fd = p[0];
  return c;
}

// Streams every child's output until all have exited. A stop signal is passed
// on to the children (SIGINT at a terminal reaches them anyway, through the
// process group) and they are waited for: CMD finishes or is signalled, and
// nothing further runs.
void run_children(std::vector<Child>& children, RollProgress& progress, const StopSignals& signals)
{
  bool forwarded = false;
  auto open_fds = [&] {
    return std::count_if(children.begin(), children.end(), [](const Child& c) { return c.fd >= 0; });
  };
  while (open_fds() > 0) {
    if (signals.received() && !forwarded) {
      for (auto& c : children) {
        if (c.pid > 0) {
          ::kill(c.pid, *signals.received());
        }
      }
      forwarded = true;
    }
    std::vector<pollfd> fds;
    std::vector<Child*> who;
    for (auto& c : children) {
      if (c.fd >= 0) {
        fds.push_back({c.fd, POLLIN, 0});
        who.push_back(&c);
      }
    }
    const int rc = ::poll(fds.data(), fds.size(), 200);
    if (rc < 0 && errno != EINTR) {
      break;
    }
    progress.tick();
    for (std::size_t i = 0; i < fds.size() && rc > 0; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      Child& c = *who[i];
      char buf[4096];
      const ssize_t n = ::read(c.fd, buf, sizeof buf);
      if (n > 0) {
        c.partial.append(buf, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = c.partial.find('\n')) != std::string::npos) {
          progress.output(c.node, c.partial.substr(0, nl));
          c.partial.erase(0, nl + 1);
        }
      } else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        if (!c.partial.empty()) {
          progress.output(c.node, c.partial);
          c.partial.clear();
        }
        ::close(c.fd);
        c.fd = -1;
      }
    }
  }
  for (auto& c : children) {
    if (c.pid <= 0) {
      continue;
    }
    int status = 0;
    while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
    }
    c.status = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127;
  }
}

// ---- the roll --------------------------------------------------------------

class Roll
{
public:
  Roll(const GlobalOptions& global, const RollOptions& o, RollPlan plan,
       std::map<std::string, Node> nodes, std::optional<AuditFile> audit, RollProgress& progress,
       std::optional<KubernetesEndpoint> api)
    : m_global(global), m_o(o), m_plan(std::move(plan)), m_nodes(std::move(nodes)),
      m_audit(std::move(audit)), m_progress(progress), m_api(std::move(api))
  {
  }

  // Runs every batch; returns the exit code. `site` polls the whole site.
  int run(SiteView& site, const StopSignals& signals, const LockKeeper& keeper)
  {
    for (const auto& batch : m_plan.batches) {
      if (auto rc = stopped_by(signals, keeper, batch.front())) {
        return finish(*rc);
      }
      // 1. pre-flight
      if (!preflight(site, batch, signals)) {
        return finish(signals.received() ? signal_exit(*signals.received()) : to_int(ExitCode::not_ready));
      }
      // 2. drain
      if (m_o.drain) {
        for (const auto& node : batch) {
          if (!drain(node, signals)) {
            return finish(signals.received() ? signal_exit(*signals.received()) : to_int(ExitCode::not_ready));
          }
        }
      }
      // 3. CMD
      const auto cmd_start = bgp::WallClock::now();
      if (!run_command(batch, cmd_start, signals)) {
        return finish(signals.received() ? signal_exit(*signals.received()) : to_int(ExitCode::not_ready));
      }
      // 4-6. wait, settle, uncordon, per node
      for (const auto& node : batch) {
        if (auto rc = stopped_by(signals, keeper, node)) {
          return finish(*rc);
        }
        const int rc = wait_and_settle(node, cmd_start, signals);
        if (rc != 0) {
          return finish(rc);
        }
        if (m_o.drain && !uncordon(node)) {
          return finish(to_int(ExitCode::not_ready));
        }
        record(node, RollStep::done, cmd_start, StepVerdict::ok, std::nullopt, "");
        m_done.push_back(node);
      }
    }
    return finish(0);
  }

  // Writes the result (audit + progress) for an exit that bypasses run().
  int finish(int exit_code)
  {
    if (m_finished) {
      return exit_code;
    }
    m_finished = true;
    RollResult r;
    r.site = m_plan.site;
    r.done = m_plan.already_done;
    r.done.insert(r.done.end(), m_done.begin(), m_done.end());
    for (const auto& n : m_plan.nodes) {
      if (std::find(r.done.begin(), r.done.end(), n) == r.done.end()) {
        r.not_done.push_back(n);
      }
    }
    r.exit = exit_code;
    write_audit(format_result(r, AuditClock::now()));
    m_progress.result(r);
    return exit_code;
  }

  // The wait's hung-poll exit path: record, and leave with the signal's code.
  [[noreturn]] void abort_now(const std::string& node, int sig)
  {
    record(node, RollStep::wait, m_wait_started, StepVerdict::interrupted, std::nullopt,
           std::string("interrupted by ") + signal_name(sig));
    finish(signal_exit(sig));
    std::cout << std::flush;
    std::cerr << std::flush;
    std::_Exit(signal_exit(sig));
  }

private:
  std::optional<int> stopped_by(const StopSignals& signals, const LockKeeper& keeper, const std::string& next)
  {
    if (auto sig = signals.received()) {
      m_progress.note(std::string("interrupted by ") + signal_name(*sig) + "; not starting " + next);
      return signal_exit(*sig);
    }
    if (auto lost = keeper.lost()) {
      m_progress.note(*lost + "; not starting " + next);
      return to_int(ExitCode::not_ready);
    }
    return std::nullopt;
  }

  void write_audit(const std::string& line)
  {
    if (!m_audit) {
      return;
    }
    if (auto ok = m_audit->append(line); !ok && !m_audit_failed) {
      m_audit_failed = true;
      m_progress.note(ok.error());
    }
  }

  void record(const std::string& node, RollStep step, AuditClock::time_point start, StepVerdict verdict,
              std::optional<int> exit, std::string detail)
  {
    StepRecord r;
    r.node = node;
    r.step = step;
    r.start = start;
    if (verdict != StepVerdict::started) {
      r.end = AuditClock::now();
    }
    r.verdict = verdict;
    r.exit = exit;
    r.detail = std::move(detail);
    write_audit(format_step(r, AuditClock::now()));
    m_progress.step(r);
  }

  bool preflight(SiteView& site, const std::vector<std::string>& batch, const StopSignals& signals)
  {
    const auto start = AuditClock::now();
    for (const auto& n : batch) {
      record(n, RollStep::preflight, start, StepVerdict::started, std::nullopt, "");
    }
    const auto deadline = SteadyClock::now() + m_o.preflight_timeout;
    std::string last_seen;
    std::optional<SiteCheck> previous;
    for (;;) {
      const auto poll_start = SteadyClock::now();
      SiteCheck c = site.check(batch, std::min(deadline, poll_start + site.poll_budget()));
      // A poll the pre-flight deadline cut off knows nothing (every router
      // "unreadable"): the poll before it says better who blocks (gate/cutoff.hpp).
      if (!c.clear && previous && SteadyClock::now() >= deadline) {
        c = *previous;
      }
      previous = c;
      if (c.clear) {
        for (const auto& n : batch) {
          record(n, RollStep::preflight, start, StepVerdict::ok, std::nullopt, "the rest of the site is ready");
        }
        return true;
      }
      const auto left = duration_cast<milliseconds>(std::max(deadline - SteadyClock::now(), SteadyClock::duration(0)));
      const std::string now_seen = c.blocking_node + " " + c.why;
      if (now_seen != last_seen) {
        m_progress.preflight_wait(c.blocking_node, c.why, left);
        last_seen = now_seen;
      }
      const auto next = poll_start + m_o.gate.interval;
      if (next >= deadline || signals.received()) {
        const bool interrupted = signals.received().has_value();
        const std::string why = interrupted
                                  ? std::string("interrupted by ") + signal_name(*signals.received())
                                  : "pre-flight did not clear in " + bgp::format_duration(m_o.preflight_timeout)
                                      + ": " + c.blocking_node + " is not ready (" + c.why + ")";
        for (const auto& n : batch) {
          record(n, RollStep::preflight, start, interrupted ? StepVerdict::interrupted : StepVerdict::failed,
                 interrupted ? std::nullopt : std::optional<int>(1), why);
        }
        m_progress.note(why);
        return false;
      }
      while (SteadyClock::now() < next && !signals.received()) {
        signals.wait(std::min(duration_cast<milliseconds>(next - SteadyClock::now()) + milliseconds(1),
                              milliseconds(200)));
        m_progress.tick();
      }
    }
  }

  bool drain(const std::string& node, const StopSignals& signals)
  {
    const auto start = AuditClock::now();
    record(node, RollStep::drain, start, StepVerdict::started, std::nullopt, "");
    const auto deadline = SteadyClock::now() + m_o.drain_timeout;
    auto fail = [&](const std::string& why) {
      const bool interrupted = signals.received().has_value();
      record(node, RollStep::drain, start, interrupted ? StepVerdict::interrupted : StepVerdict::failed,
             std::nullopt, why + " (the node stays cordoned)");
      m_progress.note(node + ": drain: " + why);
      return false;
    };
    if (!m_api) {
      return fail("--drain needs the Kubernetes inventory (inventory.kubernetes in the configuration)");
    }
    if (auto c = cordon(*m_api, node, true, deadline); !c) {
      return fail(c.error());
    }
    m_progress.output(node, "node/" + node + " cordoned");
    DrainHooks hooks;
    hooks.say = [&](const std::string& line) { m_progress.output(node, line); };
    hooks.stop = [&] { return signals.received().has_value(); };
    auto r = evict_pods(*m_api, node, deadline, hooks);
    if (!r) {
      return fail(r.error());
    }
    record(node, RollStep::drain, start, StepVerdict::ok, std::nullopt, *r);
    return true;
  }

  bool uncordon(const std::string& node)
  {
    const auto start = AuditClock::now();
    record(node, RollStep::uncordon, start, StepVerdict::started, std::nullopt, "");
    auto r = cordon(*m_api, node, false, SteadyClock::now() + std::chrono::seconds(30));
    if (!r) {
      record(node, RollStep::uncordon, start, StepVerdict::failed, std::nullopt, r.error());
      m_progress.note(node + ": " + r.error());
      return false;
    }
    m_progress.output(node, "node/" + node + " uncordoned");
    record(node, RollStep::uncordon, start, StepVerdict::ok, std::nullopt, "");
    return true;
  }

  bool run_command(const std::vector<std::string>& batch, bgp::WallClock::time_point start,
                   const StopSignals& signals)
  {
    std::vector<Child> children;
    for (const auto& node : batch) {
      const auto argv = expand_command(m_o.command, node);
      record(node, RollStep::command, start, StepVerdict::started, std::nullopt, join(argv, " "));
      children.push_back(spawn(node, argv));
    }
    run_children(children, m_progress, signals);
    bool ok = true;
    for (const auto& c : children) {
      const int status = c.status.value_or(127);
      const bool interrupted = signals.received().has_value();
      const StepVerdict v = status == 0 ? StepVerdict::ok : interrupted ? StepVerdict::interrupted : StepVerdict::failed;
      record(c.node, RollStep::command, start, v, status,
             status == 0 ? "" : "CMD exited " + std::to_string(status));
      if (status != 0) {
        m_progress.note(c.node + ": CMD exited " + std::to_string(status) + "; stopping the roll");
        ok = false;
      }
    }
    return ok && !signals.received();
  }

  // 0, or the exit code the roll stops with.
  int wait_and_settle(const std::string& node, bgp::WallClock::time_point cmd_start, const StopSignals& signals)
  {
    m_wait_started = AuditClock::now();
    record(node, RollStep::wait, m_wait_started, StepVerdict::started, std::nullopt,
           "--since " + bgp::format_rfc3339(cmd_start));
    GateCommandLine line;
    line.node = node;
    line.options = m_o.gate;
    line.options.since = bgp::format_rfc3339(
      bgp::WallClock::time_point(duration_cast<std::chrono::seconds>(cmd_start.time_since_epoch())));
    const auto deadline = SteadyClock::now() + m_o.gate.timeout.value_or(k_default_timeout);
    auto context = prepare_gate(GateCommand::wait_established, m_global, line, bgp::WallClock::now(), deadline);
    if (!context) {
      record(node, RollStep::wait, m_wait_started, StepVerdict::failed, to_int(context.error().code),
             context.error().message);
      m_progress.note(node + ": " + context.error().message);
      return to_int(context.error().code) == to_int(ExitCode::usage) ? to_int(ExitCode::not_ready)
                                                                      : to_int(context.error().code);
    }
    std::ostringstream sink; // the roll's own table shows the wait; the gate's progress is not drawn
    Progress quiet(ProgressMode::log, sink);
    const GateReport report = wait_until_ready(*context, deadline, quiet, [&](const GateReport&) {
      abort_now(node, signals.received().value_or(SIGINT));
    });
    if (signals.received() || (report.stopped && report.stopped->starts_with("interrupted"))) {
      const int sig = signals.received().value_or(SIGINT);
      record(node, RollStep::wait, m_wait_started, StepVerdict::interrupted, std::nullopt,
             report.stopped.value_or("interrupted"));
      return signal_exit(sig);
    }
    if (report.verdict.overall != bgp::Readiness::ready) {
      std::string why = std::string(verdict_word(report.verdict.overall));
      const auto reasons = report_reasons(report);
      if (!reasons.empty()) {
        why += ": " + join(reasons, "; ");
      }
      if (report.stopped) {
        why += " (" + *report.stopped + ")";
      }
      record(node, RollStep::wait, m_wait_started, StepVerdict::failed, report.exit_code, why);
      m_progress.note(node + " did not come back: " + why);
      return to_int(ExitCode::not_ready);
    }
    record(node, RollStep::wait, m_wait_started, StepVerdict::ok, 0,
           "ready after " + bgp::format_elapsed(report.elapsed));
    if (m_o.settle.count() == 0) {
      return 0;
    }
    return settle(node, *context, report, signals);
  }

  int settle(const std::string& node, GateContext& context, const GateReport& first, const StopSignals& signals)
  {
    const auto start = AuditClock::now();
    record(node, RollStep::settle, start, StepVerdict::started, std::nullopt, bgp::format_duration(m_o.settle));
    std::map<std::string, std::uint64_t> flaps;
    auto key = [](const bgp::SessionVerdict& v) { return v.expected.router + " " + v.expected.address.to_string(); };
    for (const auto& v : first.verdict.sessions) {
      if (const auto* s = v.primary(); s != nullptr && s->flaps) {
        flaps[key(v)] = *s->flaps;
      }
    }
    const auto until = SteadyClock::now() + m_o.settle;
    for (;;) {
      const auto next = std::min(until, SteadyClock::now() + m_o.gate.interval);
      while (SteadyClock::now() < next && !signals.received()) {
        signals.wait(std::min(duration_cast<milliseconds>(next - SteadyClock::now()) + milliseconds(1),
                              milliseconds(200)));
        m_progress.tick();
      }
      if (auto sig = signals.received()) {
        record(node, RollStep::settle, start, StepVerdict::interrupted, std::nullopt,
               std::string("interrupted by ") + signal_name(*sig));
        return signal_exit(*sig);
      }
      const GateReport r = poll_and_judge(context, SteadyClock::now() + poll_budget(context));
      std::string why;
      if (r.verdict.overall != bgp::Readiness::ready) {
        why = "not ready while settling: " + join(report_reasons(r), "; ");
      }
      for (const auto& v : r.verdict.sessions) {
        const auto* s = v.primary();
        const auto it = flaps.find(key(v));
        if (why.empty() && s != nullptr && s->flaps && it != flaps.end() && *s->flaps > it->second) {
          why = "flapped while settling: " + v.text;
        }
      }
      if (!why.empty()) {
        record(node, RollStep::settle, start, StepVerdict::failed, 1, why);
        m_progress.note(node + ": " + why);
        return to_int(ExitCode::not_ready);
      }
      if (SteadyClock::now() >= until) {
        record(node, RollStep::settle, start, StepVerdict::ok, 0, "stayed ready for " + bgp::format_duration(m_o.settle));
        return 0;
      }
    }
  }

  const GlobalOptions& m_global;
  const RollOptions& m_o;
  RollPlan m_plan;
  std::map<std::string, Node> m_nodes;
  std::optional<AuditFile> m_audit;
  RollProgress& m_progress;
  std::optional<KubernetesEndpoint> m_api;
  std::vector<std::string> m_done;
  AuditClock::time_point m_wait_started{};
  bool m_finished = false;
  bool m_audit_failed = false;
};

std::optional<KubernetesEndpoint> kubernetes_api(const Config& config, std::string& error)
{
  if (!config.inventory.kubernetes) {
    return std::nullopt;
  }
  const auto& k = *config.inventory.kubernetes;
  auto e = k.in_cluster ? in_cluster_endpoint() : load_kubeconfig(k.kubeconfig.value_or(""));
  if (!e) {
    error = e.error();
    return std::nullopt;
  }
  return *e;
}

struct SelectError
{
  std::string message;
  ExitCode code = ExitCode::usage;
};

// --selector LABEL=VALUE: the site's nodes (`site_nodes`, every source) that
// the Kubernetes API lists with both the site label and LABEL=VALUE, in name
// order. No Kubernetes inventory, an API error, a selection outside the
// site's inventory, or an empty selection: an error (nothing is rolled).
Expected<std::vector<std::string>, SelectError> select_by_label(const Config& config,
                                                                const std::optional<KubernetesEndpoint>& api,
                                                                const std::string& site, const std::string& selector,
                                                                const std::vector<std::string>& site_nodes)
{
  if (!config.inventory.kubernetes || !api) {
    return Unexpected(SelectError{"--selector " + selector
                                    + ": node labels come from the Kubernetes inventory, and none is configured "
                                      "(inventory.kubernetes in the configuration); list the nodes with --nodes",
                                  ExitCode::usage});
  }
  auto listed = list_kubernetes_nodes_labelled(*api, config.inventory.kubernetes->site_label, site, selector,
                                               SteadyClock::now() + std::chrono::seconds(30));
  if (!listed) {
    return Unexpected(SelectError{"--selector " + selector + ": " + listed.error(), ExitCode::unknown});
  }
  std::vector<std::string> out;
  for (const auto& n : *listed) {
    if (std::find(site_nodes.begin(), site_nodes.end(), n.name) == site_nodes.end()) {
      return Unexpected(SelectError{"--selector " + selector + ": Kubernetes lists " + n.name + " in " + site
                                      + " but the inventory does not (an earlier source places it elsewhere)",
                                    ExitCode::usage});
    }
    out.push_back(n.name);
  }
  if (out.empty()) {
    return Unexpected(SelectError{"--selector " + selector + ": no node of " + site + " has that label",
                                  ExitCode::usage});
  }
  std::sort(out.begin(), out.end());
  return out;
}

void print_plan(const RollPlan& plan, const RollOptions& o, const SiteCheck& check, OutputFormat format,
                const std::optional<std::string>& lock_text)
{
  if (format == OutputFormat::json) {
    nlohmann::json commands = nlohmann::json::object();
    for (const auto& b : plan.batches) {
      for (const auto& n : b) {
        commands[n] = expand_command(o.command, n);
      }
    }
    nlohmann::json j = {{"event", "plan"},
                        {"time", rfc3339_ms(AuditClock::now())},
                        {"site", plan.site},
                        {"dry_run", true},
                        {"selector", o.selector ? nlohmann::json(*o.selector) : nlohmann::json(nullptr)},
                        {"nodes", plan.nodes},
                        {"already_done", plan.already_done},
                        {"batches", plan.batches},
                        {"commands", commands},
                        {"drain", o.drain},
                        {"lock", lock_text ? nlohmann::json(*lock_text) : nlohmann::json(nullptr)},
                        {"preflight",
                         {{"clear", check.clear},
                          {"blocking_node", check.clear ? nlohmann::json(nullptr) : nlohmann::json(check.blocking_node)},
                          {"why", check.why}}}};
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n" << std::flush;
    return;
  }
  std::cout << "roll of " << plan.site << " (dry run: nothing is changed): " << plan.nodes.size() << " nodes, "
            << o.max_unavailable << " at a time" << (o.selector ? ", selected by " + *o.selector : std::string())
            << (o.drain ? ", drained first" : "") << "\n";
  if (!plan.already_done.empty()) {
    std::cout << "already done (--state): " << join(plan.already_done) << "\n";
  }
  std::size_t i = 0;
  for (const auto& b : plan.batches) {
    std::cout << "batch " << ++i << ": " << join(b) << "\n";
    for (const auto& n : b) {
      std::cout << "  " << n << ": " << join(expand_command(o.command, n), " ") << "\n";
    }
  }
  if (lock_text) {
    std::cout << "lock: " << *lock_text << "\n";
  }
  if (plan.batches.empty()) {
    std::cout << "pre-flight: nothing left to do\n";
  } else if (check.clear) {
    std::cout << "pre-flight now: clear (every node of " << plan.site << " but the first batch is ready)\n";
  } else {
    std::cout << "pre-flight now: blocked by " << check.blocking_node << " (" << check.why << ")\n";
  }
  std::cout << std::flush;
}

} // namespace

int run_roll(const GlobalOptions& global, const RollOptions& o)
{
  auto say = [](const std::string& m) { std::cerr << "bgpwatch roll: " << m << "\n"; };
  const auto started = bgp::WallClock::now();
  auto config = load_config_file(resolve_config_path(global.config_path));
  if (!config) {
    say("configuration: " + config.error().to_string());
    return to_int(ExitCode::usage);
  }
  if (config->find_site(o.site) == nullptr) {
    std::vector<std::string> known;
    for (const auto& s : config->sites) {
      known.push_back(s.name);
    }
    say("--site " + o.site + ": not a configured site (configured: " + join(known) + ")");
    return to_int(ExitCode::usage);
  }
  auto gate_options = resolve_gate_options(o.gate, started);
  if (!gate_options) {
    say(gate_options.error());
    return to_int(ExitCode::usage);
  }
  Inventory inventory(*config);
  auto listed = inventory.nodes(o.site, SteadyClock::now() + std::chrono::seconds(30));
  if (!listed) {
    say(listed.error().message);
    return to_int(listed.error().code == InventoryErrc::unavailable ? ExitCode::unknown : ExitCode::usage);
  }
  std::map<std::string, Node> by_name;
  std::vector<std::string> names;
  for (const auto& n : *listed) {
    by_name[n.name] = n;
    names.push_back(n.name);
  }
  if (names.empty()) {
    say("the inventory has no node in site " + o.site);
    return to_int(ExitCode::usage);
  }
  std::string api_error;
  std::optional<KubernetesEndpoint> api = kubernetes_api(*config, api_error);
  if (config->inventory.kubernetes && !api) {
    say("Kubernetes API: " + api_error);
    return to_int(ExitCode::unknown);
  }
  std::vector<std::string> requested = o.nodes;
  if (o.selector) {
    auto selected = select_by_label(*config, api, o.site, *o.selector, names);
    if (!selected) {
      say(selected.error().message);
      return to_int(selected.error().code);
    }
    requested = std::move(*selected);
  }
  auto chosen = choose_nodes(names, requested);
  if (!chosen) {
    say(chosen.error());
    return to_int(ExitCode::usage);
  }
  std::optional<AuditFile> audit;
  std::set<std::string> done;
  if (o.state_path) {
    auto f = AuditFile::open(*o.state_path);
    if (!f) {
      say(f.error());
      return to_int(ExitCode::usage);
    }
    if (f->existing().site && *f->existing().site != o.site) {
      say("--state " + *o.state_path + " is the audit of a roll of " + *f->existing().site + ", not " + o.site);
      return to_int(ExitCode::usage);
    }
    done = f->existing().done;
    audit = std::move(*f);
  }
  RollPlan plan = make_plan(o.site, *chosen, done, o.max_unavailable);

  const std::string owner = default_lock_owner();
  std::unique_ptr<RollLock> lock = api ? make_lease_lock(*api, o.lease_namespace, o.site, owner, o.lock_ttl)
                                       : make_file_lock(o.lock_dir, o.site, owner, o.lock_ttl);
  if (o.drain && !api) {
    say("--drain needs the Kubernetes inventory (inventory.kubernetes in the configuration)");
    return to_int(ExitCode::usage);
  }

  SiteView site(*config, *listed, *gate_options);
  if (o.dry_run) {
    SiteCheck check{true, "", ""};
    if (!plan.batches.empty()) {
      check = site.check(plan.batches.front(), SteadyClock::now() + site.poll_budget());
    }
    print_plan(plan, o, check, global.format, lock->describe());
    return check.clear ? 0 : to_int(ExitCode::not_ready);
  }

  auto acquired = lock->acquire();
  if (!acquired) {
    say(acquired.error().message + "; not rolling " + o.site);
    return to_int(acquired.error().held ? ExitCode::usage : ExitCode::unknown);
  }
  if (!acquired->empty()) {
    say(*acquired);
  }
  const RollProgressMode mode = global.format == OutputFormat::json || !::isatty(STDOUT_FILENO)
                                  ? RollProgressMode::json
                                  : RollProgressMode::live;
  RollProgress progress(mode, std::cout, std::cerr, plan.nodes, [] { return terminal_size(STDOUT_FILENO); });
  progress.start_redraws();
  int rc = 0;
  {
    LockKeeper keeper(*lock, o.lock_ttl);
    StopSignals signals;
    RollHeader header{o.site, owner, plan.nodes, o.command, o.max_unavailable, o.drain};
    if (audit) {
      if (auto ok = audit->append(format_header(header, AuditClock::now())); !ok) {
        say(ok.error());
        lock->release();
        return to_int(ExitCode::usage);
      }
    }
    progress.header(header);
    if (!plan.already_done.empty()) {
      progress.note("already done (" + *o.state_path + "): " + join(plan.already_done));
    }
    Roll roll(global, o, plan, by_name, std::move(audit), progress, api);
    rc = roll.run(site, signals, keeper);
  }
  lock->release();
  return rc;
}

} // namespace bgpwatch::collector
