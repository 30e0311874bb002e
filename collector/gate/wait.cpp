// collector/gate/wait.cpp: the wait loop (see gate_wait.hpp).
#include "collector/gate/wait.hpp"

#include "bgp/duration.hpp"
#include "collector/gate/cutoff.hpp"
#include "collector/gate/netconf_source.hpp"
#include "collector/gate/signals.hpp"
#include "collector/render/json.hpp"
#include "collector/render/table.hpp"
#include "collector/render/json_text.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <random>
#include <thread>

namespace bgpwatch::collector {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// One poll on a worker thread, so the loop can keep listening for signals;
// the thread writes one byte to `done_fd` when the report is ready.
class PollTask
{
public:
  PollTask(GateContext& c, SteadyClock::time_point deadline)
  {
    if (::pipe2(m_fds, O_CLOEXEC) != 0) {
      m_fds[0] = m_fds[1] = -1;
    }
    m_thread = std::thread([this, &c, deadline] {
      // The exception barrier: an error in the poll goes to the waiting
      // thread (take() rethrows it, the command's barrier makes it exit 3);
      // the done byte is written either way.
      try {
        m_report = poll_and_judge(c, deadline);
      } catch (...) {
        m_error = std::current_exception();
      }
      const char b = 1;
      [[maybe_unused]] const auto n = ::write(m_fds[1], &b, 1);
    });
  }
  ~PollTask()
  {
    if (m_thread.joinable()) {
      m_thread.join();
    }
    for (int fd : m_fds) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  }
  PollTask(const PollTask&) = delete;
  PollTask& operator=(const PollTask&) = delete;

