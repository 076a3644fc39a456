#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace tongket::test {

namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  }
  ~Pipe() { close_both(); }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  void close_both() {
    close_end(0);
    close_end(1);
  }
};

}  // namespace

std::vector<std::string> child_environment(const ProcessOptions& options) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    if (options.env.contains(name)) continue;
    if (std::find(options.unset_env.begin(), options.unset_env.end(), name) !=
        options.unset_env.end())
      continue;
    env.push_back(std::move(entry));
  }
  for (const auto& [name, value] : options.env) env.push_back(name + "=" + value);
  return env;
}

ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) throw std::runtime_error("run: no program");
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  auto env_strings = child_environment(options);
  std::vector<char*> env_ptrs, arg_ptrs;
  for (auto& e : env_strings) env_ptrs.push_back(e.data());
  env_ptrs.push_back(nullptr);
  std::vector<std::string> args = argv;
  for (auto& a : args) arg_ptrs.push_back(a.data());
  arg_ptrs.push_back(nullptr);
  const std::string cwd = options.cwd.string();

  // A child that exits without reading its stdin must not kill the test with SIGPIPE.
  static const bool sigpipe_ignored = (signal(SIGPIPE, SIG_IGN), true);
  (void)sigpipe_ignored;

  Pipe in, out, err, exec_error;
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);  // an ignored signal would stay ignored across execve
    dup2(in.fd[0], STDIN_FILENO);
    dup2(out.fd[1], STDOUT_FILENO);
    dup2(err.fd[1], STDERR_FILENO);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
      int e = errno;
      (void)!write(exec_error.fd[1], &e, sizeof e);
      _exit(127);
    }
    execve(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
    int e = errno;
    (void)!write(exec_error.fd[1], &e, sizeof e);
    _exit(127);
  }
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);
  exec_error.close_end(1);
  int child_errno = 0;
  if (read(exec_error.fd[0], &child_errno, sizeof child_errno) == sizeof child_errno) {
    waitpid(pid, nullptr, 0);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(child_errno));
  }

  // Feed stdin and drain stdout/stderr together, so that no pipe fills up and blocks.
  ProcessResult result;
  std::size_t written = 0;
  if (options.stdin_text.empty()) in.close_end(1);
  fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    std::vector<pollfd> fds;
    if (out.fd[0] >= 0) fds.push_back({out.fd[0], POLLIN, 0});
    if (err.fd[0] >= 0) fds.push_back({err.fd[0], POLLIN, 0});
    if (in.fd[1] >= 0) fds.push_back({in.fd[1], POLLOUT, 0});
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      throw std::runtime_error(argv[0] + " did not finish within the timeout");
    }
    int n = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    for (const auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == in.fd[1]) {
        ssize_t w =
            write(p.fd, options.stdin_text.data() + written, options.stdin_text.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 && errno != EAGAIN) written = options.stdin_text.size();  // child closed it
        if (written == options.stdin_text.size()) in.close_end(1);
        continue;
      }
      char buf[65536];
      ssize_t r = read(p.fd, buf, sizeof buf);
      std::string& target = p.fd == out.fd[0] ? result.out : result.err;
      if (r > 0) {
        target.append(buf, static_cast<std::size_t>(r));
      } else if (r == 0 || errno != EINTR) {
        (p.fd == out.fd[0] ? out : err).close_end(0);
      }
    }
  }
  in.close_end(1);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

ProcessResult run(const std::vector<std::string>& argv, const std::string& stdin_text,
                  const std::map<std::string, std::string>& env) {
  ProcessOptions options;
  options.stdin_text = stdin_text;
  options.env = env;
  return run(argv, options);
}

}  // namespace tongket::test
