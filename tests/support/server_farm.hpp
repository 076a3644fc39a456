// Several tongket-server processes on one PostgreSQL store behind one private nginx (the
// national deployment's layout: deploy/nginx/render.sh with BACKEND listing every process).
// Each process has its own data dir, initialised with `init --database` on the same database.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "server_process.hpp"

namespace tongket::test {

class ServerFarm {
 public:
  explicit ServerFarm(int processes);  // a fresh database in this process's private cluster
  ~ServerFarm();

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  std::filesystem::path ca() const { return setup_.ca(); }
  const std::string& database() const { return setup_.database(); }
  const std::vector<int>& backend_ports() const { return backend_ports_; }
  std::string token(const std::string& unit, const std::string& role) {
    return setup_.token(unit, role);
  }
  // nginx's access log lines that `needle` is in and that process i (its port) answered.
  std::size_t answered_by(std::size_t i, const std::string& needle) const;
  std::string log() const;  // every process's output, then nginx's error log

 private:
  ServerSetup setup_;
  int port_;
  std::vector<int> backend_ports_;
  std::unique_ptr<NginxProcess> nginx_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
};

}  // namespace tongket::test
