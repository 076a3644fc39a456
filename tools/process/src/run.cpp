// run(): a program to completion with its stdin fed and its stdout/stderr captured.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "spawn.hpp"

namespace tongket::process {

namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  }
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
};

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return detail::exit_code(status);
}

// Feeds stdin and drains stdout/stderr together, so that no pipe fills up and blocks. False
// when the deadline passed first.
bool exchange(Pipe& in, Pipe& out, Pipe& err, const std::string& stdin_text, Result& result,
              std::chrono::steady_clock::time_point deadline) {
  std::size_t written = 0;
  if (stdin_text.empty()) in.close_end(1);
  if (in.fd[1] >= 0) ::fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    std::vector<pollfd> fds;
    if (out.fd[0] >= 0) fds.push_back({out.fd[0], POLLIN, 0});
    if (err.fd[0] >= 0) fds.push_back({err.fd[0], POLLIN, 0});
    if (in.fd[1] >= 0) fds.push_back({in.fd[1], POLLOUT, 0});
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0) continue;  // EINTR
    for (const auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == in.fd[1]) {
        const ssize_t w = ::write(p.fd, stdin_text.data() + written, stdin_text.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        if (w < 0 && errno != EAGAIN) written = stdin_text.size();  // the child closed it
        if (written == stdin_text.size()) in.close_end(1);
        continue;
      }
      char buf[65536];
      const ssize_t r = ::read(p.fd, buf, sizeof buf);
      Pipe& from = p.fd == out.fd[0] ? out : err;
      if (r > 0)
        (&from == &out ? result.out : result.err).append(buf, static_cast<std::size_t>(r));
      else if (r == 0 || errno != EINTR)
        from.close_end(0);
    }
  }
  return true;
}

}  // namespace

Result run(const std::vector<std::string>& argv, const Options& options) {
  // A child that exits without reading its stdin must not kill us with SIGPIPE.
  static const bool sigpipe_ignored = (::signal(SIGPIPE, SIG_IGN), true);
  (void)sigpipe_ignored;

  Pipe in, out, err;
  detail::FileActions actions;
  actions.dup2(in.fd[0], STDIN_FILENO);
  actions.dup2(out.fd[1], STDOUT_FILENO);
  actions.dup2(err.fd[1], STDERR_FILENO);
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = detail::spawn(argv, options, actions);
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);

  Result result;
  if (!exchange(in, out, err, options.stdin_text, result, started + options.timeout)) {
    ::kill(pid, SIGKILL);
    reap(pid);
    throw std::runtime_error(argv[0] + " did not finish within " +
                             std::to_string(options.timeout.count()) + " ms");
  }
  in.close_end(1);
  result.exit_code = reap(pid);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace tongket::process
