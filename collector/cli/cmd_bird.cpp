// collector/cli/cmd_bird.cpp: `bgpwatch bird [--socket PATH...] [--timeout D]`
// (SPEC "Commands"): the node-side view from BIRD's control sockets, as a
// text table or JSON. Runs on the node; needs no router credentials.
// Exit 0 ok, 2 usage, 3 some socket unreadable or its reply unparsable (the
// other sockets' sessions are still printed, like `summary`).
#include "bgp/duration.hpp"
#include "bgp/timeparse.hpp"
#include "collector/sources/bird_source.hpp"
#include "collector/cli/commands.hpp"
#include "collector/base/exit_code.hpp"
#include "collector/render/table.hpp"
#include "collector/render/session_json.hpp"
#include "collector/render/json_text.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace bgpwatch::collector {

namespace {

constexpr std::chrono::milliseconds k_default_timeout{5000};

void usage(std::ostream& out)
{
  out << "usage: bgpwatch bird [--socket PATH]... [--timeout D]\n"
         "\n"
         "The node's own view of its BGP sessions, read from BIRD's control sockets\n"
         "('show status' and 'show protocols all'); non-BGP protocols are left out.\n"
         "\n"
         "options:\n"
         "  --socket PATH  a BIRD control socket (repeatable); default Calico's\n"
         "                 "
      << k_default_bird_socket << " and " << k_default_bird6_socket
      << "\n"
         "                 (bird6.ctl may be absent when bird.ctl is BIRD 2)\n"
         "  --timeout D    for all sockets together (default 5s)\n"
         "\n"
      << k_global_options_help << "exit codes: 0 ok, 2 usage, 3 a socket could not be read or parsed\n";
}

std::string bird_time_text(const std::optional<bgp::BirdTime>& t)
{
  if (!t || !t->has_date() || !t->time_of_day) {
    return "";
  }
  char buf[64];
  const auto ms = t->time_of_day->count();
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u %02lld:%02lld:%02lld", *t->year, *t->month, *t->day,
                static_cast<long long>(ms / 3'600'000), static_cast<long long>(ms / 60'000 % 60),
                static_cast<long long>(ms / 1000 % 60));
  return buf;
}

nlohmann::json report_json(const BirdSocketReport& r)
{
  nlohmann::json j = {{"socket", r.socket}, {"ok", r.ok}, {"error", r.ok ? nlohmann::json(nullptr) : nlohmann::json(r.error)}};
  j["skipped"] = r.skipped;
  if (r.status) {
    j["version"] = r.status->version;
    j["router_id"] = r.status->router_id ? nlohmann::json(*r.status->router_id) : nlohmann::json(nullptr);
    j["server_time"] = r.status->server_time ? nlohmann::json(bird_time_text(r.status->server_time))
                                             : nlohmann::json(nullptr);
    j["daemon_state"] = r.status->daemon_state;
    j["graceful_restart_recovery"] = r.status->graceful_restart_recovery;
    j["graceful_restart_wait_timer"] = r.status->graceful_restart_wait_timer
                                         ? nlohmann::json(*r.status->graceful_restart_wait_timer)
                                         : nlohmann::json(nullptr);
    j["bgp_protocols"] = r.bgp_protocols;
  } else {
    j["version"] = nullptr;
  }
  return j;
}

} // namespace

