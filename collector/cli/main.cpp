#include "collector/cli/commands.hpp"

int main(int argc, char** argv)
{
  return bgpwatch::collector::run_cli(argc, argv);
}
