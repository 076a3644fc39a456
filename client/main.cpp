// The `tongket` command: see client/src/cli/commands.cpp for the commands.
#include <iostream>
#include <string>
#include <vector>

#include "tongket/cli.hpp"
#include "tongket/platform.hpp"

int main(int argc, char** argv) {
  tongket::platform::use_utf8_console();
  std::vector<std::string> args = tongket::platform::utf8_arguments(argc, argv);
  return tongket::cli::run(args, std::cout, std::cerr, std::cin);
}