int cmd_bird(const GlobalOptions& global, const CommandArgs& args)
{
  std::vector<std::string> sockets;
  std::chrono::milliseconds timeout = k_default_timeout;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string_view name) -> std::optional<std::string> {
      if (a.starts_with(std::string(name) + "=")) {
        return a.substr(name.size() + 1);
      }
      if (i + 1 >= args.size()) {
        return std::nullopt;
      }
      return args[++i];
    };
    if (a == "-h" || a == "--help") {
      usage(std::cout);
      return to_int(ExitCode::ok);
    }
    if (a == "--socket" || a.starts_with("--socket=")) {
      auto v = value("--socket");
      if (!v || v->empty()) {
        std::cerr << "bgpwatch bird: --socket needs a path\n";
        return to_int(ExitCode::usage);
      }
      sockets.push_back(*v);
    } else if (a == "--timeout" || a.starts_with("--timeout=")) {
      auto v = value("--timeout");
      if (!v) {
        std::cerr << "bgpwatch bird: --timeout needs a duration\n";
        return to_int(ExitCode::usage);
      }
      auto d = bgp::parse_duration(*v);
      if (!d || d->count() == 0) {
        std::cerr << "bgpwatch bird: --timeout: " << (d ? "must be more than 0" : d.error()) << "\n";
        return to_int(ExitCode::usage);
      }
      timeout = *d;
    } else {
      std::cerr << "bgpwatch bird: unknown argument '" << a << "'\n";
      usage(std::cerr);
      return to_int(ExitCode::usage);
    }
  }

  BirdSource source(sockets);
  source.set_log_transitions(false); // the report below prints the notes
  const auto deadline = SteadyClock::now() + timeout;
  // read() fails closed on an unreadable socket; the sockets that answered
  // are printed all the same (the exit code carries the failure).
  (void)source.read(deadline);
  const auto reports = source.last_reports();
  std::vector<bgp::Session> sessions;
  bool all_ok = true;
  for (const auto& r : reports) {
    all_ok = all_ok && r.ok;
    sessions.insert(sessions.end(), r.sessions.begin(), r.sessions.end());
  }

  if (global.format == OutputFormat::json) {
    nlohmann::json out;
    // A result: when it was made and where from (docs/json.md).
    out["now"] = bgp::format_rfc3339(bgp::WallClock::now());
    out["source"] = std::string(bgp::to_string(bgp::Source::bird));
    out["sockets"] = nlohmann::json::array();
    for (const auto& r : reports) {
      out["sockets"].push_back(report_json(r));
    }
    out["sessions"] = nlohmann::json::array();
    for (const auto& s : sessions) {
      out["sessions"].push_back(session_to_json(s));
    }
    std::cout << json_text(out) << '\n';
  } else {
    for (const auto& r : reports) {
      if (r.skipped) {
        std::cout << r.socket << ": absent (bird.ctl is BIRD 2, which serves IPv6 too)\n";
      } else if (!r.ok) {
        std::cout << r.socket << ": ERROR " << r.error << '\n';
      } else {
        std::cout << r.socket << ": BIRD " << r.status->version;
        if (r.status->router_id) {
          std::cout << ", router id " << *r.status->router_id;
        }
        std::cout << ", " << r.bgp_protocols << " BGP protocol" << (r.bgp_protocols == 1 ? "" : "s") << ", "
                  << r.status->daemon_state << '\n';
      }
    }
    for (const auto& note : source.graceful_restart_notes()) {
      std::cout << note << '\n';
    }
    if (!sessions.empty()) {
      TextTable table({"PROTOCOL", "NEIGHBOR", "FAMILY", "AS", "STATE", "UPTIME", "ROUTES", "LAST ERROR"});
      for (const auto& s : sessions) {
        std::string routes = "-";
        if (const auto acc = s.accepted_prefixes()) {
          routes = std::to_string(*acc);
        }
        table.add_row({s.protocol.value_or("-"), s.address.to_string(), std::string(bgp::to_string(s.family())),
                       s.peer_as ? std::to_string(*s.peer_as) : "-", std::string(bgp::to_string(s.state)),
                       uptime_cell(s.uptime_seconds), routes, s.last_error.value_or("")});
      }
      table.render(std::cout);
    }
  }
  if (!all_ok) {
    // The text report already carries the errors; JSON readers get them on
    // stderr too, for people watching a script run.
    if (global.format == OutputFormat::json) {
      for (const auto& r : reports) {
        if (!r.ok) {
          std::cerr << "bgpwatch bird: " << r.error << '\n';
        }
      }
    }
    return to_int(ExitCode::unknown);
  }
  return to_int(ExitCode::ok);
}

} // namespace bgpwatch::collector
