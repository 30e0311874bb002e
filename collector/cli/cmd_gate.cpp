// collector/cli/cmd_gate.cpp: `bgpwatch gate --node N [gate options] -- CMD
// [ARG...]`: wait like wait-established; run CMD (fork/exec, no shell, same
// stdin/stdout/stderr) only if ready, and exit with its status (128+N if
// killed by signal N, 127 if it could not be run). Not ready: CMD is not run,
// exit like wait-established. gate's own progress and report go to stderr,
// so stdout belongs to CMD.
#include "collector/gate/command.hpp"
#include "collector/gate/signals.hpp"
#include "collector/gate/wait.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <optional>
#include <sys/wait.h>
#include <unistd.h>

namespace bgpwatch::collector {

namespace {

volatile sig_atomic_t g_child = 0;

void forward_signal(int signal)
{
  if (g_child > 0) {
    ::kill(static_cast<pid_t>(g_child), signal);
  }
}

// The last check before CMD: a stop signal that came at any moment of the
// run (even after the wait said ready) means CMD is not run: exit 130/143.
std::optional<int> refuse_if_stopped(const StopSignals& stop, const std::vector<std::string>& command)
{
  if (const auto sig = stop.received()) {
    std::cerr << "bgpwatch gate: not running '" << command[0] << "': interrupted by " << signal_name(*sig)
              << " (exit " << interrupted_exit_code(*sig) << ")\n";
    return interrupted_exit_code(*sig);
  }
  return std::nullopt;
}

int run_command(const std::vector<std::string>& command, const StopSignals& stop)
{
  std::vector<char*> argv;
  for (const auto& a : command) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  std::cout << std::flush;
  std::cerr << std::flush;
  // Block SIGINT/SIGTERM from the last check to the fork, so none can land
  // in between unseen; the child unblocks them after resetting them to the
  // default, and one that came meanwhile then stops it before exec.
  sigset_t stop_set, old_mask;
  sigemptyset(&stop_set);
  sigaddset(&stop_set, SIGINT);
  sigaddset(&stop_set, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &stop_set, &old_mask);
  if (auto rc = refuse_if_stopped(stop, command)) {
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr); // the pending signal is caught by our handler
    return *rc;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    std::cerr << "bgpwatch gate: fork: " << std::strerror(errno) << '\n';
    return 127;
  }
  if (pid == 0) {
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    ::execvp(argv[0], argv.data());
    const std::string msg = "bgpwatch gate: cannot run '" + command[0] + "': " + std::strerror(errno) + "\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, msg.data(), msg.size());
    ::_exit(127);
  }
  // While CMD runs it owns the terminal's Ctrl-C (the process group gets it);
  // a SIGTERM sent to us is passed on, and we report CMD's fate.
  g_child = pid;
  struct sigaction sa{}, old_int{}, old_term{};
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &sa, &old_term);
  struct sigaction ign{};
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  ::sigaction(SIGINT, &ign, &old_int);
  // A signal that came between the check and the fork is delivered now and
  // passed on to the child (which has not exec'd or dies at once).
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  g_child = 0;
  ::sigaction(SIGTERM, &old_term, nullptr);
  ::sigaction(SIGINT, &old_int, nullptr);
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return 127;
}

} // namespace

int cmd_gate(const GlobalOptions& global, const CommandArgs& args)
{
  const auto started = bgp::WallClock::now();
  const auto steady_start = SteadyClock::now();
  GateCommandLine line;
  if (auto rc = handle_command_line(GateCommand::gate, args, line)) {
    return *rc;
  }
  const auto deadline = steady_start + line.options.timeout.value_or(k_default_timeout);
  const std::vector<std::string> command = line.command;
  // For the whole run, up to the fork: once SIGINT/SIGTERM came, CMD never
  // runs, whatever the last poll said (issue 13).
  StopSignals stop;
  std::optional<GateContext> context;
  if (auto rc = handle_prepare(GateCommand::gate, global, std::move(line), started, deadline, context)) {
    return *rc;
  }
  Progress progress(progress_mode(global.format, STDERR_FILENO), std::cerr,
                    terminal_style(global.color, STDERR_FILENO));
  const auto render = [&](const GateReport& r) { render_wait_result(r, global.format, std::cerr); };
  const GateReport report = wait_until_ready(*context, deadline, progress, render);
  render(report);
  if (report.exit_code != to_int(ExitCode::ok)) {
    std::cerr << "bgpwatch gate: not running '" << command[0] << "': "
              << (report.stopped && report.exit_code > 128 ? *report.stopped
                                                           : std::string(to_string(report.verdict.overall)))
              << " (exit " << report.exit_code << ")\n";
    return report.exit_code;
  }
  if (auto rc = refuse_if_stopped(stop, command)) {
    return *rc;
  }
  context.reset(); // close the NETCONF sessions before CMD runs
  if (auto rc = refuse_if_stopped(stop, command)) {
    return *rc;
  }
  std::cerr << "bgpwatch gate: ready; running '" << command[0] << "'\n" << std::flush;
  return run_command(command, stop);
}

} // namespace bgpwatch::collector
