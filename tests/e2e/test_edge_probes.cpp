// The production layout probed as issue 11 did: nginx (deploy/nginx/render.sh) terminating TLS
// in front of tongket-server on loopback. Aborted handshakes and slow request heads must leave
// no file descriptors or memory behind in any server process while real syncs go on; oversized
// heads and bodies are refused by nginx before they are read, and tongket-server never sees them.
// Every loop is bounded and on loopback only.
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <iostream>
#include <map>
#include <thread>

#include "process.hpp"
#include "server_process.hpp"
#include "sync_world.hpp"
#include "tls_probe.hpp"

using namespace tongket;
using namespace tongket::test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

constexpr const char* kCommuneA = "25456";
constexpr const char* kCommuneB = "25459";

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may have closed already: that is fine here
    sent += static_cast<std::size_t>(n);
  }
}

void close_with_reset(int fd) {
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

// A real ClientHello (one TLS record), as OpenSSL's client would send it first.
std::string client_hello() {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, in, out);
  SSL_set_tlsext_host_name(ssl, "localhost");
  SSL_set_connect_state(ssl);
  SSL_do_handshake(ssl);  // wants to read the ServerHello: the ClientHello is in `out`
  char* data = nullptr;
  long n = BIO_get_mem_data(out, &data);
  std::string hello(data, static_cast<std::size_t>(n));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ERR_clear_error();
  return hello;
}

// One connection that ends before a TLS handshake completes, in one of four ways.
void aborted_handshake(int port, int kind, const std::string& hello) {
  int fd = connect_loopback(port);
  switch (kind % 4) {
    case 0:  // FIN before any byte
      ::close(fd);
      break;
    case 1:  // RST before any byte
      close_with_reset(fd);
      break;
    case 2:  // a partial ClientHello (half the record), then FIN
      send_all(fd, hello.substr(0, hello.size() / 2));
      ::close(fd);
      break;
    default:  // a truncated record: its 5-byte header and a few bytes of it, then RST
      send_all(fd, hello.substr(0, 5 + 16));
      close_with_reset(fd);
      break;
  }
}

// A TLS connection that completed its handshake and then sends only part of a request head.
struct SlowHead {
  int fd = -1;
  SSL* ssl = nullptr;
};

SlowHead open_slow_head(SSL_CTX* ctx, int port) {
  SlowHead c;
  c.fd = connect_loopback(port);
  c.ssl = SSL_new(ctx);
  SSL_set_fd(c.ssl, c.fd);
  SSL_set_tlsext_host_name(c.ssl, "localhost");
  REQUIRE(SSL_connect(c.ssl) == 1);
  const std::string head = "GET /v1/edge-probe-slow HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
  REQUIRE(SSL_write(c.ssl, head.data(), static_cast<int>(head.size())) ==
          static_cast<int>(head.size()));
  return c;
}

// Waits (at most until `until`) for the server to close the connection; true if it did.
bool closed_by_server(SlowHead& c, std::chrono::steady_clock::time_point until) {
  char buf[512];
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{c.fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int n = SSL_read(c.ssl, buf, sizeof buf);
    if (n <= 0) return true;  // close_notify, EOF or reset: the server let go
  }
  return false;
}

void close_slow_head(SlowHead& c) {
  SSL_free(c.ssl);
  ::close(c.fd);
  ERR_clear_error();
}

// Every server process of the layout: nginx's master and workers, and tongket-server.
std::map<pid_t, std::string> server_processes(const SyncServer& server) {
  std::map<pid_t, std::string> out{{server.nginx()->master(), "nginx master"},
                                   {server.pid(), "tongket-server"}};
  for (pid_t w : server.nginx()->workers()) out[w] = "nginx worker";
  return out;
}

struct Usage {
  std::size_t fds = 0;
  std::size_t rss = 0;
};

std::map<pid_t, Usage> usage_of(const std::map<pid_t, std::string>& processes) {
  std::map<pid_t, Usage> out;
  for (const auto& [pid, name] : processes) out[pid] = {open_fds(pid), rss_bytes(pid)};
  return out;
}

std::string describe(const std::map<pid_t, std::string>& names, const std::map<pid_t, Usage>& u) {
  std::string s;
  for (const auto& [pid, use] : u)
    s += names.at(pid) + " (pid " + std::to_string(pid) + "): " + std::to_string(use.fds) +
         " fds, " + std::to_string(use.rss / 1024) + " KiB RSS\n";
  return s;
}

