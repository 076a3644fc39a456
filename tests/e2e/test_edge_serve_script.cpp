// scripts/serve.sh: the production layout (nginx in front of tongket-server) unprivileged in the
// foreground, everything of nginx's inside DATA/nginx, both stopped by one SIGTERM.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "process.hpp"
#include "server_process.hpp"

using namespace tongket::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

bool alive(pid_t pid) {
  return ::kill(pid, 0) == 0;
}

}  // namespace

TEST_CASE("scripts/serve.sh runs nginx and tongket-server in the foreground, SIGTERM stops both",
          "[e2e][edge]") {
  ServerSetup setup;
  const int port = free_port();
  const int backend = free_port();
  ServerProcess serve(
      "/bin/bash",
      {std::string(TONGKET_SOURCE_DIR) + "/scripts/serve.sh", "--data", setup.data().string(),
       "--port", std::to_string(port), "--backend-port", std::to_string(backend), "--cert",
       (setup.certs() / "server.pem").string(), "--key",
       (setup.certs() / "server-key.pem").string(), "--server-bin", server_binary()},
      setup.dir() / "serve.log");
  const std::string url = "https://127.0.0.1:" + std::to_string(port);
  const bool healthy = wait_until_healthy(url, setup.ca(), 30s);
  INFO(serve.log());
  REQUIRE(healthy);
  // nginx's pid, logs and rendered configuration live in DATA/nginx.
  const auto prefix = setup.data() / "nginx";
  CHECK(std::filesystem::exists(prefix / "nginx.conf"));
  CHECK(std::filesystem::exists(prefix / "tongket-site.conf"));
  CHECK(std::filesystem::exists(prefix / "logs" / "error.log"));
  const pid_t nginx = std::stoi(read_file(prefix / "nginx.pid"));
  CHECK(alive(nginx));
  // The backend answers on loopback, plain HTTP; the public port only over TLS.
  CHECK(wait_until_healthy("http://127.0.0.1:" + std::to_string(backend), {}, 5s));
  HttpRequest plain;
  plain.method = "GET";
  plain.url = "http://127.0.0.1:" + std::to_string(port) + "/healthz";
  CHECK(http(plain).status == 0);

  auto code = serve.stop(SIGTERM, 30s);
  INFO(serve.log());
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK_THAT(serve.log(), Contains("tongket-server: stopped") && Contains("serve.sh: stopped"));
  // Both are gone: nginx's master, and the backend port.
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (alive(nginx) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(50ms);
  CHECK_FALSE(alive(nginx));
  CHECK_FALSE(wait_until_healthy("http://127.0.0.1:" + std::to_string(backend), {}, 1s));
}
