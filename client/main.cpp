// The `tongket` command: see client/src/cli/commands.cpp for the commands.
#include <iostream>
#include <string>
#include <vector>

#include "tongket/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return tongket::cli::run(args, std::cout, std::cerr, std::cin);
}
