// tongket-fault-proxy: a TCP proxy on 127.0.0.1 that adds latency, caps bandwidth and
// injects resets, truncations and black holes, for tests and benchmarks of sync.
#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <iostream>
#include <string_view>
#include <vector>

#include "fault_proxy/options.hpp"
#include "fault_proxy/proxy.hpp"
#include "tongket/error.hpp"

namespace {

int g_stop_write_fd = -1;

extern "C" void on_stop_signal(int) {
  // Only async-signal-safe work here: wake the event loop through the self-pipe.
  const int saved = errno;
  const char byte = 1;
  [[maybe_unused]] const auto n = ::write(g_stop_write_fd, &byte, 1);
  errno = saved;
}

int make_stop_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw tongket::Error(tongket::Errc::internal, "cannot create the signal pipe");
  }
  g_stop_write_fd = fds[1];
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return fds[0];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tongket::fault_proxy;
  try {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    const Options options = parse_options(args);
    if (options.help) {
      std::cout << usage();
      return 0;
    }
    const int stop_fd = make_stop_pipe();
    Proxy proxy(options);
    std::cout << "listening on 127.0.0.1:" << proxy.port() << std::endl;
    proxy.run(stop_fd);
    if (!options.stats_file.empty()) write_stats_file(options.stats_file, proxy.stats());
    return 0;
  } catch (const tongket::Error& e) {
    std::cerr << "tongket-fault-proxy: " << e.what() << '\n';
    return e.code() == tongket::Errc::invalid_argument ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "tongket-fault-proxy: " << e.what() << '\n';
    return 1;
  }
}
