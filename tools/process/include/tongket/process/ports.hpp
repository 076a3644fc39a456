// Loopback TCP ports for the servers and proxies that tests and benchmarks start.
#pragma once

#include <chrono>

namespace tongket::process {

// A TCP port on 127.0.0.1 that was free a moment ago (cpprestsdk cannot listen on port 0, so
// the caller picks one; another process may take it before the child binds: rare, and the
// child then fails to start visibly). Throws std::runtime_error if no socket can be bound.
int free_port();
// One attempt: does 127.0.0.1:port accept a TCP connection now?
bool port_accepts(int port);
// Tries every 20 ms until 127.0.0.1:port accepts a connection: false if `timeout` passes first.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

// A socket listening on 127.0.0.1 on a port the kernel picked (O_CLOEXEC; accept() on fd() is
// the owner's business), closed at scope exit: a test's own server, or a port held taken.
// Throws std::runtime_error if it cannot listen.
class LoopbackListener {
 public:
  explicit LoopbackListener(int backlog = 16);
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  int fd() const { return fd_; }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace tongket::process
