// tongket-server's own edge, without nginx: its TLS says it is for development only and offers
// no CBC suite; a request still in flight when the drain time-out ends does not outlive the
// edge that answers it (scripts/tsan.sh runs this under ThreadSanitizer); a 500 carries no
// server internals.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "process.hpp"
#include "server_fixture.hpp"
#include "server_process.hpp"
#include "tls_probe.hpp"
#include "tongket/sync/messages.hpp"

using namespace tongket;
using namespace tongket::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

TEST_CASE("tongket-server's own TLS: development only, said on start, no TLS 1.2 CBC suite",
          "[server][e2e][edge]") {
  ServerSetup setup;
  const int port = free_port();
  const std::string base = "https://127.0.0.1:" + std::to_string(port);
  ServerProcess server({"serve", "--data", setup.data().string(), "--listen", base, "--cert",
                        (setup.certs() / "server.pem").string(), "--key",
                        (setup.certs() / "server-key.pem").string()},
                       setup.dir() / "server.log");
  REQUIRE(wait_until_serving(base, setup.ca(), 15s));
  INFO(server.log());
  CHECK_THAT(server.log(), Contains("WARNING") && Contains("development") &&
                               Contains("deploy/nginx/tongket.conf"));
  CHECK(tls12_handshake(port, setup.ca(), "ECDHE-ECDSA-AES128-GCM-SHA256"));
  CHECK_FALSE(tls12_handshake(port, setup.ca(), kTls12CbcSuites));
  CHECK(wait_until_healthy(base, setup.ca(), 5s));
  CHECK(server.stop(SIGTERM, 20s) == 0);
}

TEST_CASE("a request still in flight after the drain time-out: clean exit, answered or cut",
          "[server][e2e][edge]") {
  ServerSetup setup;
  const int port = free_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ServerProcess server({"serve", "--data", setup.data().string(), "--insecure-http", "--listen",
                        base, "--drain-timeout", "1"},
                       setup.dir() / "server.log");
  REQUIRE(wait_until_healthy(base, {}, 15s));
  // A body announced and never finished: the request stays in flight.
  int stalled = connect_loopback(port);
  const std::string head =
      "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cbor\r\n"
      "Content-Length: 1000\r\n\r\n0123456789";
  REQUIRE(::send(stalled, head.data(), head.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(head.size()));
  // Another request answered after it was sent: the stalled one has reached the handler.
  REQUIRE(wait_until_healthy(base, {}, 15s));
  auto code = server.stop(SIGTERM, 30s);
  INFO(server.log());
  // The fault window was hit: the edge gave up draining with the request still running...
  CHECK_THAT(server.log(), Contains("1 request(s) still running after the drain period"));
  // ...and the server still stopped cleanly.
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK_THAT(server.log(), Contains("stopped"));
  ::close(stalled);
}

TEST_CASE("a 500 reply carries no file path or SQL, the log keeps the detail",
          "[server][e2e][edge]") {
  ServerSetup setup;
  const int port = free_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ServerProcess server(
      {"serve", "--data", setup.data().string(), "--insecure-http", "--listen", base},
      setup.dir() / "server.log");
  REQUIRE(wait_until_healthy(base, {}, 15s));
  // The store loses a table behind the server's back: the next enrollment fails inside.
  exec_store_sql(setup.data(), "DROP TABLE enroll_tokens");
  TestDevice device;
  sync::EnrollRequest er{"0123456789abcdef0123456789abcdef", device.key.public_key(), "e2e", {}};
  HttpRequest r;
  r.url = base + sync::kPathEnroll;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = sync::encode_enroll_request(er);
  auto result = http(r);
  const std::string body(result.body.begin(), result.body.end());
  INFO(body << "\n" << server.log());
  CHECK(result.status == 500);
  CHECK_THAT(body, Contains("\"internal\"") && Contains("reference"));
  CHECK_THAT(body,
             !Contains(setup.data().string()) && !Contains("enroll_tokens") && !Contains("/"));
  CHECK_THAT(server.log(), Contains("internal error (reference"));
  CHECK(server.stop(SIGTERM, 20s) == 0);
}
