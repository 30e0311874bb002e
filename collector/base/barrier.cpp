// collector/base/barrier.cpp: the exception barrier (see barrier.hpp).
#include "collector/base/barrier.hpp"

#include "collector/base/exit_code.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <unistd.h>

namespace bgpwatch::collector {

namespace {

std::atomic<BarrierOutput> g_output{BarrierOutput::stderr_line};
std::atomic_flag g_exiting; // C++20: starts clear

constexpr std::size_t k_max_what = 400;

std::string one_line(std::string_view text)
{
  std::string out;
  for (char c : text.substr(0, k_max_what)) {
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  if (text.size() > k_max_what) {
    out += "...";
  }
  return out;
}

void write_all(int fd, const std::string& s) noexcept
{
  std::size_t done = 0;
  while (done < s.size()) {
    const auto n = ::write(fd, s.data() + done, s.size() - done);
    if (n <= 0) {
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void on_terminate() noexcept
{
  std::string what = "terminate called";
  if (auto e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (...) {
      what = current_exception_text();
    }
  }
  internal_error_exit("terminate", what);
}

} // namespace

void set_barrier_output(BarrierOutput output) noexcept
{
  g_output.store(output);
}

void internal_error_exit(std::string_view where, std::string_view what, bool flush_streams) noexcept
{
  // Two threads failing at once: the first one's line is the one printed.
  if (g_exiting.test_and_set()) {
    for (;;) {
      ::pause();
    }
  }
  try {
    if (flush_streams) {
      std::cout.flush();
      std::cerr.flush();
    }
    const std::string body = "internal error in " + std::string(where) + ": " + one_line(what) + "\n";
    if (g_output.load() == BarrierOutput::plugin_line) {
      write_all(STDOUT_FILENO, "BGPWATCH UNKNOWN - " + body);
    } else {
      write_all(STDERR_FILENO, "bgpwatch: " + body);
    }
  } catch (...) {
    static const char k_fallback[] = "bgpwatch: internal error\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, k_fallback, sizeof k_fallback - 1);
  }
  std::_Exit(to_int(ExitCode::unknown));
}

std::string current_exception_text() noexcept
{
  try {
    throw;
  } catch (const std::exception& e) {
    try {
      return e.what();
    } catch (...) {
    }
  } catch (...) {
  }
  return "unknown exception";
}

void install_terminate_barrier() noexcept
{
  std::set_terminate(on_terminate);
}

} // namespace bgpwatch::collector
