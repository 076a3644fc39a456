// posix_spawn with the contract of process.hpp (environment, cwd, signals, errors), shared by
// run() and Child. Internal to tongket_process.
#pragma once

#include <spawn.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tongket/process/process.hpp"

namespace tongket::process::detail {

// posix_spawn_file_actions_t with its lifetime; actions run in the child in the order added.
class FileActions {
 public:
  FileActions();
  ~FileActions();
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;

  void open(int fd, const std::filesystem::path& file, int flags);  // empty file: /dev/null
  void dup2(int from, int to);
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

// Spawns argv[0] with `actions` (then a chdir to options.cwd): its pid. Throws
// std::runtime_error naming the program if it cannot be started.
pid_t spawn(const std::vector<std::string>& argv, const Options& options, FileActions& actions);

// A wait status as an exit code: the status, or 128 + the signal.
int exit_code(int status);

}  // namespace tongket::process::detail
