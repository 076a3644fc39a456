// A child process kept in the background: a server, a proxy, a client a chaos test kills.
// Spawning, signals, reaping and exit codes follow the contract in process.hpp.
//
// Its stdout and stderr go to files (never pipes: nobody has to drain them, and a SIGKILL never
// blocks on a full pipe); stdin is /dev/null. Destroying a Child that still runs SIGKILLs and
// reaps it, so a failing test leaves no process behind. (Grandchildren it started, such as
// nginx workers, are the caller's: see NginxProcess.)
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tongket/process/process.hpp"

namespace tongket::process {

// Where a Child's stdout and stderr go; an empty path is /dev/null. Files are created or
// truncated.
struct Output {
  std::filesystem::path out;
  std::filesystem::path err;
  bool combined = false;  // stderr into `out` too (one log, in the order written)

  // <base>.out and <base>.err.
  static Output files(const std::filesystem::path& base);
  // stdout and stderr both into `log`.
  static Output log(const std::filesystem::path& log);
};

class Child {
 public:
  // Starts argv in the background. `options`: env, unset_env and cwd are honoured; stdin_text
  // must be empty (throws std::invalid_argument otherwise) and timeout is not used (a Child
  // runs until it exits, is stopped or is destroyed). Throws std::runtime_error if it cannot
  // be started.
  Child(const std::vector<std::string>& argv, const Output& output, const Options& options = {});
  ~Child();  // SIGKILL and reap if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // False once it has exited (it is reaped then).
  bool running();
  // The exit code, or nullopt if it still runs after `timeout` (it is left running).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Calls `seen` every `poll` while the child runs, at most `timeout`: true as soon as it holds
  // with the child still running, false if the child exited or time ran out first. For a kill
  // aimed at a phase: wait_until(evidence of the phase), then kill9().
  bool wait_until(const std::function<bool()>& seen, std::chrono::milliseconds timeout,
                  std::chrono::milliseconds poll = std::chrono::milliseconds(1));
  // Sends `sig` (if still running) and waits up to `timeout` for the exit: the exit code, or
  // nullopt (it is left running).
  std::optional<int> stop(int sig, std::chrono::milliseconds timeout);
  // Sends `sig` if it still runs; nothing else.
  void signal(int sig);
  // SIGKILL (if still running) and reap: the exit code it ended with.
  int kill9();
  // The exit code once it has exited (as far as running() last saw).
  std::optional<int> exit_code() const { return exit_code_; }

  // What it wrote so far: stdout, stderr, and the combined log (the same as out()).
  std::string out() const;
  std::string err() const;
  std::string log() const { return out(); }
  // The first line written to stdout (without its '\n') once complete; nullopt if the child
  // exited without one or `timeout` passed. For programs that report where they listen.
  std::optional<std::string> first_line(std::chrono::milliseconds timeout);

  // Time from spawn to exit (or to now while it runs).
  std::chrono::milliseconds elapsed() const;
  // CPU seconds (user + system) it used: from /proc while it runs, from the kernel's account
  // at reaping once it has exited.
  double cpu_seconds() const;
  // Peak resident set (bytes): /proc's VmHWM while it runs, ru_maxrss once it has exited.
  double peak_rss_bytes() const;

 private:
  void reaped(int status, const ::rusage& usage);

  pid_t pid_ = -1;
  Output output_;
  std::optional<int> exit_code_;
  std::chrono::steady_clock::time_point started_, ended_;
  double final_cpu_seconds_ = 0;
  double final_peak_rss_ = 0;
};

}  // namespace tongket::process
