// A child process that a chaos test can SIGKILL at any moment: started in the background,
// stdout and stderr going to files (so a kill never blocks on a full pipe), reaped by the
// test. tongket::test::run() waits for its child; this one does not.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"

namespace tongket::test {

class KillableProcess {
 public:
  // Starts argv[0] with `options` (env, unset_env and cwd are honoured; stdin is /dev/null).
  // Output goes to <log_base>.out and <log_base>.err. Throws std::runtime_error if it cannot
  // be started.
  KillableProcess(const std::vector<std::string>& argv, const ProcessOptions& options,
                  const std::filesystem::path& log_base);
  ~KillableProcess();  // SIGKILL and reap if still running
  KillableProcess(const KillableProcess&) = delete;
  KillableProcess& operator=(const KillableProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();  // reaps the child when it has exited
  // The exit code (128 + signal if killed), or nullopt if still running after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Polls `seen` (every ~1 ms) while the process runs, at most `timeout`: true as soon as it
  // holds (the process still running then), false when the process exited or time ran out.
  // For a kill aimed at a phase: wait_until(evidence of the phase), then kill9().
  bool wait_until(const std::function<bool()>& seen, std::chrono::milliseconds timeout);
  // SIGKILL (if still running) and reap; the exit code it ended with.
  int kill9();
  std::string out() const;  // what it wrote so far
  std::string err() const;
  // Time from start to exit (or to now while it runs).
  std::chrono::milliseconds elapsed() const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path out_, err_;
  std::optional<int> exit_code_;
  std::chrono::steady_clock::time_point started_, ended_;
};

}  // namespace tongket::test
