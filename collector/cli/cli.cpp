// collector/cli/cli.cpp: the dispatcher. A table of subcommands (bgpctl
// parser.c style): exact name or unique prefix; unknown or ambiguous names
// list what is valid. Global options go before or after the command
// (kubectl style), up to a "--" (after it everything belongs to gate's CMD
// or is a file name of parse). nrpe is the exception: it is a Monitoring
// Plugin with its own option set (-c is --critical, -v its verbosity), so
// only options before "nrpe" are global.
#include "collector/base/barrier.hpp"
#include "collector/base/exit_code.hpp"
#include "collector/base/logging.hpp"
#include "collector/base/terminal.hpp"
#include "collector/cli/build_info.hpp"
#include "collector/cli/commands.hpp"
#include "collector/cli/completion.hpp"
#include "collector/config/config.hpp"

#include <array>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

namespace bgpwatch::collector {

namespace {

using Handler = int (*)(const GlobalOptions&, const CommandArgs&);

struct Command
{
  std::string_view name;
  std::string_view args; // shown after the name in the command list
  Handler handler;
  std::string_view summary;
};

int cmd_help(const GlobalOptions& global, const CommandArgs& args);
int cmd_version(const GlobalOptions& global, const CommandArgs& args);
int cmd_completion(const GlobalOptions& global, const CommandArgs& args);

constexpr std::array<Command, 14> k_commands{{
  {"parse", "FILE...", cmd_parse, "parse saved Junos XML/text, BIRD output or a pcap (offline)"},
  {"summary", "", cmd_summary, "every router's sessions, each with its node"},
  {"status", "--node N", cmd_status, "a node's expected sessions, their states and the verdict"},
  {"wait-established", "--node N", cmd_wait_established, "poll until the node is ready or the deadline passes"},
  {"check", "--node N", cmd_check, "one poll: is the node ready now? (exit 0/1/3)"},
  {"gate", "--node N -- CMD", cmd_gate, "wait, then run CMD only if the node is ready"},
  {"roll", "--site S -- CMD", cmd_roll, "run CMD on a site's nodes one at a time, each only while the rest is ready"},
  {"nrpe", "--node N", cmd_nrpe, "Icinga/Nagios plugin (also as check_bgpwatch)"},
  {"collect", "", cmd_collect, "daemon: poll all routers, serve metrics and JSON"},
  {"sniff", "", cmd_sniff, "decode BGP on the wire (libpcap)"},
  {"bird", "", cmd_bird, "the node's own view from BIRD control sockets"},
  {"help", "[COMMAND]", cmd_help, "this list, or a command's help"},
  {"version", "", cmd_version, "version, git commit and build options"},
  {"completion", "bash|zsh", cmd_completion, "shell completion script (commands, flags, node names)"},
}};

struct GlobalFlag
{
  std::string_view long_name;
  std::string_view short_name;
  std::string_view arg;
  std::string_view help;
};

constexpr std::array<GlobalFlag, 7> k_global_flags{{
  {"--config", "-c", "FILE", "configuration (default $BGPWATCH_CONFIG, /etc/bgpwatch/config.yaml)"},
  {"--format", "-o", "text|json", "output format (default text)"},
  {"--color", "", "auto|always|never", "colour verdicts on a terminal (auto: not with NO_COLOR, TERM=dumb)"},
  {"--verbose", "-v", "", "more log output on stderr (repeatable)"},
  {"--quiet", "-q", "", "less log output on stderr"},
  {"--help", "-h", "", "this help; 'bgpwatch help COMMAND' for a command's"},
  {"--version", "-V", "", "version, git commit and build options"},
}};

void print_usage(std::ostream& out)
{
  out << "usage: bgpwatch [global options] COMMAND [ARGS...]\n\ncommands:\n";
  std::size_t width = 0;
  for (const auto& c : k_commands) {
    width = std::max(width, c.name.size() + (c.args.empty() ? 0 : c.args.size() + 1));
  }
  for (const auto& c : k_commands) {
    std::string left(c.name);
    if (!c.args.empty()) {
      left += " " + std::string(c.args);
    }
    out << "  " << left << std::string(width - left.size() + 2, ' ') << c.summary << '\n';
  }
  out << "\nglobal options (before or after the command; -c only before it):\n";
  width = 0;
  auto left_of = [](const GlobalFlag& f) {
    std::string left = (f.short_name.empty() ? "    " : std::string(f.short_name) + ", ") + std::string(f.long_name);
    return f.arg.empty() ? left : left + " " + std::string(f.arg);
  };
  for (const auto& f : k_global_flags) {
    width = std::max(width, left_of(f).size());
  }
  for (const auto& f : k_global_flags) {
    const auto left = left_of(f);
    out << "  " << left << std::string(width - left.size() + 2, ' ') << f.help << '\n';
  }
  out << "\nDurations are Go-style: 90s, 1.5m, 1h30m, 500ms (plain numbers are seconds).\n"
         "'bgpwatch help COMMAND' or 'bgpwatch COMMAND --help' describes a command; man bgpwatch.\n";
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

enum class Take { no, yes, error };

// One global flag at args[i] (advancing i past its value), or Take::no.
// `before_command` allows -c (after the command it is nrpe's --critical).
Take take_global(const CommandArgs& args, std::size_t& i, GlobalOptions& global, bool before_command,
                 std::string& error)
{
  const std::string& a = args[i];
  auto value_of = [&](std::string_view long_name, std::string_view short_name, std::string& value) {
    if (a == long_name || (!short_name.empty() && a == short_name)) {
      if (i + 1 >= args.size()) {
        error = std::string(a) + " needs a value";
        return Take::error;
      }
      value = args[++i];
      return Take::yes;
    }
    const std::string prefix = std::string(long_name) + "=";
    if (a.starts_with(prefix)) {
      value = a.substr(prefix.size());
      return Take::yes;
    }
    // -ojson, like kubectl.
    if (!short_name.empty() && a.size() > 2 && a.starts_with(short_name) && short_name == "-o") {
      value = a.substr(2);
      return Take::yes;
    }
    return Take::no;
  };
  std::string value;
  Take t = value_of("--config", before_command ? "-c" : "", value);
  if (t == Take::yes) {
    global.config_path = value;
    return t;
  }
  if (t == Take::error) {
    return t;
  }
  t = value_of("--format", "-o", value);
  if (t == Take::yes) {
    if (value == "text") {
      global.format = OutputFormat::text;
    } else if (value == "json") {
      global.format = OutputFormat::json;
    } else {
      error = "--format: unknown format '" + value + "' (text or json)";
      return Take::error;
    }
    return t;
  }
  if (t == Take::error) {
    return t;
  }
  t = value_of("--color", "", value);
  if (t == Take::yes) {
    auto mode = parse_color_mode(value);
    if (!mode) {
      error = "--color: " + mode.error();
      return Take::error;
    }
    global.color = *mode;
    return t;
  }
  if (t == Take::error) {
    return t;
  }
  if (a == "-v" || a == "--verbose") {
    ++global.verbosity;
    return Take::yes;
  }
  if (a == "-q" || a == "--quiet") {
    --global.verbosity;
    return Take::yes;
  }
  return Take::no;
}

std::string version_text()
{
  const auto& b = build_info();
  return "bgpwatch " + std::string(b.version) + " (commit " + std::string(b.commit) + "; " + std::string(b.options)
         + ")\n";
}

int cmd_version(const GlobalOptions& global, const CommandArgs& args)
{
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::cout << "usage: bgpwatch version [-o json]\n\nThe version, the git commit it was built from and the "
                   "build options.\n";
      return to_int(ExitCode::ok);
    }
    std::cerr << "bgpwatch version: unexpected argument '" << a << "'\n";
    return to_int(ExitCode::usage);
  }
  const auto& b = build_info();
  if (global.format == OutputFormat::json) {
    // Fixed ASCII strings from the build; nothing to escape beyond quotes.
    auto q = [](std::string_view s) {
      std::string out = "\"";
      for (const char c : s) {
        if (c == '"' || c == '\\') {
          out += '\\';
        }
        out += c;
      }
      return out + "\"";
    };
    std::cout << "{\"version\":" << q(b.version) << ",\"commit\":" << q(b.commit) << ",\"build\":" << q(b.options)
              << "}\n";
  } else {
    std::cout << version_text();
  }
  return to_int(ExitCode::ok);
}

int cmd_help(const GlobalOptions& global, const CommandArgs& args)
{
  if (args.empty()) {
    print_usage(std::cout);
    return to_int(ExitCode::ok);
  }
  if (args[0] == "-h" || args[0] == "--help") {
    std::cout << "usage: bgpwatch help [COMMAND]\n\nThe list of commands, or COMMAND's help (as 'bgpwatch "
                 "COMMAND --help').\n";
    return to_int(ExitCode::ok);
  }
  if (args.size() > 1) {
    std::cerr << "bgpwatch help: one COMMAND at most\n";
    return to_int(ExitCode::usage);
  }
  std::string error;
  const Command* c = find_command(args[0], error);
  if (c == nullptr) {
    std::cerr << "bgpwatch help: " << error << "\n";
    return to_int(ExitCode::usage);
  }
  GlobalOptions g = global;
  if (c->handler == cmd_nrpe) {
    g.program = "bgpwatch nrpe";
  }
  c->handler(g, {"--help"});
  return to_int(ExitCode::ok); // nrpe's help exits UNKNOWN as a plugin; asked for, it is a success
}

// What a command's --help prints, for the completion scripts (one source of
// truth for the flags: the help text the man page test also checks).
std::string help_text_of(const Command& c)
{
  std::ostringstream captured;
  auto* old = std::cout.rdbuf(captured.rdbuf());
  GlobalOptions g;
  g.program = c.handler == cmd_nrpe ? "bgpwatch nrpe" : "bgpwatch";
  c.handler(g, {"--help"});
  std::cout.rdbuf(old);
  return captured.str();
}

int cmd_completion(const GlobalOptions& global, const CommandArgs& args)
{
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
    std::cout << "usage: bgpwatch completion bash|zsh\n\n"
                 "Print a completion script: commands, their flags (read from each command's\n"
                 "--help), and after --node the node names of the static inventory of the\n"
                 "configuration (the --config on the line being completed). Load it with\n"
                 "  source <(bgpwatch completion bash)      # bash\n"
                 "  source <(bgpwatch completion zsh)       # zsh\n"
                 "or install it as /usr/share/bash-completion/completions/bgpwatch or\n"
                 "/usr/share/zsh/vendor-completions/_bgpwatch.\n";
    return to_int(ExitCode::ok);
  }
  // Hidden: the node names the scripts complete, from the static inventory.
  if (args.size() == 1 && args[0] == "__nodes") {
    auto config = load_config_file(resolve_config_path(global.config_path));
    if (!config) {
      return to_int(ExitCode::usage); // no completion, no noise
    }
    for (const auto& n : config->inventory.static_nodes) {
      std::cout << n.name << '\n';
      const auto dot = n.name.find('.');
      if (dot != std::string::npos) {
        std::cout << n.name.substr(0, dot) << '\n';
      }
    }
    return to_int(ExitCode::ok);
  }
  if (args.size() != 1 || (args[0] != "bash" && args[0] != "zsh")) {
    std::cerr << "bgpwatch completion: expected one shell, bash or zsh\n";
    return to_int(ExitCode::usage);
  }
  CompletionModel model;
  for (const auto& f : k_global_flags) {
    model.global_flags.emplace_back(f.long_name);
    if (!f.short_name.empty()) {
      model.global_flags.emplace_back(f.short_name);
    }
  }
  for (const auto& c : k_commands) {
    CompletionCommand cc;
    cc.name = std::string(c.name);
    if (c.handler != cmd_help && c.handler != cmd_version && c.handler != cmd_completion) {
      cc.flags = flags_in_help(help_text_of(c));
    }
    model.commands.push_back(std::move(cc));
  }
  std::cout << (args[0] == "bash" ? bash_completion(model) : zsh_completion(model));
  return to_int(ExitCode::ok);
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
    set_barrier_output(BarrierOutput::plugin_line);
    init_logging(LogMode::plugin, 0);
    return cmd_nrpe(global, rest);
  }

  std::string error;
  std::size_t i = 0;
  for (; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    const Take t = take_global(rest, i, global, true, error);
    if (t == Take::error) {
      std::cerr << "bgpwatch: " << error << "\n";
      return to_int(ExitCode::usage);
    }
    if (t == Take::yes) {
      continue;
    }
    if (a == "-h" || a == "--help") {
      print_usage(std::cout);
      return to_int(ExitCode::ok);
    }
    if (a == "-V" || a == "--version") {
      return cmd_version(global, {});
    }
    if (a.starts_with("-")) {
      std::cerr << "bgpwatch: unknown option '" << a << "'\n";
      print_usage(std::cerr);
      return to_int(ExitCode::usage);
    }
    break;
  }
  if (i >= rest.size()) {
    std::cerr << "bgpwatch: no command given\n";
    print_usage(std::cerr);
    return to_int(ExitCode::usage);
  }
  const Command* command = find_command(rest[i], error);
  if (command == nullptr) {
    std::cerr << "bgpwatch: " << error << "\n";
    print_usage(std::cerr);
    return to_int(ExitCode::usage);
  }
  // The command's own arguments, with the global flags after it taken out.
  CommandArgs args;
  const bool plugin = command->handler == cmd_nrpe;
  for (std::size_t j = i + 1; j < rest.size(); ++j) {
    if (rest[j] == "--" || plugin) {
      args.insert(args.end(), rest.begin() + static_cast<std::ptrdiff_t>(j), rest.end());
      break;
    }
    const Take t = take_global(rest, j, global, false, error);
    if (t == Take::error) {
      std::cerr << "bgpwatch " << command->name << ": " << error << "\n";
      return to_int(ExitCode::usage);
    }
    if (t == Take::no) {
      args.push_back(rest[j]);
    }
  }
  if (plugin) {
    global.program = "bgpwatch nrpe";
    set_barrier_output(BarrierOutput::plugin_line);
  }
  init_logging(plugin ? LogMode::plugin : LogMode::normal, global.verbosity);
  try {
    return command->handler(global, args);
  } catch (...) {
    // The barrier at the top of every command (main has the last one).
    internal_error_exit(command->name, current_exception_text(), true);
  }
}

} // namespace bgpwatch::collector
