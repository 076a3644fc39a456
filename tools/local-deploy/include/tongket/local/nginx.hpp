// Debian's nginx run unprivileged from `prefix` in the foreground, TLS on 127.0.0.1:<port>
// with `cert`/`key`, configured by deploy/nginx/render.sh standalone (the production site)
// in front of tongket-server on 127.0.0.1:<backend_port>. `settings` (NAME=VALUE) override the
// production values, e.g. "MAX_BODY=65536" or "BACKEND=127.0.0.1:8001,127.0.0.1:8002" (several
// processes behind one upstream). Its access log names the upstream that answered each
// request ("upstream=127.0.0.1:PORT").
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tongket/process/child.hpp"

namespace tongket::local {

class Nginx {
 public:
  // Throws std::runtime_error (with render.sh's, `nginx -t`'s or the error log's words) if
  // the configuration is invalid or nginx does not listen within 15 s.
  Nginx(const std::filesystem::path& prefix, int port, int backend_port,
        const std::filesystem::path& cert, const std::filesystem::path& key,
        const std::vector<std::string>& settings);
  // SIGTERM (fast shutdown, workers too), then SIGKILL of the master and its workers.
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  pid_t master() const { return master_->pid(); }
  std::vector<pid_t> workers() const;  // the master's children, from /proc
  int port() const { return port_; }
  std::string error_log() const;   // <prefix>/logs/error.log
  std::string access_log() const;  // <prefix>/logs/access.log
  bool running() { return master_->running(); }
  // CPU seconds of the master and its live workers so far.
  double cpu_seconds() const;

 private:
  std::filesystem::path prefix_;
  int port_;
  std::unique_ptr<process::Child> master_;
};

// The production settings with the per-address request and connection limits far above what
// many clients on 127.0.0.1 make (every test client and bench client shares one address).
std::vector<std::string> loopback_client_settings();

}  // namespace tongket::local
