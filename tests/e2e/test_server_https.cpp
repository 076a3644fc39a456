// The real tongket-server binary over HTTPS (dev certificates from certs/make-dev-certs.sh,
// pinned CA), driven with libcurl: enroll, push, pull, refusals at the edge, clean shutdown.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "process.hpp"
#include "server_fixture.hpp"
#include "server_process.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/messages.hpp"

using namespace tongket;
using namespace tongket::test;
using namespace std::chrono_literals;

namespace {

HttpResult send(const std::string& base, const std::filesystem::path& ca,
                const server::Request& req) {
  HttpRequest r;
  r.method = req.method;
  r.url = base + req.path;
  r.headers = req.headers;
  r.body = req.body;
  r.ca_file = ca;
  return http(r);
}

sync::Bytes opened(const HttpResult& r) {
  auto it = r.headers.find("content-encoding");
  return sync::open_body(it == r.headers.end() ? "" : it->second, r.body);
}

}  // namespace

TEST_CASE("tongket-server over HTTPS: enroll, push, pull, refusals, SIGTERM", "[server][e2e]") {
  ServerSetup setup;
  const int port = free_port();
  const std::string base = "https://127.0.0.1:" + std::to_string(port);
  ServerProcess server({"serve", "--data", setup.data().string(), "--listen", base, "--cert",
                        (setup.certs() / "server.pem").string(), "--key",
                        (setup.certs() / "server-key.pem").string(), "--max-body", "65536"},
                       setup.dir() / "server.log");
  INFO(server.log());
  REQUIRE(wait_until_serving(base, setup.ca(), 15s));

  // Enroll with a token made by the admin command.
  TestDevice device;
  {
    sync::EnrollRequest er{setup.token(kCommune, "clerk"), device.key.public_key(), "e2e",
                           kCommune};
    server::Request req{"POST",
                        sync::kPathEnroll,
                        {{"Content-Type", "application/json"}},
                        sync::encode_enroll_request(er)};
    auto r = send(base, setup.ca(), req);
    INFO(r.curl_error);
    REQUIRE(r.status == 200);
    auto reply = sync::decode_enroll_reply(opened(r));
    device.id = reply.device_id;
    device.unit = reply.unit;
    CHECK(reply.unit == kCommune);
    // A token enrolls once.
    CHECK(send(base, setup.ca(), req).status == 401);
  }

  // Push a change set, gzipped as the client does for larger bodies.
  auto cs = device.change_set(
      {device.op(kCountField, 42), device.op(kTextField, std::string(2000, 'x'))});
  {
    auto body = sync::make_body(sync::encode_push_request({cs}));
    REQUIRE(body.gzipped);
    auto req = device.request("POST", sync::kPathPush, body.bytes);
    req.headers["Content-Encoding"] = "gzip";
    req.headers["Content-Type"] = "application/cbor";
    auto r = send(base, setup.ca(), req);
    INFO(r.curl_error);
    REQUIRE(r.status == 200);
    auto reply = sync::decode_push_reply(opened(r));
    REQUIRE(reply.results.size() == 1);
    CHECK(reply.results[0].status == sync::PushStatus::applied);
    CHECK(reply.results[0].server_seq == 2);
  }

  // Pull it back.
  {
    auto req = device.request("POST", sync::kPathPull, sync::encode_pull_request({"", {}, 100}));
    req.headers["Accept-Encoding"] = "gzip";
    auto r = send(base, setup.ca(), req);
    REQUIRE(r.status == 200);
    CHECK(r.headers["content-encoding"] == "gzip");
    auto page = sync::decode_pull_page(opened(r));
    REQUIRE(page.events.size() == 2);
    CHECK(page.events[0].field == kCountField);
    CHECK(page.events[0].value == 42);
    CHECK_FALSE(page.more);
  }

  SECTION("a replayed request is refused") {
    auto req = device.request("POST", sync::kPathPull, sync::encode_pull_request({}));
    CHECK(send(base, setup.ca(), req).status == 200);
    auto again = send(base, setup.ca(), req);
    CHECK(again.status == 401);
  }

  SECTION("plain HTTP to the HTTPS port gets no HTTP answer") {
    HttpRequest r;
    r.method = "GET";
    r.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/status";
    r.timeout_ms = 5000;
    auto result = http(r);
    CHECK(result.status == 0);
    CHECK(result.curl_code != 0);
  }

  SECTION("a body over --max-body is refused from its Content-Length, unread") {
    // Announces 1 GiB, sends 1000 bytes, then waits: only a refusal from the headers can
    // come back, and the server closes the connection instead of reading on.
    std::string request =
        "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/cbor\r\n"
        "Content-Length: 1073741824\r\n\r\n" +
        std::string(1000, 'x');
    auto start = std::chrono::steady_clock::now();
    auto result = raw_https(base, setup.ca(), request, 10s);
    CHECK(result.received.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(result.received.find("too_large") != std::string::npos);
    CHECK(result.closed_by_server);
    CHECK(std::chrono::steady_clock::now() - start < 8s);
  }
  SECTION("a body over --max-body sent whole by curl gets 413 too") {
    HttpRequest r;
    r.url = base + sync::kPathPush;
    r.ca_file = setup.ca();
    r.body = sync::Bytes(70000, 'x');
    auto result = http(r);
    INFO(result.curl_error);
    // curl may see the connection closed while it still sends; when it got the answer,
    // the answer is 413.
    if (result.status != 0) CHECK(result.status == 413);
  }

  SECTION("a body without Content-Length gets 411") {
    HttpRequest r;
    r.url = base + sync::kPathPush;
    r.ca_file = setup.ca();
    r.body = sync::Bytes(100, 'x');
    r.chunked = true;
    auto result = http(r);
    INFO(result.curl_error);
    CHECK(result.status == 411);
  }

  SECTION("the admin commands see what happened while the server runs") {
    auto audit =
        run({TONGKET_SERVER_BIN, "audit", "--data", setup.data().string(), "--unit", kCommune});
    INFO(audit.err);
    CHECK(audit.exit_code == 0);
    CHECK(audit.out.find("signature verified") != std::string::npos);
    CHECK(audit.out.find(kCountField) != std::string::npos);
    auto devices = run({TONGKET_SERVER_BIN, "devices", "list", "--data", setup.data().string()});
    CHECK(devices.out.find(device.id) != std::string::npos);
    auto revoke = run({TONGKET_SERVER_BIN, "devices", "revoke", "--data", setup.data().string(),
                       "--device", device.id});
    CHECK(revoke.exit_code == 0);
    auto req = device.request("POST", sync::kPathPull, sync::encode_pull_request({}));
    auto r = send(base, setup.ca(), req);
    CHECK(r.status == 401);
    CHECK(nlohmann::json::parse(r.body)["error"]["code"] == "revoked");
  }

  // SIGTERM: drain, close, exit 0.
  auto code = server.stop(SIGTERM, 20s);
  INFO(server.log());
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(server.log().find("stopped") != std::string::npos);
}

TEST_CASE("tongket-server refuses plain HTTP unless asked, and then only on loopback",
          "[server][e2e]") {
  ServerSetup setup;
  const int port = free_port();
  auto refused = run({TONGKET_SERVER_BIN, "serve", "--data", setup.data().string(), "--listen",
                      "http://127.0.0.1:" + std::to_string(port)});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("--insecure-http") != std::string::npos);
  auto not_loopback =
      run({TONGKET_SERVER_BIN, "serve", "--data", setup.data().string(), "--insecure-http",
           "--listen", "http://0.0.0.0:" + std::to_string(port)});
  CHECK(not_loopback.exit_code == 2);

  ServerProcess server({"serve", "--data", setup.data().string(), "--insecure-http", "--listen",
                        "http://127.0.0.1:" + std::to_string(port), "--body-timeout", "1"},
                       setup.dir() / "server.log");
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  REQUIRE(wait_until_serving(base, {}, 15s));
  CHECK(server.log().find("WARNING") != std::string::npos);
  HttpRequest r;
  r.url = base + sync::kPathPull;
  r.body = sync::encode_pull_request({});
  auto result = http(r);
  CHECK(result.status == 401);  // unsigned

  // A body that stops arriving: 408 after --body-timeout, and the connection is closed.
  auto start = std::chrono::steady_clock::now();
  auto stalled = raw_https(base, {},
                           "POST /v1/pull HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Content-Length: 100\r\n\r\n0123456789",
                           10s);
  CHECK(stalled.received.rfind("HTTP/1.1 408", 0) == 0);
  CHECK(stalled.closed_by_server);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CHECK(http(r).status == 401);  // and the server goes on
  auto code = server.stop(SIGINT, 20s);
  REQUIRE(code);
  CHECK(*code == 0);
}
