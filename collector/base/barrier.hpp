// collector/base/barrier.hpp: the exception barrier (issue 13). bgpwatch is a
// gate: an unexpected error must end as a clean UNKNOWN (exit 3) with one
// line saying what went wrong, never as `terminate called ...` and SIGABRT
// (exit 134), which a gate script may not read as "not ready".
//
// Three layers: main() catches what escapes a command; every worker thread
// runs its body under guard_thread(); and std::terminate itself (an exception
// out of a noexcept function, a thread without a guard) ends the same way.
#pragma once

#include <string>
#include <string_view>

namespace bgpwatch::collector {

// The process's form of the one line: "bgpwatch: internal error in WHERE:
// WHAT" on stderr, or for the NRPE plugin "BGPWATCH UNKNOWN - internal
// error in WHERE: WHAT" on stdout (the line Icinga shows).
enum class BarrierOutput { stderr_line, plugin_line };
void set_barrier_output(BarrierOutput output) noexcept;

// Writes the line (at most 400 characters, newlines made spaces) with
// write(2) and ends the process with exit 3 (std::_Exit: no destructor of a
// half-broken state runs; stdout is flushed first when called from main).
[[noreturn]] void internal_error_exit(std::string_view where, std::string_view what, bool flush_streams = false) noexcept;

// what() of the exception being handled ("unknown exception" for one that
// is not a std::exception). Call only inside a catch block.
std::string current_exception_text() noexcept;

// std::set_terminate: the last layer. Installed once by main.
void install_terminate_barrier() noexcept;

// Runs body() on a worker thread; an exception ends the process with exit 3
// and one line naming `where` ("poll worker", "DNS resolver"...).
template <class F>
void guard_thread(const char* where, F&& body) noexcept
{
  try {
    body();
  } catch (...) {
    internal_error_exit(where, current_exception_text());
  }
}

} // namespace bgpwatch::collector
