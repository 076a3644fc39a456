// The HTTP edge: cpprestsdk's http_listener in front of the protocol handlers.
// TLS by default; plain HTTP only on loopback behind a TLS-terminating proxy.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

namespace tongket::server {

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
  std::function<void(const std::string&)> log;  // one line, no newline; stderr when empty
};

// Runs the server until SIGTERM or SIGINT, then stops accepting (503), drains in-flight
// requests and closes. Returns the process exit code (0 after a clean shutdown).
// Throws tongket::Error for bad options, a missing store or unreadable certificates.
int serve(const ServeOptions& options);

}  // namespace tongket::server
