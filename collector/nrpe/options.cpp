// collector/nrpe/options.cpp: see nrpe_options.hpp.
#include "collector/nrpe/options.hpp"

#include "bgp/duration.hpp"

#include <charconv>

namespace bgpwatch::collector {

namespace {

// "--opt=value" or "--opt value" / "-x value" / "-xvalue".
struct ArgCursor
{
  const CommandArgs& args;
  std::size_t i = 0;

  // If args[i] is `name` (long or short form), put its value in `out`,
  // advance past it and return true. Missing values are an error.
  Expected<bool, std::string> take(std::string_view long_name, std::string_view short_name, std::string& out)
  {
    const std::string& a = args[i];
    if (a == long_name || (!short_name.empty() && a == short_name)) {
      if (i + 1 >= args.size()) {
        return Unexpected(std::string(a) + " needs a value");
      }
      out = args[++i];
      return true;
    }
    if (a.size() > long_name.size() && a.starts_with(long_name) && a[long_name.size()] == '=') {
      out = a.substr(long_name.size() + 1);
      return true;
    }
    // "-w1:5" style, as getopt allows for short options.
    if (!short_name.empty() && a.size() > short_name.size() && a.starts_with(short_name) && !a.starts_with("--")) {
      out = a.substr(short_name.size());
      return true;
    }
    return false;
  }
};

Expected<std::chrono::seconds, std::string> whole_seconds(std::string_view option, std::string_view value)
{
  auto d = bgp::parse_duration(value);
  if (!d) {
    return Unexpected(std::string(option) + ": " + d.error());
  }
  if (d->count() % 1000 != 0) {
    return Unexpected(std::string(option) + ": '" + std::string(value) + "' is not a whole number of seconds");
  }
  return std::chrono::duration_cast<std::chrono::seconds>(*d);
}

using Applied = Expected<void, std::string>;

// The options that take a value, bgpctl-style: one row each.
struct ValueOption
{
  std::string_view long_name;
  std::string_view short_name;
  Applied (*apply)(NrpeOptions&, const std::string&);
};

const ValueOption k_value_options[] = {
  {"--node", "-n",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     if (v.empty()) {
       return Unexpected(std::string("--node needs a node name"));
     }
     o.node = v;
     return {};
   }},
  {"--site", "-s",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     if (v.empty()) {
       return Unexpected(std::string("--site needs a site name"));
     }
     o.site = v;
     return {};
   }},
  {"--warning", "-w",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     auto r = bgp::parse_range(v);
     if (!r) {
       return Unexpected("-w/--warning: " + r.error());
     }
     o.warning = *r;
     return {};
   }},
  {"--critical", "-c",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     auto r = bgp::parse_range(v);
     if (!r) {
       return Unexpected("-c/--critical: " + r.error());
     }
     o.critical = *r;
     return {};
   }},
  {"--timeout", "-t",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     auto d = bgp::parse_duration(v);
     if (!d) {
       return Unexpected("-t/--timeout: " + d.error());
     }
     if (d->count() <= 0) {
       return Unexpected(std::string("-t/--timeout: must be more than 0"));
     }
     o.timeout = *d;
     return {};
   }},
  {"--warn-uptime", "",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     auto s = whole_seconds("--warn-uptime", v);
     if (!s) {
       return Unexpected(s.error());
     }
     o.warn_uptime = *s;
     return {};
   }},
  {"--min-uptime", "",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     auto s = whole_seconds("--min-uptime", v);
     if (!s) {
       return Unexpected(s.error());
     }
     o.min_uptime = *s;
     return {};
   }},
  {"--critical-budget", "",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     auto s = whole_seconds("--critical-budget", v);
     if (!s) {
       return Unexpected(s.error());
     }
     o.critical_budget = *s;
     return {};
   }},
  {"--family", "",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     if (v != "ipv4" && v != "ipv6" && v != "both") {
       return Unexpected("--family: '" + v + "' is not ipv4, ipv6 or both");
     }
     o.family = v;
     return {};
   }},
  {"--config", "",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     o.config_path = v;
     return {};
   }},
  {"--replay", "",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     const auto eq = v.find('=');
     if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
       return Unexpected("--replay: '" + v + "' is not ROUTER=FILE");
     }
     o.replay.emplace_back(v.substr(0, eq), v.substr(eq + 1));
     return {};
   }},
  {"--now", "",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     o.now = v;
     return {};
   }},
  {"--collector", "",
   [](NrpeOptions& o, const std::string& v) -> Applied {
     o.collector = v;
     return {};
   }},
};

} // namespace

