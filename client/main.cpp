#include <iostream>

#include "tongket/paths.hpp"

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::cout << "tongket " << tongket::version() << "\n";
  return 0;
}