// Within 10 fds and 10 MB of the baseline; waits (bounded) for connections being torn down.
bool back_to_baseline(const std::map<pid_t, std::string>& names,
                      const std::map<pid_t, Usage>& baseline, std::map<pid_t, Usage>& now) {
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (true) {
    now = usage_of(names);
    bool ok = std::all_of(baseline.begin(), baseline.end(), [&](const auto& b) {
      const Usage& n = now.at(b.first);
      return n.fds <= b.second.fds + 10 && n.rss <= b.second.rss + 10 * 1000 * 1000;
    });
    if (ok || std::chrono::steady_clock::now() > until) return ok;
    std::this_thread::sleep_for(200ms);
  }
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE(
    "behind nginx: 2,000 aborted handshakes and 300 slow heads leave nothing behind, "
    "syncs go on",
    "[e2e][edge]") {
  // A short head time-out so that the 300 slow heads are dropped by nginx within seconds.
  SyncServer server(SyncServer::Layout::behind_nginx, {}, {"HEADER_TIMEOUT=6"});
  TempDir dir("tongket-edge-probes");
  SyncClient a(dir.path(), "commune-a");
  SyncClient b(dir.path(), "commune-b");
  a.init(kCommuneA, "Nguyễn Văn A");
  b.init(kCommuneB, "Lê Thị B");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  b.enroll(server, server.token(kCommuneB, "clerk"));
  a.set("PL1.4", "2016", "3");
  a.sync_ok();
  b.sync_ok();

  const auto names = server_processes(server);
  REQUIRE(names.size() >= 3);  // master, at least one worker, tongket-server
  const auto baseline = usage_of(names);
  const std::string hello = client_hello();
  REQUIRE(hello.size() > 100);
  REQUIRE(hello[0] == 0x16);  // a handshake record

  // 2,000 connections cut before a handshake completes, while commune A syncs an edit.
  auto probes = std::async(std::launch::async, [&] {
    for (int i = 0; i < 2000; ++i) aborted_handshake(server.port(), i, hello);
  });
  a.set("PL1.4", "2017", "4");
  a.sync_ok();
  probes.get();

  // 300 connections that complete TLS, then send a request head slowly (never finishing it).
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  REQUIRE(SSL_CTX_load_verify_locations(ctx, server.ca().c_str(), nullptr) == 1);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  std::vector<SlowHead> slow;
  for (int i = 0; i < 300; ++i) slow.push_back(open_slow_head(ctx, server.port()));
  const auto held = usage_of(names);
  // While they are held, commune B syncs an edit; the server holds A's and B's.
  b.set("PL1.4", "2018", "5");
  b.sync_ok();
  CHECK(server_values(server.data(), kCommuneA).at({kCommuneA, "v:PL1.4:2017"}) == 4);
  CHECK(server_values(server.data(), kCommuneB).at({kCommuneB, "v:PL1.4:2018"}) == 5);
  // nginx drops every one of them after its head time-out.
  std::size_t dropped = 0;
  const auto until = std::chrono::steady_clock::now() + 30s;
  for (auto& c : slow) dropped += closed_by_server(c, until) ? 1 : 0;
  for (auto& c : slow) close_slow_head(c);
  SSL_CTX_free(ctx);
  CHECK(dropped == slow.size());

  std::map<pid_t, Usage> after;
  const bool settled = back_to_baseline(names, baseline, after);
  INFO("baseline:\n"
       << describe(names, baseline) << "with 300 slow heads held:\n"
       << describe(names, held) << "after:\n"
       << describe(names, after));
  CHECK(settled);
  // The figures for docs/security.md.
  std::cout << "edge probes through nginx\nbaseline:\n"
            << describe(names, baseline) << "with 300 slow heads held:\n"
            << describe(names, held) << "after:\n"
            << describe(names, after) << std::flush;
  // The slow heads did hold connections in nginx's worker (the probe reached it)...
  std::size_t held_by_workers = 0;
  for (const auto& [pid, use] : held)
    if (names.at(pid) == "nginx worker") held_by_workers += use.fds;
  CHECK(held_by_workers >= 300);
  // ...and none of it reached tongket-server: only the syncs' requests are in its log.
  CHECK_THAT(server.server_log(), !Contains("edge-probe-slow"));
  // A last sync after all of it.
  a.set("PL1.4", "2019", "6");
  a.sync_ok();
}

TEST_CASE(
    "behind nginx: oversized heads and bodies are refused unread, the client address "
    "comes from nginx",
    "[e2e][edge]") {
  SyncServer server({"--max-body", "65536"});
  auto served = [&](const std::string& what) { return count_of(server.server_log(), what); };

  // A control: an ordinary request reaches tongket-server and shows in its log.
  HttpRequest control;
  control.method = "GET";
  control.url = server.url() + "/v1/edge-probe-control";
  control.ca_file = server.ca();
  CHECK(http(control).status == 404);
  CHECK(served("method=GET path=/v1/edge-probe-control status=404") == 1);

  SECTION("a 1 MiB header line: 400 from nginx, never forwarded") {
    const std::string request = "GET /v1/edge-probe-header HTTP/1.1\r\nHost: localhost\r\nX-Pad: " +
                                std::string(1 << 20, 'a') + "\r\n\r\n";
    auto result = raw_https(server.url(), server.ca(), request, 10s);
    INFO(result.received.substr(0, 300));
    CHECK(result.received.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(result.closed_by_server);
    CHECK(served("edge-probe-header") == 0);
  }
  SECTION("a body over the limit: 413 from its Content-Length, in the protocol's format") {
    const std::string request =
        "POST /v1/edge-probe-body HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/cbor\r\n"
        "Content-Length: 1073741824\r\n\r\n" +
        std::string(1000, 'x');
    auto result = raw_https(server.url(), server.ca(), request, 10s);
    INFO(result.received);
    CHECK(result.received.rfind("HTTP/1.1 413", 0) == 0);
    CHECK_THAT(result.received, Contains("\"too_large\"") && Contains("65536"));
    CHECK(result.closed_by_server);
    CHECK(served("edge-probe-body") == 0);
  }
  SECTION("plain HTTP on the TLS port: no HTTP answer") {
    HttpRequest r;
    r.method = "GET";
    r.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/edge-probe-plain";
    auto result = http(r);
    CHECK(result.status == 0);
    CHECK(served("edge-probe-plain") == 0);
  }
  SECTION("the address a client claims is replaced by the one nginx saw") {
    HttpRequest r = control;
    r.url = server.url() + "/v1/edge-probe-source";
    r.headers = {{"X-Real-IP", "198.51.100.7"}, {"X-Forwarded-For", "203.0.113.5"}};
    CHECK(http(r).status == 404);
    CHECK(served("method=GET path=/v1/edge-probe-source status=404 ") == 1);
    CHECK(served("source=127.0.0.1") >= 1);
    CHECK(served("198.51.100.7") == 0);
    CHECK(served("203.0.113.5") == 0);
    // The proxy's header is what tongket-server logs: straight to its loopback port (as nginx
    // does), the passed address is taken.
    r.url = "http://127.0.0.1:" + std::to_string(server.backend_port()) + "/v1/edge-probe-passed";
    r.ca_file.clear();
    CHECK(http(r).status == 404);
    CHECK(served("method=GET path=/v1/edge-probe-passed status=404") == 1);
    CHECK(served("source=198.51.100.7") == 1);
  }
  SECTION("GET /healthz: 200 ok through nginx and on the server's own port") {
    HttpRequest r = control;
    r.url = server.url() + "/healthz";
    auto through = http(r);
    CHECK(through.status == 200);
    CHECK(std::string(through.body.begin(), through.body.end()) == "ok\n");
    r.url = "http://127.0.0.1:" + std::to_string(server.backend_port()) + "/healthz";
    r.ca_file.clear();
    CHECK(http(r).status == 200);
    // With tongket-server gone, nginx says so (503 in the protocol's format).
    server.kill9();
    r.url = server.url() + "/healthz";
    r.ca_file = server.ca();
    auto down = http(r);
    CHECK(down.status == 503);
    CHECK_THAT(std::string(down.body.begin(), down.body.end()), Contains("\"unavailable\""));
    server.start();
    CHECK(http(r).status == 200);
  }
  SECTION("TLS 1.2 CBC suites are not offered") {
    CHECK(tls12_handshake(server.port(), server.ca(), "ECDHE-ECDSA-AES128-GCM-SHA256"));
    CHECK_FALSE(tls12_handshake(server.port(), server.ca(), kTls12CbcSuites));
  }
}

TEST_CASE("behind nginx: requests over the per-address rate get 429 in the protocol's format",
          "[e2e][edge]") {
  SyncServer server;
  TempDir dir("tongket-edge-rate");
  // A second nginx in front of the same tongket-server, with a rate of 1 request/s, burst 2.
  const int port = free_port();
  NginxProcess strict(dir.path() / "nginx", port, server.backend_port(),
                      server.dir() / "certs" / "server.pem",
                      server.dir() / "certs" / "server-key.pem", {"REQ_RATE=1", "REQ_BURST=2"});
  HttpRequest r;
  r.method = "GET";
  r.url = "https://127.0.0.1:" + std::to_string(port) + "/healthz";
  r.ca_file = server.ca();
  std::map<long, int> statuses;
  std::string refused_body;
  for (int i = 0; i < 10; ++i) {
    auto result = http(r);
    ++statuses[result.status];
    if (result.status == 429) refused_body.assign(result.body.begin(), result.body.end());
  }
  CHECK(statuses[200] >= 1);
  CHECK(statuses[429] >= 5);
  CHECK_THAT(refused_body, Contains("\"unavailable\"") && Contains("retry"));
  CHECK(strict.error_log().find("limiting requests") != std::string::npos);
}

TEST_CASE("deploy/nginx/tongket.conf is what the template renders for production", "[e2e][edge]") {
  auto rendered =
      run({"/bin/sh", std::string(TONGKET_SOURCE_DIR) + "/deploy/nginx/render.sh", "production"});
  REQUIRE(rendered.exit_code == 0);
  CHECK(rendered.out == read_file(std::string(TONGKET_SOURCE_DIR) + "/deploy/nginx/tongket.conf"));
  // A bad setting is refused with its name.
  auto bad = run({"/bin/sh", std::string(TONGKET_SOURCE_DIR) + "/deploy/nginx/render.sh", "site",
                  "MAX_BODY=4m;"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Contains("MAX_BODY"));
}
