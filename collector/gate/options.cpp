// collector/gate/options.cpp: parsing of SPEC "Gate options" and of the
// command lines of status/check/wait-established/gate. A table of options
// (name, takes a value, handler) keeps the usage text and the parser in step.
#include "collector/gate/options.hpp"

#include "bgp/duration.hpp"
#include "bgp/instant.hpp"
#include "bgp/timeparse.hpp"

#include <algorithm>
#include <functional>

namespace bgpwatch::collector {

namespace {

using Setter = std::function<Expected<void, std::string>(GateCliOptions&, const std::string&)>;

struct OptionSpec
{
  std::string_view name;
  bool takes_value;
  std::string_view arg; // the value's placeholder in the usage ("D", "T"), empty for a switch
  std::string_view help;
  Setter set;
};

Expected<void, std::string> fail(std::string message)
{
  return Unexpected(std::move(message));
}

Expected<std::chrono::milliseconds, std::string> duration_value(std::string_view option, const std::string& v)
{
  auto d = bgp::parse_duration(v);
  if (!d) {
    return Unexpected(std::string(option) + ": " + d.error());
  }
  return *d;
}

const std::vector<OptionSpec>& option_table()
{
  static const std::vector<OptionSpec> k_table = {
    {"--timeout", true, "D", "give up after D (default 10m)",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       auto d = duration_value("--timeout", v);
       if (!d) {
         return fail(d.error());
       }
       if (d->count() <= 0) {
         return fail("--timeout: must be more than 0 (got '" + v + "')");
       }
       o.timeout = *d;
       return {};
     }},
    {"--interval", true, "D", "poll every D (default 5s, with +-5 % jitter)",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       auto d = duration_value("--interval", v);
       if (!d) {
         return fail(d.error());
       }
       if (*d < k_min_interval) {
         return fail("--interval: '" + v + "' is below the minimum of "
                     + bgp::format_duration(k_min_interval));
       }
       o.interval = *d;
       return {};
     }},
    {"--since", true, "T",
     "count a session only if it came up after T: RFC 3339, @UNIX, -DURATION, none, or auto (when "
     "calico-node last started; the default of wait-established and gate)",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       if (v == k_since_auto || v == k_since_none) {
         o.since = v;
         return {};
       }
       // Syntax only here; the reference instant is known later (the
       // latest one the clock holds, so any "-D" that can fit passes here).
       auto t = bgp::parse_since(v, bgp::latest_instant());
       if (!t) {
         return fail("--since: " + t.error());
       }
       o.since = v;
       return {};
     }},
    {"--min-uptime", true, "D", "a session must have been up for D (default 0)",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       auto d = duration_value("--min-uptime", v);
       if (!d) {
         return fail(d.error());
       }
       o.min_uptime = *d;
       return {};
     }},
    {"--require-prefixes", false, "", "a session must have at least one accepted prefix",
     [](GateCliOptions& o, const std::string&) -> Expected<void, std::string> {
       o.require_prefixes = true;
       return {};
     }},
    {"--require", true, "R",
     "routes or established: routes (the default of check, wait-established and gate when the routers are "
     "asked live or through --collector) also needs End-of-RIB where graceful restart is negotiated (else an accepted prefix), no "
     "RIB restarting, and stops at once on a terminal state",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       auto r = bgp::parse_require(v);
       if (!r) {
         return fail(r.error());
       }
       o.require = *r;
       return {};
     }},
    {"--family", true, "F", "ipv4, ipv6 or both (default both)",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       if (v != "ipv4" && v != "ipv6" && v != "both") {
         return fail("--family: unknown family '" + v + "' (ipv4, ipv6 or both)");
       }
       o.family = v;
       return {};
     }},
    {"--source", true, "S", "router, bird, wire or router,bird (default router)",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       if (v == "router") {
         o.source = SourceKind::router;
       } else if (v == "bird") {
         o.source = SourceKind::bird;
       } else if (v == "wire") {
         o.source = SourceKind::wire;
       } else if (v == "router,bird" || v == "bird,router") {
         o.source = SourceKind::router_bird;
       } else {
         return fail("--source: unknown source '" + v + "' (router, bird, wire or router,bird)");
       }
       return {};
     }},
    {"--bird-socket", true, "PATH", "BIRD control socket (repeatable; default Calico's bird.ctl, bird6.ctl)",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       if (v.empty()) {
         return fail("--bird-socket: empty path");
       }
       o.bird_sockets.push_back(v);
       return {};
     }},
    {"--interface", true, "IF", "capture BGP on IF (with --source wire)",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       if (v.empty()) {
         return fail("--interface: empty interface name");
       }
       o.interface = v;
       return {};
     }},
    {"--collector", true, "URL", "read state from a running bgpwatch collect",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       if (!v.starts_with("http://") && !v.starts_with("https://")) {
         return fail("--collector: '" + v + "' is not an http:// or https:// URL");
       }
       o.collector_url = v;
       return {};
     }},
    {"--replay", true, "R=FILE", "take router R's state from a saved reply (repeatable)",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       const auto eq = v.find('=');
       if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
         return fail("--replay: expected ROUTER=FILE, got '" + v + "'");
       }
       ReplaySpec spec{v.substr(0, eq), v.substr(eq + 1)};
       for (const auto& r : o.replays) {
         if (r.router == spec.router && !r.neighbors) {
           return fail("--replay: router '" + spec.router + "' given twice");
         }
       }
       o.replays.push_back(std::move(spec));
       return {};
     }},
    {"--replay-neighbors", true, "R=FILE",
     "with --replay: router R's neighbor detail (get-bgp-neighbor-information reply or show bgp neighbor "
     "text), folded into its summary",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       const auto eq = v.find('=');
       if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
         return fail("--replay-neighbors: expected ROUTER=FILE, got '" + v + "'");
       }
       o.replays.push_back(ReplaySpec{v.substr(0, eq), v.substr(eq + 1), true});
       return {};
     }},
    {"--now", true, "T", "judge uptimes and --since as if it were T (with --replay)",
     [](GateCliOptions& o, const std::string& v) -> Expected<void, std::string> {
       auto t = bgp::parse_instant(v);
       if (!t) {
         return fail("--now: " + t.error());
       }
       o.now = *t;
       return {};
     }},
  };
  return k_table;
}

} // namespace

