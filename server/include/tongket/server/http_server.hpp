// The HTTP edge: cpprestsdk's http_listener in front of the protocol handlers.
// Production: plain HTTP on loopback (--insecure-http) behind nginx, which terminates TLS and
// enforces sizes, time-outs and rate limits (deploy/nginx, docs/security.md); the client address
// nginx passes (X-Real-IP) becomes Request::source, trusted only from a loopback peer.
// Its own TLS (https:// listen URL) is for development and tests only, and says so on start.
// GET /healthz answers 200 "ok" when the store answers (for nginx, systemd, monitoring).
// GET /metrics: the counters (metrics.hpp) in the Prometheus text format, to loopback only.
// Every request gets an id (nginx's X-Request-Id from the loopback proxy, else a random one):
// in each log line of the request (structured, log_line.hpp) and in the reply's X-Request-Id.
// Threads: the listener's pool reads bodies and runs protocol::prepare() (decode, hash, verify
// with cached keys) in parallel; the one store thread runs dispatch() (docs/architecture.md).
// A 500 reply never carries the handler's message (paths, SQL): the log keeps it.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

namespace tongket::server {

// The routes the edge answers itself (the protocol's are protocol.hpp's routes()).
struct EdgeRoute {
  const char* method;
  const char* path;
};
inline constexpr EdgeRoute kEdgeRoutes[] = {{"GET", "/healthz"}, {"GET", "/metrics"}};

struct ServeOptions {
  std::filesystem::path data_dir;
  std::string listen = "https://127.0.0.1:8443";
  // PEM certificate (chain: leaf first) and key. Default: DATA/server.pem, DATA/server-key.pem.
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
  bool insecure_http = false;              // http:// on 127.0.0.1 only
  std::size_t max_body = 4 * 1024 * 1024;  // Content-Length over this -> 413, unread
  std::size_t threads = 2;                 // listener pool: 2..4
  std::size_t max_queue = 256;             // requests waiting for the store -> 503 beyond
  // A body that has not fully arrived this long after its headers gets 408 and the connection
  // is closed (cpprestsdk has no timeouts of its own; a dead 2G link would hold its socket
  // forever). Generous: 1 MiB over a slow 2G link takes minutes.
  std::chrono::seconds body_timeout{600};
  // After SIGTERM/SIGINT: how long in-flight requests may take before the listener closes.
  std::chrono::seconds drain_timeout{30};
  std::function<void(const std::string&)> log;  // one line, no newline; stderr when empty
};

// Runs the server until SIGTERM or SIGINT, then stops accepting (503), drains in-flight
// requests and closes. Returns the process exit code (0 after a clean shutdown).
// Throws tongket::Error for bad options, a missing store or unreadable certificates.
int serve(const ServeOptions& options);

}  // namespace tongket::server