Expected<NrpeOptions, std::string> parse_nrpe_options(const CommandArgs& args)
{
  NrpeOptions o;
  ArgCursor cur{args};
  for (; cur.i < args.size(); ++cur.i) {
    const std::string& a = args[cur.i];
    std::string v;
    if (a == "-h" || a == "--help") {
      o.action = NrpeAction::help;
      return o;
    }
    if (a == "-V" || a == "--version") {
      o.action = NrpeAction::version;
      return o;
    }
    if (a == "-v" || a == "--verbose") {
      ++o.verbosity;
      continue;
    }
    if (a == "-vv" || a == "-vvv") {
      o.verbosity += static_cast<int>(a.size()) - 1;
      continue;
    }
    if (a == "--long") {
      o.long_output = true;
      continue;
    }
    bool matched = false;
    for (const auto& opt : k_value_options) {
      auto taken = cur.take(opt.long_name, opt.short_name, v);
      if (!taken) {
        return Unexpected(taken.error());
      }
      if (*taken) {
        auto applied = opt.apply(o, v);
        if (!applied) {
          return Unexpected(applied.error());
        }
        matched = true;
        break;
      }
    }
    if (matched) {
      continue;
    }
    if (a.starts_with("-")) {
      return Unexpected("unknown option '" + a + "'");
    }
    return Unexpected("unexpected argument '" + a + "'");
  }
  if (o.node && o.site) {
    return Unexpected(std::string("--node and --site are mutually exclusive"));
  }
  if (!o.node && !o.site) {
    return Unexpected(std::string("one of --node N or --site S is required"));
  }
  if (o.now && o.replay.empty()) {
    return Unexpected(std::string("--now only makes sense with --replay"));
  }
  if (o.collector && !o.replay.empty()) {
    return Unexpected(std::string("--collector and --replay are mutually exclusive"));
  }
  return o;
}

std::string nrpe_usage(std::string_view program)
{
  return "Usage: " + std::string(program)
         + " (--node N | --site S) [-w RANGE] [-c RANGE] [--warn-uptime D] [--min-uptime D]\n"
           "       [--critical-budget D] [--family ipv4|ipv6|both] [-t SECONDS] [--long] [--config FILE] [--collector URL]\n"
           "       [--replay ROUTER=FILE]... [--now T] [-v] [-h] [-V]\n";
}

std::string nrpe_help(std::string_view program)
{
  return std::string(program) + " " BGPWATCH_VERSION
         " - BGP sessions of Kubernetes nodes, as the routers see them\n\n"
         + nrpe_usage(program)
         + "\n"
           "Options:\n"
           " -n, --node N         check node N (short name or FQDN)\n"
           " -s, --site S         check every node of site S (cordoned nodes are skipped)\n"
           " -w, --warning RANGE  WARNING when the number of expected sessions not ready is\n"
           "                      outside RANGE ([@]start:end, Monitoring Plugins syntax)\n"
           " -c, --critical RANGE CRITICAL likewise (default 0: any session not ready)\n"
           "                      A down session whose routes the router keeps stale\n"
           "                      (graceful restart) is not counted: it is a WARNING\n"
           "                      (\"routes kept for N s more on ROUTER\")\n"
           "     --critical-budget D  CRITICAL when such routes go in less than D\n"
           "                      (default 30s; 0: never)\n"
           "     --warn-uptime D  WARNING when an Established session is younger than D\n"
           "     --min-uptime D   a session younger than D is not ready\n"
           "     --family F       ipv4, ipv6 or both (default both)\n"
           " -t, --timeout S      give up after S seconds (default 10): UNKNOWN\n"
           "     --long           do not cap the output at 1024 bytes (NRPE v2)\n"
           "     --config FILE    configuration (default $BGPWATCH_CONFIG, /etc/bgpwatch/config.yaml)\n"
           "     --collector URL  read state from a running 'bgpwatch collect'\n"
           "     --replay R=FILE  take router R's state from a saved reply (offline)\n"
           "     --now T          judge uptimes at T (RFC 3339 or @UNIX; with --replay)\n"
           " -v, --verbose        log to stderr\n"
           " -h, --help           this help\n"
           " -V, --version        version\n\n"
           "Exit: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for bad arguments and timeouts).\n";
}

} // namespace bgpwatch::collector