std::string_view to_string(SourceKind kind) noexcept
{
  switch (kind) {
  case SourceKind::router:
    return "router";
  case SourceKind::bird:
    return "bird";
  case SourceKind::wire:
    return "wire";
  case SourceKind::router_bird:
    return "router,bird";
  }
  return "router";
}

std::string_view to_string(GateCommand command) noexcept
{
  switch (command) {
  case GateCommand::status:
    return "status";
  case GateCommand::check:
    return "check";
  case GateCommand::wait_established:
    return "wait-established";
  case GateCommand::gate:
    return "gate";
  }
  return "check";
}

Expected<bool, std::string> parse_gate_option(const CommandArgs& args, std::size_t& i, GateCliOptions& out)
{
  const std::string& arg = args.at(i);
  if (!arg.starts_with("--")) {
    return false;
  }
  const auto eq = arg.find('=');
  const std::string name = arg.substr(0, eq);
  const auto& table = option_table();
  const auto spec = std::find_if(table.begin(), table.end(), [&](const OptionSpec& s) { return s.name == name; });
  if (spec == table.end()) {
    return false;
  }
  std::string value;
  if (spec->takes_value) {
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Unexpected(name + " needs a value");
    }
  } else if (eq != std::string::npos) {
    return Unexpected(name + " takes no value");
  }
  auto r = spec->set(out, value);
  if (!r) {
    return Unexpected(r.error());
  }
  ++i;
  return true;
}

