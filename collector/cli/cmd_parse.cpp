// collector/cli/cmd_parse.cpp: `bgpwatch parse FILE...` (SPEC "Commands"):
// offline parsing of saved Junos XML/text, BIRD `show protocols` text or a
// pcap, the format detected from content. All files are read and parsed
// before anything is printed: one bad file means exit 3, errors on stderr
// ("FILE:LINE: what") and nothing on stdout, never a partial result.
#include "bgp/bird.hpp"
#include "bgp/junos.hpp"
#include "collector/cli/commands.hpp"
#include "collector/base/exit_code.hpp"
#include "collector/base/huge_heap.hpp"
#include "collector/base/input_bytes.hpp"
#include "collector/capture/pcap_reader.hpp"
#include "collector/render/json.hpp"
#include "collector/render/table.hpp"
#include "collector/sources/replay_source.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string_view>
#include <iostream>
#include <sstream>

namespace bgpwatch::collector {

namespace {

const std::string k_usage = std::string("usage: bgpwatch parse FILE...\n\n"
  "Parse saved Junos XML (<rpc-reply> or bare <bgp-information>), Junos\n"
  "`show bgp summary` text, BIRD `show protocols` text or a pcap; the format\n"
  "is detected from content. '-' reads stdin.\n\n")
  + k_global_options_help + "exit codes: 0 ok, 2 usage, 3 input unreadable or unparsable\n";

struct Parsed
{
  std::string path;
  bgp::InputFormat format;
  bgp::Summary summary;
};

// write(2) until all of `data` is out; false on an error (errno set).
bool write_all(int fd, std::string_view data)
{
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

Expected<Parsed, std::string> parse_one(const std::string& path)
{
  auto input = map_input_file(path, bgp::k_max_input_bytes);
  if (!input) {
    return Unexpected(input.error());
  }
  const std::string_view content = input->view();
  const std::string name = path == "-" ? "<stdin>" : path;
  // The parse of a big reply fills about four times its size of heap
  // (pugixml's copy and DOM, the sessions): in huge pages, once.
  static bool reserved = false;
  if (!reserved) {
    reserved = true;
    reserve_huge_heap(content.size() * 4);
  }
  const auto format = bgp::detect_format(content);
  if (format == bgp::InputFormat::bird) {
    // Offline there is no BIRD clock (`show status`): uptimes stay null.
    auto summary = bgp::parse_bird_protocols(content);
    if (!summary) {
      return Unexpected(name + ": " + summary.error().to_string());
    }
    return Parsed{name, format, std::move(*summary)};
  }
  if (format == bgp::InputFormat::pcap) {
    // libpcap reads files; stdin was already consumed for detection, so a
    // capture on stdin goes through a private temporary file.
    std::string file = path;
    std::string temp;
    if (path == "-") {
      char pattern[] = "/tmp/bgpwatch-parse-XXXXXX";
      const int fd = ::mkstemp(pattern);
      if (fd < 0) {
        return Unexpected(name + ": cannot create a temporary file for the capture: " + std::strerror(errno));
      }
      temp = file = pattern;
      const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
      ::close(fd);
      if (!written) {
        ::unlink(temp.c_str());
        return Unexpected(name + ": cannot write the capture to " + temp);
      }
    }
    auto summary = summarize_pcap_file(file);
    if (!temp.empty()) {
      ::unlink(temp.c_str());
    }
    if (!summary) {
      return Unexpected(name + ": " + summary.error());
    }
    return Parsed{name, format, std::move(*summary)};
  }
  auto parsed = parse_saved_reply(name, content);
  if (!parsed) {
    return Unexpected(parsed.error());
  }
  // A saved router reply read from a file: JSON "source":"replay", as with
  // --replay (docs/json.md).
  for (auto& s : parsed->summary.sessions) {
    s.source = bgp::Source::replay;
  }
  return Parsed{name, parsed->format, std::move(parsed->summary)};
}

} // namespace

int cmd_parse(const GlobalOptions& global, const CommandArgs& args)
{
  OutputFormat format = global.format;
  std::vector<std::string> files;
  bool only_files = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_files || a == "-" || !a.starts_with("-")) {
      files.push_back(a);
    } else if (a == "--") {
      only_files = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << k_usage;
      return to_int(ExitCode::ok);
    } else if (a == "--format" || a.starts_with("--format=")) {
      std::string v;
      if (a == "--format") {
        if (i + 1 >= args.size()) {
          std::cerr << "bgpwatch parse: --format needs text or json\n";
          return to_int(ExitCode::usage);
        }
        v = args[++i];
      } else {
        v = a.substr(9);
      }
      if (v != "text" && v != "json") {
        std::cerr << "bgpwatch parse: --format: unknown format '" << v << "' (text or json)\n";
        return to_int(ExitCode::usage);
      }
      format = v == "json" ? OutputFormat::json : OutputFormat::text;
    } else {
      std::cerr << "bgpwatch parse: unknown option '" << a << "'\n" << k_usage;
      return to_int(ExitCode::usage);
    }
  }
  if (files.empty()) {
    std::cerr << "bgpwatch parse: no FILE given\n" << k_usage;
    return to_int(ExitCode::usage);
  }
  std::size_t stdin_count = 0;
  for (const auto& f : files) {
    stdin_count += f == "-" ? 1 : 0;
  }
  if (stdin_count > 1) {
    std::cerr << "bgpwatch parse: '-' (stdin) given more than once\n";
    return to_int(ExitCode::usage);
  }

  std::vector<Parsed> results;
  bool failed = false;
  for (const auto& f : files) {
    auto r = parse_one(f);
    if (!r) {
      std::cerr << "bgpwatch parse: " << r.error() << '\n';
      failed = true;
      continue;
    }
    results.push_back(std::move(*r));
  }
  if (failed) {
    return to_int(ExitCode::unknown);
  }

  // Everything is parsed before anything is written. JSON goes from the
  // parsed sessions straight into a 64 KiB buffer written to stdout as it
  // fills (no JSON tree, no copy of the whole document: issue 17).
  if (format == OutputFormat::json) {
    bool written = true;
    const std::function<void(std::string&)> drain = [&written](std::string& buf) {
      written = written && write_all(STDOUT_FILENO, buf);
      buf.clear();
    };
    std::string out;
    out.reserve(128 * 1024);
    if (results.size() == 1) {
      append_parse_json(out, results[0].format, results[0].summary, nullptr, 2, drain);
      out += '\n';
    } else {
      // Several files: JSON Lines, one object per file, with its "file".
      for (const auto& r : results) {
        append_parse_json(out, r.format, r.summary, &r.path, -1, drain);
        out += '\n';
      }
    }
    drain(out);
    if (!written) {
      std::cerr << "bgpwatch parse: cannot write to stdout: " << std::strerror(errno) << '\n';
      return to_int(ExitCode::unknown);
    }
    return to_int(ExitCode::ok);
  }
  std::ostringstream out;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results.size() > 1) {
      out << (i == 0 ? "" : "\n") << "== " << results[i].path << " ==\n";
    }
    render_parse_text(results[i].format, results[i].summary, out);
  }
  const auto text = out.view();
  std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "bgpwatch parse: cannot write to stdout\n";
    return to_int(ExitCode::unknown);
  }
  return to_int(ExitCode::ok);
}

} // namespace bgpwatch::collector
