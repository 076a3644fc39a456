// The one process spawner for tests and benchmarks (tests/support and bench/ both use it).
//
// Contract, for run() here and Child (child.hpp):
// - Spawning: posix_spawn, never fork. Tests and benchmarks start children while other threads
//   run (a client syncing in the background, a test server); fork would copy a process whose
//   locks other threads hold. Every descriptor this library opens is O_CLOEXEC, so a child
//   spawned by another thread at the same moment inherits none of them.
// - argv[0] is the program's path (no PATH search). The child's environment is this process's
//   with Options::env set and Options::unset_env removed; its working directory Options::cwd
//   (empty: ours). A program that cannot be started (missing, not executable, bad cwd) throws
//   std::runtime_error naming it and the reason; nothing is left running.
// - Signals: the child starts with every signal at its default action and none blocked,
//   whatever the spawning thread had. The first run() sets SIGPIPE to "ignore" in this process
//   (for good), so that a child that exits without reading its stdin cannot kill us.
// - Reaping: whoever spawns a child reaps it, by its pid only (waitpid(pid)), never "any
//   child": run() before it returns or throws; a Child in wait(), running(), stop(), kill9()
//   or its destructor. Nothing here installs a SIGCHLD handler.
// - Exit code: the exit status, or 128 + the signal number when a signal ended the child (the
//   shell's convention): 137 = SIGKILL, 143 = SIGTERM.
// - Threads: run() may be called from any number of threads at once. A Child belongs to one
//   thread at a time (no internal locking).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tongket::process {

struct Options {
  std::string stdin_text;                     // run(): written to stdin, then closed
  std::map<std::string, std::string> env;     // set (or replaced) in the inherited environment
  std::vector<std::string> unset_env;         // removed from the inherited environment
  std::filesystem::path cwd;                  // empty = this process's working directory
  std::chrono::milliseconds timeout{60'000};  // run(): then SIGKILL, reap, and throw
};

struct Result {
  int exit_code = -1;  // the exit status, or 128 + signal number if a signal ended it
  std::string out;
  std::string err;
  double seconds = 0;  // wall time from spawn to exit
};

// The inherited environment with `options.env` set and `options.unset_env` removed, as
// "NAME=value" entries.
std::vector<std::string> child_environment(const Options& options);

// Runs argv to completion: feeds `options.stdin_text`, captures stdout and stderr (pipes read
// together, so a chatty child never blocks). Throws std::runtime_error if it cannot be started
// or does not finish within `options.timeout` (it is killed and reaped first).
Result run(const std::vector<std::string>& argv, const Options& options);

}  // namespace tongket::process
