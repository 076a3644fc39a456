#include "tongket/local/nginx.hpp"

#include <signal.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tongket/local/proc_stat.hpp"
#include "tongket/process/ports.hpp"
#include "tongket/process/process.hpp"

namespace tongket::local {

namespace {

std::string read_if_there(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::vector<std::string> loopback_client_settings() {
  return {"REQ_RATE=1000", "REQ_BURST=2000", "CONN_PER_ADDR=500", "CONN_ALL=900"};
}

Nginx::Nginx(const std::filesystem::path& prefix, int port, int backend_port,
             const std::filesystem::path& cert, const std::filesystem::path& key,
             const std::vector<std::string>& settings)
    : prefix_(prefix), port_(port) {
  std::vector<std::string> render = {"/bin/sh",
                                     TONGKET_NGINX_RENDER,
                                     "standalone",
                                     prefix.string(),
                                     "LISTEN=127.0.0.1:" + std::to_string(port),
                                     "BACKEND=127.0.0.1:" + std::to_string(backend_port),
                                     "CERT=" + cert.string(),
                                     "KEY=" + key.string()};
  render.insert(render.end(), settings.begin(), settings.end());
  auto rendered = process::run(render, {});
  if (rendered.exit_code != 0)
    throw std::runtime_error("deploy/nginx/render.sh failed: " + rendered.err);
  const std::string conf = (prefix / "nginx.conf").string();
  const std::string errors = (prefix / "logs" / "error.log").string();
  auto checked = process::run(
      {"/usr/sbin/nginx", "-t", "-q", "-p", prefix.string(), "-e", errors, "-c", conf}, {});
  if (checked.exit_code != 0)
    throw std::runtime_error("nginx -t refused the rendered configuration: " + checked.err);
  master_ = std::make_unique<process::Child>(
      std::vector<std::string>{"/usr/sbin/nginx", "-p", prefix.string(), "-e", errors, "-c", conf,
                               "-g", "daemon off;"},
      process::Output::log(prefix / "logs" / "stdout.log"));
  // Listening: a TCP connect succeeds (nginx opens its sockets before it forks the worker).
  if (!master_->wait_until([port] { return process::port_accepts(port); }, std::chrono::seconds(15),
                           std::chrono::milliseconds(20)))
    throw std::runtime_error("nginx did not listen on 127.0.0.1:" + std::to_string(port) + ": " +
                             error_log() + master_->log());
}

Nginx::~Nginx() {
  auto workers_left = workers();
  if (master_->stop(SIGTERM, std::chrono::seconds(5))) return;  // fast shutdown, workers too
  for (pid_t w : workers_left) ::kill(w, SIGKILL);
  master_->stop(SIGKILL, std::chrono::seconds(5));
}

std::vector<pid_t> Nginx::workers() const {
  return children_of(master_->pid());
}

std::string Nginx::error_log() const {
  return read_if_there(prefix_ / "logs" / "error.log");
}

std::string Nginx::access_log() const {
  return read_if_there(prefix_ / "logs" / "access.log");
}

double Nginx::cpu_seconds() const {
  double s = local::cpu_seconds(master_->pid());
  for (pid_t w : workers()) s += local::cpu_seconds(w);
  return s;
}

}  // namespace tongket::local
