#include "chaos_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tongket::test {

namespace {

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int decode_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

KillableProcess::KillableProcess(const std::vector<std::string>& argv,
                                 const ProcessOptions& options,
                                 const std::filesystem::path& log_base)
    : out_(log_base.string() + ".out"), err_(log_base.string() + ".err") {
  if (argv.empty()) throw std::runtime_error("KillableProcess: no program");
  auto env_strings = child_environment(options);
  std::vector<char*> env_ptrs, arg_ptrs;
  for (auto& e : env_strings) env_ptrs.push_back(e.data());
  env_ptrs.push_back(nullptr);
  std::vector<std::string> args = argv;
  for (auto& a : args) arg_ptrs.push_back(a.data());
  arg_ptrs.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  // posix_spawn, not fork: the test may run other children from threads meanwhile.
  started_ = std::chrono::steady_clock::now();
  const int rc =
      ::posix_spawn(&pid_, arg_ptrs[0], &actions, nullptr, arg_ptrs.data(), env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
}

KillableProcess::~KillableProcess() {
  if (pid_ > 0 && !exit_code_) kill9();
}

bool KillableProcess::running() {
  if (exit_code_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    ended_ = std::chrono::steady_clock::now();
    exit_code_ = decode_status(status);
    return false;
  }
  return true;
}

std::optional<int> KillableProcess::wait(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return exit_code_;
}

bool KillableProcess::wait_until(const std::function<bool()>& seen,
                                 std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (running() && std::chrono::steady_clock::now() < until) {
    if (seen()) return running();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

int KillableProcess::kill9() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    ended_ = std::chrono::steady_clock::now();
    exit_code_ = decode_status(status);
  }
  return *exit_code_;
}

std::string KillableProcess::out() const {
  return slurp(out_);
}

std::string KillableProcess::err() const {
  return slurp(err_);
}

std::chrono::milliseconds KillableProcess::elapsed() const {
  const auto end = exit_code_ ? ended_ : std::chrono::steady_clock::now();
  return std::chrono::duration_cast<std::chrono::milliseconds>(end - started_);
}

}  // namespace tongket::test
