// Runs a program as a child process and captures what it did: for tests that exercise the
// real binaries (TONGKET_CLIENT_BIN, TONGKET_SERVER_BIN).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tongket::test {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal number if killed by a signal
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::string stdin_text;                     // written to the child's stdin, then closed
  std::map<std::string, std::string> env;     // set (or replaced) in the inherited environment
  std::vector<std::string> unset_env;         // removed from the inherited environment
  std::filesystem::path cwd;                  // empty = the test's working directory
  std::chrono::milliseconds timeout{60'000};  // then the child is killed and run() throws
};

// The inherited environment with `options.env` set and `options.unset_env` removed, as
// "NAME=value" entries for posix_spawn/execve.
std::vector<std::string> child_environment(const ProcessOptions& options);

// argv[0] is the program's path. Throws std::runtime_error if it cannot be started or times
// out.
ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options);
ProcessResult run(const std::vector<std::string>& argv, const std::string& stdin_text = {},
                  const std::map<std::string, std::string>& env = {});

}  // namespace tongket::test