Expected<GateCommandLine, std::string> parse_gate_command_line(GateCommand command, const CommandArgs& args)
{
  GateCommandLine line;
  std::size_t i = 0;
  while (i < args.size()) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      line.help = true;
      return line;
    }
    if (a == "--") {
      if (command != GateCommand::gate) {
        return Unexpected(std::string("unexpected '--' (only gate runs a command)"));
      }
      line.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (a == "--node" || a.starts_with("--node=")) {
      if (a == "--node") {
        if (i + 1 >= args.size()) {
          return Unexpected(std::string("--node needs a node name"));
        }
        line.node = args[i + 1];
        i += 2;
      } else {
        line.node = a.substr(7);
        ++i;
      }
      if (line.node->empty()) {
        return Unexpected(std::string("--node: empty node name"));
      }
      continue;
    }
    line.interval_given = line.interval_given || a == "--interval" || a.starts_with("--interval=");
    auto parsed = parse_gate_option(args, i, line.options);
    if (!parsed) {
      return Unexpected(parsed.error());
    }
    if (!*parsed) {
      if (a.starts_with("-")) {
        return Unexpected("unknown option '" + a + "'");
      }
      return Unexpected("unexpected argument '" + a + "'");
    }
  }

  // The bare wait must not pass on the sessions from before a restart
  // (issue 13): wait-established and gate default to --since auto.
  if (!line.options.since && (command == GateCommand::wait_established || command == GateCommand::gate)) {
    line.options.since = std::string(k_since_auto);
  }
  if (!line.options.require) {
    // SPEC: routes is the default of check, wait-established and gate when
    // the routers' neighbor detail is at hand: asked live (the gate asks it
    // per expected peer) or served by a collector (which fetches it for
    // every peer, issue 14). Sources that carry none (--replay, the node's
    // own bird/wire view) default to established: under routes they could
    // only ever say Unknown. status shows the sessions as they are.
    const auto& o = line.options;
    const bool router_view = (o.source == SourceKind::router || o.source == SourceKind::router_bird)
                             && o.replays.empty();
    line.options.require = command != GateCommand::status && router_view ? bgp::Require::routes
                                                                          : bgp::Require::established;
  }
  const auto& o = line.options;
  const bool one_poll = command == GateCommand::check || command == GateCommand::status;
  if (one_poll && o.timeout) {
    return Unexpected(std::string(to_string(command)) + " decides on one poll and takes no --timeout");
  }
  // One poll has no interval to keep; only the collector's data age (3
  // intervals) uses it, so an --interval that would do nothing is refused.
  if (one_poll && line.interval_given && !o.collector_url) {
    return Unexpected(std::string(to_string(command))
                      + " decides on one poll: --interval only applies with --collector (its poll interval)");
  }
  if (command == GateCommand::gate && line.command.empty()) {
    return Unexpected(std::string("gate needs a command to run: gate --node N [options] -- CMD [ARG...]"));
  }
  const bool node_side = o.source == SourceKind::bird || o.source == SourceKind::wire;
  if (!line.node && !node_side) {
    return Unexpected(std::string("--node is required (it is optional only with --source bird or wire)"));
  }
  if (!o.bird_sockets.empty() && o.source != SourceKind::bird && o.source != SourceKind::router_bird) {
    return Unexpected(std::string("--bird-socket needs --source bird or router,bird"));
  }
  if (o.interface && o.source != SourceKind::wire) {
    return Unexpected(std::string("--interface needs --source wire"));
  }
  if (o.source == SourceKind::wire && !o.interface) {
    return Unexpected(std::string("--source wire needs --interface IF"));
  }
  if (o.collector_url && !o.replays.empty()) {
    return Unexpected(std::string("--collector and --replay exclude each other"));
  }
  if ((o.collector_url || !o.replays.empty()) && node_side) {
    return Unexpected(std::string(o.collector_url ? "--collector" : "--replay") + " reads the routers' view: not with --source "
                      + std::string(to_string(o.source)));
  }
  // A fixed clock on live data could pass a gate that should not pass.
  if (o.now && o.replays.empty()) {
    return Unexpected(std::string("--now needs --replay (live data is judged against the real clock)"));
  }
  return line;
}

