// Child: a background process, its output files, its exit and what it cost.
#include "tongket/process/child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "spawn.hpp"

namespace tongket::process {

namespace {

// No O_CLOEXEC: the descriptor opened in the child may be the very one it keeps (1 or 2).
constexpr int kCreate = O_WRONLY | O_CREAT | O_TRUNC;

std::string slurp(const std::filesystem::path& file) {
  if (file.empty()) return {};
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

}  // namespace

Output Output::files(const std::filesystem::path& base) {
  return {base.string() + ".out", base.string() + ".err", false};
}

Output Output::log(const std::filesystem::path& log) {
  return {log, log, true};
}

Child::Child(const std::vector<std::string>& argv, const Output& output, const Options& options)
    : output_(output) {
  if (!options.stdin_text.empty())
    throw std::invalid_argument("Child: stdin is /dev/null; use run() to feed stdin");
  detail::FileActions actions;
  actions.open(STDIN_FILENO, {}, O_RDONLY);
  actions.open(STDOUT_FILENO, output.out, kCreate);
  if (output.combined)
    actions.dup2(STDOUT_FILENO, STDERR_FILENO);
  else
    actions.open(STDERR_FILENO, output.err, kCreate);
  started_ = std::chrono::steady_clock::now();
  pid_ = detail::spawn(argv, options, actions);
}

Child::~Child() {
  if (pid_ > 0 && !exit_code_) kill9();
}

void Child::reaped(int status, const rusage& usage) {
  ended_ = std::chrono::steady_clock::now();
  exit_code_ = detail::exit_code(status);
  final_cpu_seconds_ = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  final_peak_rss_ = static_cast<double>(usage.ru_maxrss) * 1024.0;  // kB on Linux
}

bool Child::running() {
  if (exit_code_) return false;
  int status = 0;
  rusage usage{};
  if (::wait4(pid_, &status, WNOHANG, &usage) == pid_) {
    reaped(status, usage);
    return false;
  }
  return true;
}

std::optional<int> Child::wait(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return exit_code_;
}

bool Child::wait_until(const std::function<bool()>& seen, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds poll) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (running() && std::chrono::steady_clock::now() < until) {
    if (seen()) return running();
    std::this_thread::sleep_for(poll);
  }
  return false;
}

void Child::signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

std::optional<int> Child::stop(int sig, std::chrono::milliseconds timeout) {
  signal(sig);
  return wait(timeout);
}

int Child::kill9() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    rusage usage{};
    while (::wait4(pid_, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    reaped(status, usage);
  }
  return *exit_code_;
}

std::string Child::out() const {
  return slurp(output_.out);
}

std::string Child::err() const {
  return output_.combined ? std::string() : slurp(output_.err);
}

std::optional<std::string> Child::first_line(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const bool alive = running();  // before reading: what it wrote before exiting counts
    const std::string text = out();
    const auto end = text.find('\n');
    if (end != std::string::npos) return text.substr(0, end);
    if (!alive || std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::chrono::milliseconds Child::elapsed() const {
  const auto end = exit_code_ ? ended_ : std::chrono::steady_clock::now();
  return std::chrono::duration_cast<std::chrono::milliseconds>(end - started_);
}

double Child::cpu_seconds() const {
  if (exit_code_) return final_cpu_seconds_;
  const std::string stat = slurp("/proc/" + std::to_string(pid_) + "/stat");
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double Child::peak_rss_bytes() const {
  if (exit_code_) return final_peak_rss_;
  std::istringstream in(slurp("/proc/" + std::to_string(pid_) + "/status"));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) * 1024.0;
  return 0;
}

}  // namespace tongket::process
