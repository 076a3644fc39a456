// The socket edge: a single-threaded poll() loop that accepts clients, connects each to the
// target and moves bytes through the delay queues, token buckets and fault plan.
#pragma once

#include <cstdint>
#include <memory>

#include "fault_proxy/options.hpp"
#include "fault_proxy/stats.hpp"

namespace tongket::fault_proxy {

class Proxy {
 public:
  // Binds 127.0.0.1:options.listen_port. Throws tongket::Error(network) if that fails.
  explicit Proxy(Options options);
  ~Proxy();
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // The port actually bound (useful when listen_port was 0).
  std::uint16_t port() const;

  // Serves until stop_fd becomes readable (e.g. a self-pipe written by a signal handler),
  // then closes every connection.
  void run(int stop_fd);

  const Stats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongket::fault_proxy
