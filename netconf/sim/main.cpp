// netconf/sim/main.cpp: bgpwatch-netconf-sim, a Junos-like NETCONF router
// simulator on stdin/stdout, meant to run as the "netconf" subsystem of a
// private sshd (tests/lib/sshd.sh). Options live in one table (k_options)
// so new modes (e.g. a mirror of a live daemon) are one row and one
// ReplySource away.
#include "netconf/sim/control.hpp"
#include "netconf/sim/junos_reply.hpp"
#include "netconf/sim/mirror.hpp"
#include "netconf/sim/scenario.hpp"
#include "netconf/sim/server.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

using namespace bgpwatch;
using namespace bgpwatch::netconf;
using namespace bgpwatch::netconf::sim;

namespace {

struct SimOptions
{
  std::string scenario_path;
  std::string router;
  std::optional<double> start_unix; // --start: overrides the file's "start"
  std::optional<double> now_unix;   // --now: freeze the clock (tests)
  std::optional<Framing> framing;   // --framing: overrides the router's
  bool print = false;               // --print: write the reply body and exit
  std::string mirror_command;       // --mirror-command: answer from a live daemon (mirror.hpp)
  std::string mirror_neighbor_command; // --mirror-neighbor-command: its neighbor detail
  bool print_neighbors = false;     // --print-neighbors: the get-bgp-neighbor-information reply instead
  std::optional<std::string> neighbor; // --neighbor: its <neighbor-address>
  std::string control_path;         // --control: overrides the scenario's "control" (control.hpp)
};

struct OptionSpec
{
  std::string_view name;
  bool takes_value;
  std::string_view help;
  // Returns an error message, or "" when the value is fine.
  std::function<std::string(SimOptions&, const std::string&)> apply;
};

std::string parse_seconds(const std::string& v, std::optional<double>& out)
{
  try {
    std::size_t used = 0;
    out = std::stod(v, &used);
    return used == v.size() ? "" : "not a number: " + v;
  } catch (...) {
    return "not a number: " + v;
  }
}

const std::vector<OptionSpec>& options_table()
{
  static const std::vector<OptionSpec> k_options = {
    {"--scenario", true, "FILE   scenario file (fixtures/scenarios/README.md)",
     [](SimOptions& o, const std::string& v) { o.scenario_path = v; return std::string(); }},
    {"--router", true, "NAME     which router of the scenario to be",
     [](SimOptions& o, const std::string& v) { o.router = v; return std::string(); }},
    {"--start", true, "UNIX      scenario start (UNIX seconds); default: the file's \"start\", else now",
     [](SimOptions& o, const std::string& v) { return parse_seconds(v, o.start_unix); }},
    {"--now", true, "UNIX        freeze the clock at this instant (tests)",
     [](SimOptions& o, const std::string& v) { return parse_seconds(v, o.now_unix); }},
    {"--framing", true, "eom|chunked  override the router's framing",
     [](SimOptions& o, const std::string& v) {
       if (v == "eom") {
         o.framing = Framing::eom;
       } else if (v == "chunked") {
         o.framing = Framing::chunked;
       } else {
         return std::string("--framing must be eom or chunked");
       }
       return std::string();
     }},
    {"--mirror-command", true, "CMD  mirror mode: answer from CMD's output (FRR 'show bgp summary json'), no scenario",
     [](SimOptions& o, const std::string& v) { o.mirror_command = v; return std::string(); }},
    {"--mirror-neighbor-command", true,
     "CMD  with --mirror-command: answer get-bgp-neighbor-information from CMD (FRR 'show bgp neighbors json')",
     [](SimOptions& o, const std::string& v) { o.mirror_neighbor_command = v; return std::string(); }},
    {"--control", true, "FILE    control events (JSON Lines) read on every RPC; overrides the scenario's \"control\"",
     [](SimOptions& o, const std::string& v) { o.control_path = v; return std::string(); }},
    {"--print", false, "           print the <get-bgp-summary-information> reply body and exit",
     [](SimOptions& o, const std::string&) { o.print = true; return std::string(); }},
    {"--print-neighbors", false, " print the <get-bgp-neighbor-information> reply and exit",
     [](SimOptions& o, const std::string&) {
       o.print = true;
       o.print_neighbors = true;
       return std::string();
     }},
    {"--neighbor", true, "ADDR     with --print-neighbors: only this <neighbor-address>",
     [](SimOptions& o, const std::string& v) {
       if (!bgp::Address::parse(v)) {
         return "not an IP address: " + v;
       }
       o.neighbor = v;
       return std::string();
     }},
  };
  return k_options;
}

void usage(std::ostream& out)
{
  out << "usage: bgpwatch-netconf-sim --scenario FILE --router NAME [options]\n"
         "A Junos-like NETCONF server on stdin/stdout (run it as an sshd 'netconf' subsystem).\n";
  for (const auto& o : options_table()) {
    out << "  " << o.name << " " << o.help << "\n";
  }
}

double unix_now()
{
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

int main(int argc, char** argv)
{
  std::signal(SIGPIPE, SIG_IGN);
  SimOptions opts;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      return 0;
    }
    const OptionSpec* spec = nullptr;
    for (const auto& o : options_table()) {
      if (o.name == arg) {
        spec = &o;
      }
    }
    if (!spec) {
      std::cerr << "bgpwatch-netconf-sim: unknown option '" << arg << "'\n";
      usage(std::cerr);
      return 2;
    }
    std::string value;
    if (spec->takes_value) {
      if (i + 1 >= argc) {
        std::cerr << "bgpwatch-netconf-sim: " << arg << " needs a value\n";
        return 2;
      }
      value = argv[++i];
    }
    if (const std::string e = spec->apply(opts, value); !e.empty()) {
      std::cerr << "bgpwatch-netconf-sim: " << arg << ": " << e << "\n";
      return 2;
    }
  }
  if (!opts.mirror_command.empty() && !opts.router.empty()) {
    ServerOptions server;
    server.router_name = opts.router;
    server.framing = opts.framing.value_or(Framing::eom);
    server.session_id = static_cast<std::uint32_t>(::getpid());
    server.clock = [] { return 0.0; };
    MirrorOptions mirror;
    mirror.command = opts.mirror_command;
    mirror.neighbor_command = opts.mirror_neighbor_command;
    mirror.release = server.release;
    MirrorReplySource source(mirror);
    if (opts.print) {
      std::optional<bgp::Address> only;
      if (opts.neighbor) {
        only = bgp::Address::parse(*opts.neighbor);
      }
      auto body = opts.print_neighbors ? source.bgp_neighbors(0, only) : source.bgp_summary(0);
      if (!body) {
        std::cerr << "bgpwatch-netconf-sim: " << body.error() << "\n";
        return 1;
      }
      std::cout << rpc_reply("1", server.release, *body);
      return 0;
    }
    return serve(STDIN_FILENO, STDOUT_FILENO, source, server);
  }
  if (!opts.mirror_neighbor_command.empty() && opts.mirror_command.empty()) {
    std::cerr << "bgpwatch-netconf-sim: --mirror-neighbor-command needs --mirror-command\n";
    return 2;
  }
  if (opts.scenario_path.empty() || opts.router.empty()) {
    std::cerr << "bgpwatch-netconf-sim: --scenario and --router are required\n";
    usage(std::cerr);
    return 2;
  }
  auto scenario = load_scenario(opts.scenario_path);
  if (!scenario) {
    std::cerr << "bgpwatch-netconf-sim: " << scenario.error() << "\n";
    return 2;
  }
  const auto it = scenario->routers.find(opts.router);
  if (it == scenario->routers.end()) {
    std::cerr << "bgpwatch-netconf-sim: no router '" << opts.router << "' in " << opts.scenario_path << "\n";
    return 2;
  }
  const RouterSpec& router = it->second;
  const double process_start = unix_now();
  const double start = opts.start_unix ? *opts.start_unix
                                       : (scenario->start_unix ? static_cast<double>(*scenario->start_unix)
                                                               : process_start);
  ServerOptions server;
  server.router_name = router.name;
  server.framing = opts.framing.value_or(router.framing);
  server.release = router.release;
  server.session_id = static_cast<std::uint32_t>(::getpid());
  server.faults = router.faults;
  const std::optional<double> frozen = opts.now_unix;
  server.clock = [start, frozen] { return (frozen ? *frozen : unix_now()) - start; };

  // The control file: --control, else the scenario's "control" (relative to the scenario file).
  std::string control = opts.control_path;
  if (control.empty() && !scenario->control_path.empty()) {
    control = scenario->control_path;
    const auto slash = opts.scenario_path.rfind('/');
    if (control.front() != '/' && slash != std::string::npos) {
      control = opts.scenario_path.substr(0, slash + 1) + control;
    }
  }
  std::unique_ptr<ReplySource> source;
  if (control.empty()) {
    source = std::make_unique<ScenarioReplySource>(router);
  } else {
    source = std::make_unique<ControlledReplySource>(router, control, start);
  }
  if (opts.print) {
    std::optional<bgp::Address> only;
    if (opts.neighbor) {
      only = bgp::Address::parse(*opts.neighbor);
    }
    auto body = opts.print_neighbors ? source->bgp_neighbors(server.clock(), only) : source->bgp_summary(server.clock());
    if (!body) {
      std::cerr << "bgpwatch-netconf-sim: " << body.error() << "\n";
      return 1;
    }
    std::cout << rpc_reply("1", router.release, *body);
    return 0;
  }
  return serve(STDIN_FILENO, STDOUT_FILENO, *source, server);
}