  int done_fd() const noexcept
  {
    return m_fds[0];
  }
  GateReport take()
  {
    m_thread.join();
    if (m_error) {
      std::rethrow_exception(m_error);
    }
    return std::move(m_report);
  }

private:
  std::exception_ptr m_error;
  int m_fds[2] = {-1, -1};
  std::thread m_thread;
  GateReport m_report;
};

// The report when no poll has completed (interrupted during the first one).
GateReport empty_report(const GateContext& c)
{
  GateReport r;
  r.command = std::string(to_string(c.command));
  r.node = c.node_name;
  r.site = c.site;
  r.source = c.source->describe();
  r.sources.push_back(c.source->info());
  if (c.second_source) {
    r.source += " + " + c.second_source->describe();
    r.sources.push_back(c.second_source->info());
  }
  r.now = c.fixed_now.value_or(bgp::WallClock::now());
  r.since = c.options.since;
  if (!c.since_from.empty()) {
    r.since_from = c.since_from;
  }
  r.verdict = bgp::evaluate(c.expected, {}, r.now, c.options);
  r.exit_code = to_int(exit_code_for(r.verdict.overall));
  return r;
}

bool fd_readable(int fd, milliseconds timeout, const StopSignals& signals)
{
  // StopSignals::wait returns on either fd; tell which by a non-blocking peek.
  signals.wait(timeout, fd);
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

} // namespace

ProgressMode progress_mode(OutputFormat format, int fd)
{
  if (format == OutputFormat::json) {
    return ProgressMode::json;
  }
  return ::isatty(fd) ? ProgressMode::live : ProgressMode::log;
}

// How far past the deadline a stuck poll is waited for (the rest of the
// 200 ms margin is for rendering the report and exiting).
constexpr milliseconds k_deadline_overrun{100};
constexpr milliseconds k_min_long_poll_spacing{250};

GateReport wait_until_ready(GateContext& c, SteadyClock::time_point deadline, Progress& progress,
                            const std::function<void(const GateReport&)>& render_final)
{
  StopSignals signals;
  const auto start = SteadyClock::now();
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(-0.05, 0.05);
  const milliseconds interval = c.line.options.interval;

  GateReport last = empty_report(c);
  std::uint64_t polls = 0;
  bool cut_off = false;
  auto finish = [&](GateReport r, std::optional<std::string> stopped, std::optional<int> exit_code) {
    r.polls = polls;
    r.elapsed = duration_cast<milliseconds>(SteadyClock::now() - start);
    r.stopped = std::move(stopped);
    if (exit_code) {
      r.exit_code = *exit_code;
    }
    if (c.sessions_opened) {
      r.sessions_opened = c.sessions_opened();
    }
    progress.finish();
    return r;
  };
  auto interrupted = [&](int sig) {
    return "interrupted by " + std::string(signal_name(sig)) + " after "
           + bgp::format_elapsed(duration_cast<milliseconds>(SteadyClock::now() - start));
  };

  for (;;) {
    const auto poll_start = SteadyClock::now();
    const auto poll_deadline = std::min(deadline, poll_start + poll_budget(c));
    {
      PollTask task(c, poll_deadline);
      // Issue 13 item 8: the command exits by --timeout + 200 ms whatever a
      // source does past its deadline (a DNS look-up, a router that stopped
      // answering inside an RPC): at deadline + 100 ms the poll is abandoned.
      const auto hard_stop = deadline + k_deadline_overrun;
      auto wait_step = [&] {
        const auto left = duration_cast<milliseconds>(hard_stop - SteadyClock::now()) + milliseconds(1);
        return std::clamp(left, milliseconds(1), milliseconds(1000));
      };
      while (!fd_readable(task.done_fd(), wait_step(), signals)) {
        if (!signals.received() && SteadyClock::now() >= hard_stop) {
          // Fail closed: the verdict of the last complete poll (never
          // better), or Unknown when there was none. The stuck poll thread
          // is not joined; exiting closes its sockets.
          auto r = finish(last,
                          "deadline passed after "
                            + bgp::format_elapsed(duration_cast<milliseconds>(SteadyClock::now() - start))
                            + " (" + std::to_string(polls) + (polls == 1 ? " poll)" : " polls)")
                            + (polls > 0 ? "; the last poll was cut off, verdict from the poll before it"
                                         : "; the first poll did not finish by the deadline"),
                          std::nullopt);
          if (r.verdict.overall == bgp::Readiness::ready) {
            r.exit_code = to_int(ExitCode::unknown); // unreachable: a ready poll ends the wait at once
          }
          render_final(r);
          std::cout << std::flush;
          std::cerr << std::flush;
          std::_Exit(r.exit_code);
        }
        if (signals.received()) {
          // No poll follows a stop: close the sessions of the routers that
          // have answered now (<close-session/>), and the others' as they
          // answer, while the in-flight poll gets a moment to finish; a
          // router that does not answer must not hold an operator's Ctrl-C
          // for the whole RPC timeout.
          if (c.netconf != nullptr) {
            c.netconf->close_idle();
          }
          const auto grace = SteadyClock::now() + milliseconds(2000);
          bool finished = false;
          while (!finished && SteadyClock::now() < grace) {
            finished = fd_readable(task.done_fd(), milliseconds(100), signals);
          }
          if (finished) {
            last = task.take();
            ++polls;
          }
          const int sig = *signals.received();
          auto r = finish(last, interrupted(sig), interrupted_exit_code(sig));
          if (!finished) {
            // The poll thread is still blocked in I/O: report and leave
            // without joining it (joining would wait for the RPC timeout).
            // The idle sessions' closes had the grace period; the hung
            // router's session cannot be closed (its client is in use by
            // the blocked worker): exiting closes its socket.
            if (c.netconf != nullptr) {
              c.netconf->wait_closes(grace);
            }
            render_final(r);
            std::cout << std::flush;
            std::cerr << std::flush;
            std::_Exit(interrupted_exit_code(sig));
          }
          return r;
        }
        progress.tick(duration_cast<milliseconds>(SteadyClock::now() - start),
                      duration_cast<milliseconds>(std::max(deadline - SteadyClock::now(), SteadyClock::duration(0))));
      }
      // A poll cut off by the overall deadline must not replace what the
      // poll before it knew with its Unknown (gate_cutoff.hpp).
      auto settled = settle_poll(polls > 0 ? &last : nullptr, task.take(), SteadyClock::now(), deadline);
      cut_off = settled.kept_previous;
      last = std::move(settled.report);
    }
    ++polls;
    last.polls = polls;
    last.elapsed = duration_cast<milliseconds>(SteadyClock::now() - start);
    const auto now = SteadyClock::now();
    const auto remaining = duration_cast<milliseconds>(std::max(deadline - now, SteadyClock::duration(0)));
    progress.on_poll(last, remaining);

    // A stop signal wins over any verdict, ready included: one that landed
    // while this poll completed must not let gate run CMD (issue 13).
    if (const auto sig = signals.received()) {
      return finish(last, interrupted(*sig), interrupted_exit_code(*sig));
    }
    if (last.verdict.overall == bgp::Readiness::ready) {
      return finish(last, std::nullopt, std::nullopt);
    }
    if (last.verdict.terminal()) {
      // --require routes: a state waiting cannot fix (prefix-limit
      // teardown, admin shutdown, unconfigured peer): stop now, exit 1.
      return finish(last, "won't recover by waiting: stopped after "
                            + std::to_string(polls) + (polls == 1 ? " poll" : " polls"),
                    to_int(ExitCode::not_ready));
    }
    // A source that waits for news itself (a --collector long-poll) is
    // asked again at once: its next answer comes when the collector's next
    // poll lands. 250 ms between polls at least, whatever it does.
    const auto next = c.source != nullptr && c.source->waits_for_news()
                        ? std::max(now, poll_start + k_min_long_poll_spacing)
                        : poll_start + duration_cast<SteadyClock::duration>(interval * (1.0 + jitter(rng)));
    if (now >= deadline || next >= deadline) {
      return finish(last,
                    "deadline passed after "
                      + bgp::format_elapsed(duration_cast<milliseconds>(now - start)) + " ("
                      + std::to_string(polls) + (polls == 1 ? " poll)" : " polls)")
                      + (cut_off ? "; the last poll was cut off, verdict from the poll before it" : ""),
                    std::nullopt);
    }
    while (SteadyClock::now() < next) {
      const auto left = duration_cast<milliseconds>(next - SteadyClock::now()) + milliseconds(1);
      if (signals.wait(std::min(left, milliseconds(1000)))) {
        const int sig = *signals.received();
        return finish(last, interrupted(sig), interrupted_exit_code(sig));
      }
      progress.tick(duration_cast<milliseconds>(SteadyClock::now() - start),
                    duration_cast<milliseconds>(std::max(deadline - SteadyClock::now(), SteadyClock::duration(0))));
    }
  }
}

GateReport poll_once(GateContext& c, SteadyClock::time_point deadline,
                     const std::function<void(const GateReport&)>& render_final)
{
  StopSignals signals;
  const auto start = SteadyClock::now();
  auto interrupted = [&](GateReport r, int sig) {
    r.polls = 1;
    r.elapsed = duration_cast<milliseconds>(SteadyClock::now() - start);
    r.stopped = "interrupted by " + std::string(signal_name(sig)) + " during the poll";
    r.exit_code = interrupted_exit_code(sig);
    return r;
  };
  PollTask task(c, deadline);
  while (!fd_readable(task.done_fd(), milliseconds(1000), signals)) {
    if (signals.received()) {
      break;
    }
  }
  if (const auto sig = signals.received()) {
    // As in the wait: the poll gets a moment to finish (its report says
    // what was known), then we leave without waiting out the RPC timeout.
    if (c.netconf != nullptr) {
      c.netconf->close_idle();
    }
    const auto grace = SteadyClock::now() + milliseconds(2000);
    bool finished = fd_readable(task.done_fd(), milliseconds(0), signals);
    while (!finished && SteadyClock::now() < grace) {
      finished = fd_readable(task.done_fd(), milliseconds(100), signals);
    }
    if (finished) {
      return interrupted(task.take(), *sig);
    }
    auto r = interrupted(empty_report(c), *sig);
    if (c.netconf != nullptr) {
      c.netconf->wait_closes(grace);
    }
    render_final(r);
    std::cout << std::flush;
    std::cerr << std::flush;
    std::_Exit(r.exit_code);
  }
  GateReport r = task.take();
  r.polls = 1;
  r.elapsed = duration_cast<milliseconds>(SteadyClock::now() - start);
  return r;
}

void render_wait_result(const GateReport& report, OutputFormat format, std::ostream& out)
{
  if (format == OutputFormat::json) {
    out << json_text(result_event(report)) << '\n';
  } else {
    render_verdict_text(report, out);
    out << "after " << report.polls << (report.polls == 1 ? " poll" : " polls") << " in "
        << bgp::format_elapsed(report.elapsed);
    if (report.sessions_opened) {
      out << ", NETCONF sessions opened: " << *report.sessions_opened;
    }
    out << '\n';
  }
  out << std::flush;
}

} // namespace bgpwatch::collector
