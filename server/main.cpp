#include <iostream>

#include "tongket/server/cli.hpp"

int main(int argc, char** argv) {
  return tongket::server::run_cli(argc, argv, std::cout, std::cerr);
}