std::string gate_usage(GateCommand command)
{
  const bool one_poll = command == GateCommand::check || command == GateCommand::status;
  std::string out = "usage: bgpwatch " + std::string(to_string(command));
  switch (command) {
  case GateCommand::status:
    out += " --node N [options]\n\nThe node's expected sessions, their states and the verdict, from one poll.\n";
    break;
  case GateCommand::check:
    out += " --node N [options]\n\nOne poll: is the node ready now?\n";
    break;
  case GateCommand::wait_established:
    out += " --node N [options]\n\nPoll until the node is ready or the deadline passes; with --format json,\n"
           "JSON Lines (a poll event per poll, then the result).\n";
    break;
  case GateCommand::gate:
    out += " --node N [options] -- CMD [ARG...]\n\nWait; run CMD only if the node is ready, and exit with CMD's status.\n";
    break;
  }
  // One layout for every option: "  --name ARG" padded to a column.
  struct Row
  {
    std::string left, help;
  };
  std::vector<Row> rows{{"--node N", "the node (FQDN or first DNS label)"}};
  for (const auto& spec : option_table()) {
    if (one_poll && spec.name == "--timeout") {
      continue;
    }
    std::string left = std::string(spec.name) + (spec.arg.empty() ? "" : " " + std::string(spec.arg));
    std::string help(spec.help);
    if (one_poll && spec.name == "--interval") {
      help = "with --collector: its poll interval (data older than 3 is Unknown)";
    }
    rows.push_back({std::move(left), std::move(help)});
  }
  std::size_t width = 0;
  for (const auto& r : rows) {
    width = std::max(width, r.left.size());
  }
  out += "\noptions:\n";
  for (const auto& r : rows) {
    out += "  " + r.left + std::string(width - r.left.size() + 2, ' ') + r.help + "\n";
  }
  out += "\n";
  out += k_global_options_help;
  out += "exit codes: 0 ready, 1 not ready, 2 usage or configuration error, 3 unknown";
  out += command == GateCommand::gate ? "; after CMD ran: CMD's status (128+N if killed by signal N)\n" : "\n";
  return out;
}

Expected<bgp::GateOptions, std::string> resolve_gate_options(const GateCliOptions& options,
                                                             bgp::WallClock::time_point reference)
{
  bgp::GateOptions out;
  // auto is resolved by prepare_gate (it asks Kubernetes or BIRD); none: no --since.
  if (options.since && *options.since != k_since_auto && *options.since != k_since_none) {
    auto t = bgp::parse_since(*options.since, reference);
    if (!t) {
      return Unexpected("--since: " + t.error());
    }
    // A --since in the future can never be met: the wait would run to its
    // deadline for nothing. Most likely a typo (the year) or a wrong zone.
    const auto latest_ok = bgp::checked_add(reference, k_since_skew).value_or(bgp::latest_instant());
    if (*t > latest_ok) {
      return Unexpected("--since: " + bgp::format_rfc3339(*t) + " is in the future (now is "
                        + bgp::format_rfc3339(std::chrono::floor<std::chrono::seconds>(reference))
                        + "): no session can have come up after it yet");
    }
    out.since = *t;
  }
  out.min_uptime = std::chrono::duration_cast<std::chrono::seconds>(options.min_uptime);
  if (options.min_uptime.count() % 1000 != 0) {
    // Uptimes are whole seconds: round a fractional minimum up, never down.
    out.min_uptime += std::chrono::seconds(1);
  }
  out.require_prefixes = options.require_prefixes;
  out.require = options.require.value_or(bgp::Require::established);
  if (options.collector_url) {
    out.max_age = std::chrono::duration_cast<std::chrono::seconds>(3 * options.interval);
  }
  return out;
}

} // namespace bgpwatch::collector
