#include "processes.hpp"

#include <signal.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tongket::bench {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

RunResult run(const std::vector<std::string>& argv) {
  process::Options options;
  options.timeout = std::chrono::hours(1);  // a benchmark's step may be long; never forever
  return process::run(argv, options);
}

int Child::stop(std::chrono::milliseconds timeout) {
  if (auto code = process::Child::stop(SIGTERM, timeout)) return *code;
  return kill9();
}

void wait_for_port(int port, std::chrono::milliseconds timeout) {
  if (!process::wait_for_port(port, timeout))
    throw std::runtime_error("nothing listens on 127.0.0.1:" + std::to_string(port));
}

}  // namespace tongket::bench
