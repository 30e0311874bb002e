#include "collector/base/barrier.hpp"
#include "collector/cli/commands.hpp"

int main(int argc, char** argv)
{
  using namespace bgpwatch::collector;
  // The exception barrier (barrier.hpp): whatever escapes a command, a
  // worker thread or a noexcept function ends as exit 3 with one line.
  install_terminate_barrier();
  try {
    return run_cli(argc, argv);
  } catch (...) {
    internal_error_exit(argc > 1 ? argv[1] : "bgpwatch", current_exception_text(), true);
  }
}
