// collector/cli/cli.cpp: the dispatcher. A table of subcommands (bgpctl
// parser.c style): exact name or unique prefix; unknown or ambiguous names
// list what is valid. Global options come before the command.
#include "collector/cli/commands.hpp"
#include "collector/base/exit_code.hpp"
#include "collector/base/logging.hpp"

#include <array>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

namespace bgpwatch::collector {

namespace {

using Handler = int (*)(const GlobalOptions&, const CommandArgs&);

struct Command
{
  std::string_view name;
  Handler handler;
  std::string_view summary;
};

constexpr std::array<Command, 11> k_commands{{
  {"parse", cmd_parse, "parse saved Junos XML/text, BIRD output or a pcap (offline)"},
  {"summary", cmd_summary, "every router's sessions, each with its node"},
  {"status", cmd_status, "a node's expected sessions, their states and the verdict"},
  {"wait-established", cmd_wait_established, "poll until the node is ready or the deadline passes"},
  {"check", cmd_check, "one poll: is the node ready now? (exit 0/1/3)"},
  {"gate", cmd_gate, "wait, then run CMD only if the node is ready"},
  {"roll", cmd_roll, "run CMD on a site's nodes one at a time, each only while the rest is ready"},
  {"nrpe", cmd_nrpe, "Icinga/Nagios plugin (also as check_bgpwatch)"},
  {"collect", cmd_collect, "daemon: poll all routers, serve metrics and JSON"},
  {"sniff", cmd_sniff, "decode BGP on the wire (libpcap)"},
  {"bird", cmd_bird, "the node's own view from BIRD control sockets"},
}};

void print_usage(std::ostream& out, std::string_view program)
{
  out << "usage: " << program << " [--config F] [--format text|json] [--color auto|always|never] [-v|-q] COMMAND [ARGS...]\n\n"
      << "commands:\n";
  for (const auto& c : k_commands) {
    out << "  ";
    out << c.name;
    for (std::size_t i = c.name.size(); i < 18; ++i) {
      out << ' ';
    }
    out << c.summary << '\n';
  }
  out << "\n'" << program << " COMMAND --help' describes a command's options.\n";
}

const Command* find_command(std::string_view name, std::string& error)
{
  const Command* match = nullptr;
  std::size_t matches = 0;
  std::string candidates;
  for (const auto& c : k_commands) {
    if (c.name == name) {
      return &c;
    }
    if (c.name.starts_with(name)) {
      candidates += (candidates.empty() ? "" : ", ") + std::string(c.name);
      match = &c;
      ++matches;
    }
  }
  if (matches == 1) {
    return match;
  }
  error = (matches == 0 ? "unknown command '" : "ambiguous command '") + std::string(name) + "'";
  if (matches > 1) {
    error += ": " + candidates;
  }
  return nullptr;
}

std::string_view basename(std::string_view path)
{
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

} // namespace

int run_cli(int argc, char** argv)
{
  GlobalOptions global;
  const std::string_view invoked = argc > 0 ? basename(argv[0]) : "bgpwatch";
  CommandArgs rest;
  for (int i = 1; i < argc; ++i) {
    rest.emplace_back(argv[i]);
  }

  // Installed as check_bgpwatch (a symlink): plugin mode, all args are nrpe's.
  if (invoked == "check_bgpwatch") {
    global.program = "check_bgpwatch";
    init_logging(LogMode::plugin, 0);
    return cmd_nrpe(global, rest);
  }

  std::size_t i = 0;
  for (; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    if (a == "--config" || a == "-c") {
      if (i + 1 >= rest.size()) {
        std::cerr << "bgpwatch: " << a << " needs a file name\n";
        return to_int(ExitCode::usage);
      }
      global.config_path = rest[++i];
    } else if (a.starts_with("--config=")) {
      global.config_path = a.substr(9);
    } else if (a == "--format" || a.starts_with("--format=")) {
      std::string value;
      if (a == "--format") {
        if (i + 1 >= rest.size()) {
          std::cerr << "bgpwatch: --format needs text or json\n";
          return to_int(ExitCode::usage);
        }
        value = rest[++i];
      } else {
        value = a.substr(9);
      }
      if (value == "text") {
        global.format = OutputFormat::text;
      } else if (value == "json") {
        global.format = OutputFormat::json;
      } else {
        std::cerr << "bgpwatch: --format: unknown format '" << value << "' (text or json)\n";
        return to_int(ExitCode::usage);
      }
    } else if (a == "--color" || a.starts_with("--color=")) {
      std::string value;
      if (a == "--color") {
        if (i + 1 >= rest.size()) {
          std::cerr << "bgpwatch: --color needs auto, always or never\n";
          return to_int(ExitCode::usage);
        }
        value = rest[++i];
      } else {
        value = a.substr(8);
      }
      auto mode = parse_color_mode(value);
      if (!mode) {
        std::cerr << "bgpwatch: --color: " << mode.error() << "\n";
        return to_int(ExitCode::usage);
      }
      global.color = *mode;
    } else if (a == "-v" || a == "--verbose") {
      ++global.verbosity;
    } else if (a == "-q" || a == "--quiet") {
      --global.verbosity;
    } else if (a == "-h" || a == "--help") {
      print_usage(std::cout, "bgpwatch");
      return to_int(ExitCode::ok);
    } else if (a == "-V" || a == "--version") {
      std::cout << "bgpwatch " << BGPWATCH_VERSION << '\n';
      return to_int(ExitCode::ok);
    } else if (a.starts_with("-")) {
      std::cerr << "bgpwatch: unknown option '" << a << "'\n";
      print_usage(std::cerr, "bgpwatch");
      return to_int(ExitCode::usage);
    } else {
      break;
    }
  }
  if (i >= rest.size()) {
    std::cerr << "bgpwatch: no command given\n";
    print_usage(std::cerr, "bgpwatch");
    return to_int(ExitCode::usage);
  }
  std::string error;
  const Command* command = find_command(rest[i], error);
  if (command == nullptr) {
    std::cerr << "bgpwatch: " << error << "\n";
    print_usage(std::cerr, "bgpwatch");
    return to_int(ExitCode::usage);
  }
  const CommandArgs args(rest.begin() + static_cast<std::ptrdiff_t>(i) + 1, rest.end());
  init_logging(command->handler == cmd_nrpe ? LogMode::plugin : LogMode::normal, global.verbosity);
  return command->handler(global, args);
}

} // namespace bgpwatch::collector
