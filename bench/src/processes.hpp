// Child processes the benchmarks drive (tongket-server, tongket-fault-proxy, tongket) and what
// /proc says about them: the bench-facing names of tongket::process (tools/process/, the one
// spawner for tests and bench; its header holds the contract).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tongket/process/child.hpp"
#include "tongket/process/ports.hpp"
#include "tongket/process/process.hpp"

namespace tongket::bench {

// exit_code, out, err, seconds (wall time).
using RunResult = process::Result;

// Runs a command to completion (stdout and stderr captured; killed after an hour).
RunResult run(const std::vector<std::string>& argv);

// A process::Child with stdout+stderr in one log: pid(), log(), cpu_seconds(),
// peak_rss_bytes() (bytes), SIGKILLed at scope exit if still running.
class Child : public process::Child {
 public:
  Child(const std::vector<std::string>& argv, const std::filesystem::path& log)
      : process::Child(argv, process::Output::log(log)) {}
  // SIGTERM, then waits (SIGKILL after the timeout). Returns the exit code.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
};

using process::free_port;
// Waits until 127.0.0.1:port accepts a connection; throws after the timeout.
void wait_for_port(int port, std::chrono::milliseconds timeout);

std::string read_file(const std::filesystem::path& file);

}  // namespace tongket::bench
