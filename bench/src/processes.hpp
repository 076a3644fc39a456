// Child processes the benchmarks drive (tongket-server, tongket-fault-proxy, tongket) and what
// /proc says about them.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace tongket::bench {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  double seconds = 0;  // wall time
};

// Runs a command to completion (stdout and stderr captured).
RunResult run(const std::vector<std::string>& argv);

class Child {
 public:
  // Starts argv with stdout+stderr to `log`.
  Child(const std::vector<std::string>& argv, const std::filesystem::path& log);
  ~Child();  // SIGKILL if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // SIGTERM, then waits (SIGKILL after the timeout). Returns the exit code.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::string log() const;

  // CPU seconds used so far (utime + stime from /proc/<pid>/stat).
  double cpu_seconds() const;
  // Peak resident set (VmHWM from /proc/<pid>/status), bytes.
  double peak_rss_bytes() const;

 private:
  pid_t pid_ = -1;
  bool done_ = false;
  int exit_code_ = -1;
  std::filesystem::path log_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
// Waits until 127.0.0.1:port accepts a connection; throws after the timeout.
void wait_for_port(int port, std::chrono::milliseconds timeout);

std::string read_file(const std::filesystem::path& file);

}  // namespace tongket::bench
