#include "spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace tongket::process {

std::vector<std::string> child_environment(const Options& options) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (options.env.contains(name)) continue;
    if (std::find(options.unset_env.begin(), options.unset_env.end(), name) !=
        options.unset_env.end())
      continue;
    env.push_back(std::move(entry));
  }
  for (const auto& [name, value] : options.env) env.push_back(name + "=" + value);
  return env;
}

namespace detail {

FileActions::FileActions() {
  if (posix_spawn_file_actions_init(&actions_) != 0)
    throw std::runtime_error("posix_spawn_file_actions_init failed");
}

FileActions::~FileActions() {
  posix_spawn_file_actions_destroy(&actions_);
}

void FileActions::open(int fd, const std::filesystem::path& file, int flags) {
  const char* path = file.empty() ? "/dev/null" : file.c_str();
  if (posix_spawn_file_actions_addopen(&actions_, fd, path, flags, 0644) != 0)
    throw std::runtime_error("posix_spawn_file_actions_addopen failed");
}

void FileActions::dup2(int from, int to) {
  if (posix_spawn_file_actions_adddup2(&actions_, from, to) != 0)
    throw std::runtime_error("posix_spawn_file_actions_adddup2 failed");
}

namespace {

// Every signal at its default action and none blocked in the child, whatever this thread
// had (an ignored SIGPIPE would otherwise survive execve).
class DefaultSignals {
 public:
  DefaultSignals() {
    posix_spawnattr_init(&attr_);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr_, &all);
    posix_spawnattr_setsigmask(&attr_, &none);
    posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  }
  ~DefaultSignals() { posix_spawnattr_destroy(&attr_); }
  DefaultSignals(const DefaultSignals&) = delete;
  DefaultSignals& operator=(const DefaultSignals&) = delete;
  const posix_spawnattr_t* get() const { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

pid_t spawn(const std::vector<std::string>& argv, const Options& options, FileActions& actions) {
  if (argv.empty()) throw std::runtime_error("spawn: no program");
  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment(options);
  auto arg_ptrs = pointers(args);
  auto env_ptrs = pointers(env);
  // Last, so that the files opened above are relative to our working directory, not the child's.
  if (!options.cwd.empty() &&
      posix_spawn_file_actions_addchdir_np(actions.get(), options.cwd.c_str()) != 0)
    throw std::runtime_error("posix_spawn_file_actions_addchdir_np failed");
  DefaultSignals attr;
  pid_t pid = -1;
  const int rc =
      ::posix_spawn(&pid, arg_ptrs[0], actions.get(), attr.get(), arg_ptrs.data(), env_ptrs.data());
  if (rc != 0) {
    std::string where = options.cwd.empty() ? "" : " in " + options.cwd.string();
    throw std::runtime_error("cannot start " + argv[0] + where + ": " + std::strerror(rc));
  }
  return pid;
}

int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace detail

}  // namespace tongket::process
