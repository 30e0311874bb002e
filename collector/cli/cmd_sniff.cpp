// collector/cli/cmd_sniff.cpp: `bgpwatch sniff (--interface IF | --read FILE)
// [--filter BPF] [--count N] [--duration D]` (SPEC "Wire decoding").
// Reads frames (pcap_reader), runs them through the wire pipeline
// (sniff_engine) and prints every message, state change and loss, then a
// per-connection summary (sniff_output). Exit 0 ok, 2 usage, 3 input
// unreadable (file missing or not a capture, interface or permission).
#include "bgp/duration.hpp"
#include "collector/cli/commands.hpp"
#include "collector/base/exit_code.hpp"
#include "collector/capture/pcap_reader.hpp"
#include "collector/capture/sniff_engine.hpp"
#include "collector/capture/sniff_output.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>

namespace bgpwatch::collector {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int)
{
  g_stop.store(true);
}

void usage(std::ostream& out)
{
  out << "usage: bgpwatch sniff (--interface IF | --read FILE) [--filter BPF] [--count N] [--duration D]\n"
         "\n"
         "Decode BGP (TCP port 179) from a live interface or a capture file: every message,\n"
         "inferred session state changes, malformed messages, then a per-connection summary.\n"
         "With --format json, JSON Lines: {\"event\":\"message\"|\"state\"|\"malformed\"|\"stream\"|\"summary\",...}\n"
         "\n"
         "options:\n"
         "  --interface IF  live capture (needs CAP_NET_RAW); 'any' for all interfaces\n"
         "  --read FILE     a pcap/pcapng file ('-' for stdin)\n"
         "  --filter BPF    capture filter (default: '" << k_default_bpf << "')\n"
         "  --count N       stop after N BGP messages\n"
         "  --duration D    live: stop after D (90s, 1.5m, ...); default: until SIGINT/SIGTERM\n"
         "\n"
      << k_global_options_help << "exit codes: 0 ok, 2 usage, 3 input unreadable\n";
}

// Counts messages so that --count can stop the read loop.
class CountingPrinter : public SniffPrinter
{
public:
  using SniffPrinter::SniffPrinter;
  void on_message(const bgp::FlowKey& f, std::int64_t t, const bgp::Message& m, std::size_t len) override
  {
    ++m_count;
    SniffPrinter::on_message(f, t, m, len);
  }
  void on_malformed(const bgp::FlowKey& f, std::int64_t t, std::uint8_t type, const bgp::DecodeError& e) override
  {
    ++m_count;
    SniffPrinter::on_malformed(f, t, type, e);
  }
  std::uint64_t count() const noexcept
  {
    return m_count;
  }

private:
  std::uint64_t m_count = 0;
};

std::int64_t wall_us()
{
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

int cmd_sniff(const GlobalOptions& global, const CommandArgs& args)
{
  std::optional<std::string> interface;
  std::optional<std::string> file;
  std::string filter = k_default_bpf;
  std::optional<std::uint64_t> count;
  std::optional<std::chrono::milliseconds> duration;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) {
        std::cerr << "bgpwatch sniff: " << a << " needs a value\n";
        return false;
      }
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "-h" || a == "--help") {
      usage(std::cout);
      return to_int(ExitCode::ok);
    } else if (a == "--interface" || a == "-i") {
      if (!value(v)) {
        return to_int(ExitCode::usage);
      }
      interface = v;
    } else if (a == "--read" || a == "-r") {
      if (!value(v)) {
        return to_int(ExitCode::usage);
      }
      file = v;
    } else if (a == "--filter") {
      if (!value(filter)) {
        return to_int(ExitCode::usage);
      }
    } else if (a == "--count") {
      if (!value(v)) {
        return to_int(ExitCode::usage);
      }
      std::uint64_t n = 0;
      const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || p != v.data() + v.size() || n == 0) {
        std::cerr << "bgpwatch sniff: --count: '" << v << "' is not a positive number\n";
        return to_int(ExitCode::usage);
      }
      count = n;
    } else if (a == "--duration") {
      if (!value(v)) {
        return to_int(ExitCode::usage);
      }
      auto d = bgp::parse_duration(v);
      if (!d) {
        std::cerr << "bgpwatch sniff: --duration: " << d.error() << "\n";
        return to_int(ExitCode::usage);
      }
      duration = *d;
    } else {
      std::cerr << "bgpwatch sniff: unknown argument '" << a << "'\n";
      usage(std::cerr);
      return to_int(ExitCode::usage);
    }
  }
  if (interface.has_value() == file.has_value()) {
    std::cerr << "bgpwatch sniff: give exactly one of --interface IF or --read FILE\n";
    usage(std::cerr);
    return to_int(ExitCode::usage);
  }

  auto reader = file ? PcapReader::open_file(*file, filter) : PcapReader::open_live(*interface, filter);
  if (!reader) {
    std::cerr << "bgpwatch sniff: " << reader.error().message << "\n";
    return reader.error().kind == PcapError::Kind::bad_filter ? to_int(ExitCode::usage) : to_int(ExitCode::unknown);
  }
  PcapReader& r = **reader;

  CountingPrinter printer(global.format, stdout);
  SniffEngine engine(printer);
  const bool live = interface.has_value();
  if (live) {
    struct sigaction sa{};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
  }
  const auto started = std::chrono::steady_clock::now();
  int exit_code = to_int(ExitCode::ok);
  Frame frame;
  std::int64_t last_tick = wall_us();
  while (!g_stop.load()) {
    const auto next = r.next(frame);
    if (next == PcapReader::Next::frame) {
      engine.feed(r.link_type(), frame);
      if (count && printer.count() >= *count) {
        break;
      }
    } else if (next == PcapReader::Next::timeout) {
      // fall through to the live housekeeping below
    } else if (next == PcapReader::Next::end) {
      break;
    } else {
      printer.flush();
      std::cerr << "bgpwatch sniff: " << (file ? "capture '" + *file + "'" : "capture on '" + *interface + "'")
                << " could not be read to the end: " << r.last_error() << "\n";
      exit_code = to_int(ExitCode::unknown);
      break;
    }
    if (live) {
      // Silence is news too: a hold timer can expire with no packet at all.
      const std::int64_t now = wall_us();
      if (now - last_tick >= 1'000'000) {
        engine.tick(now);
        last_tick = now;
        printer.flush();
      }
      if (duration && std::chrono::steady_clock::now() - started >= *duration) {
        break;
      }
    }
  }
  if (live && r.kernel_drops() > 0) {
    std::cerr << "bgpwatch sniff: the kernel dropped " << r.kernel_drops() << " packets: counts may be short\n";
  }
  printer.summary(engine);
  return exit_code;
}

} // namespace bgpwatch::collector
