#include "server_farm.hpp"

#include <catch2/catch.hpp>
#include <sstream>

#include "pg_cluster.hpp"
#include "process.hpp"

namespace tongket::test {

using namespace std::chrono_literals;

ServerFarm::ServerFarm(int processes)
    : setup_(shared_pg_cluster().create_database(fresh_database_name())), port_(free_port()) {
  std::string backends;
  for (int i = 0; i < processes; ++i) {
    backend_ports_.push_back(free_port());
    backends += (i ? ",127.0.0.1:" : "127.0.0.1:") + std::to_string(backend_ports_.back());
  }
  auto settings = test_nginx_settings();
  settings.push_back("BACKEND=" + backends);
  nginx_ = std::make_unique<NginxProcess>(setup_.dir() / "nginx", port_, backend_ports_[0],
                                          setup_.certs() / "server.pem",
                                          setup_.certs() / "server-key.pem", settings);
  for (int i = 0; i < processes; ++i) {
    auto data = i == 0 ? setup_.data() : setup_.dir() / ("data-" + std::to_string(i));
    if (i > 0) {
      auto init = run(
          {TONGKET_SERVER_BIN, "init", "--data", data.string(), "--database", setup_.database()});
      INFO(init.out << init.err);
      REQUIRE(init.exit_code == 0);
    }
    servers_.push_back(std::make_unique<ServerProcess>(
        std::vector<std::string>{"serve", "--data", data.string(), "--insecure-http", "--listen",
                                 "http://127.0.0.1:" + std::to_string(backend_ports_[i])},
        setup_.dir() / ("server-" + std::to_string(i) + ".log")));
  }
  // Each process answers on its own port (nginx alone would answer 200 if any one did).
  for (int p : backend_ports_) {
    INFO(log());
    REQUIRE(wait_until_healthy("http://127.0.0.1:" + std::to_string(p), {}, 15s));
  }
  INFO(log());
  REQUIRE(wait_until_healthy(url(), ca(), 15s));
}

ServerFarm::~ServerFarm() {
  servers_.clear();
  nginx_.reset();
}

std::size_t ServerFarm::answered_by(std::size_t i, const std::string& needle) const {
  const std::string upstream = "upstream=127.0.0.1:" + std::to_string(backend_ports_.at(i));
  std::istringstream lines(nginx_->access_log());
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line);)
    if (line.find(needle) != std::string::npos && line.find(upstream) != std::string::npos) ++n;
  return n;
}

std::string ServerFarm::log() const {
  std::string out;
  for (std::size_t i = 0; i < servers_.size(); ++i)
    out += "-- tongket-server " + std::to_string(i) + ":\n" + servers_[i]->log() + "\n";
  return out + "-- nginx error log:\n" + nginx_->error_log();
}

}  // namespace tongket::test
