// The real tongket-server binary as a background process for e2e tests, the private nginx
// in front of it (the production layout, configured by deploy/nginx/render.sh), and a small
// libcurl HTTPS client that pins a CA file (as the real client does).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"
#include "tongket/local/nginx.hpp"
#include "tongket/process/child.hpp"

namespace tongket::test {

// free_port() is tongket::process::free_port (process.hpp).
// A TCP connection to 127.0.0.1:port (REQUIREs that it connects); the caller closes it.
int connect_loopback(int port);

// The tongket-server binary `serve` runs with: $TONGKET_TEST_SERVER_BIN when set (scripts/tsan.sh
// points it at a ThreadSanitizer build), else the build's TONGKET_SERVER_BIN.
std::string server_binary();

// The store URL a test server gets: empty (SQLite in the data dir) unless
// TONGKET_TEST_DATABASE=postgresql, then a fresh database in this process's private cluster.
std::string test_database_url();

// A data directory initialised with `tongket-server init [--database URL]`, and dev
// certificates made by certs/make-dev-certs.sh, in a temp dir.
class ServerSetup {
 public:
  explicit ServerSetup(std::string database = test_database_url());
  const std::string& database() const { return database_; }  // empty: SQLite in data()
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path data() const { return dir_ / "data"; }
  std::filesystem::path certs() const { return dir_ / "certs"; }
  std::filesystem::path ca() const { return certs() / "ca.pem"; }
  // `tongket-server token create ...`: the token printed on stdout.
  std::string token(const std::string& unit, const std::string& role);

 private:
  TempDir dir_{"tongket-server-e2e"};
  std::string database_;
};

// A tongket::process::Child (tools/process/include/tongket/process/child.hpp) with stdout and
// stderr in one log: stop(sig, timeout) (the exit code, or 128 + signal; nullopt on timeout),
// running(), log(), pid(); SIGKILLed and reaped at scope exit if still running.
class ServerProcess : public process::Child {
 public:
  // Starts server_binary() with `args`; stdout and stderr go to a log file.
  explicit ServerProcess(const std::vector<std::string>& args, const std::filesystem::path& log);
  // Starts another program (nginx) the same way.
  ServerProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
                const std::filesystem::path& log);
};

// nginx (Debian's) run unprivileged from a prefix in the foreground with the production site
// (deploy/nginx/render.sh) in front of tongket-server: tongket::local::Nginx
// (tools/local-deploy/include/tongket/local/nginx.hpp), shared with bench/. It throws (and the
// test fails with render.sh's, nginx -t's or the error log's words) if nginx does not start.
using NginxProcess = local::Nginx;

// The production settings for nginx relaxed for a test suite whose clients all come from
// 127.0.0.1 (per-address request and connection limits far above what one test makes).
std::vector<std::string> test_nginx_settings();

// What a process holds, from /proc/<pid>: open file descriptors and resident memory (bytes).
std::size_t open_fds(pid_t pid);
std::size_t rss_bytes(pid_t pid);

struct HttpResult {
  long status = 0;  // 0 when no HTTP response came back
  int curl_code = 0;
  std::string curl_error;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::vector<std::uint8_t> body;
  std::size_t body_bytes_sent = 0;  // what the read callback handed to curl
};

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::map<std::string, std::string> headers;
  std::vector<std::uint8_t> body;
  std::filesystem::path ca_file;  // pinned CA; empty for plain HTTP
  bool chunked = false;  // send the body with Transfer-Encoding: chunked (no Content-Length)
  long timeout_ms = 15000;
};

HttpResult http(const HttpRequest& request);

// Raw bytes over a libcurl TLS connection (CURLOPT_CONNECT_ONLY, CA pinned): sends `bytes`,
// then reads until the server closes the connection or `timeout` passes.
struct RawExchange {
  std::string received;
  bool closed_by_server = false;
};
RawExchange raw_https(const std::string& url_base, const std::filesystem::path& ca_file,
                      const std::string& bytes, std::chrono::milliseconds timeout);

// Waits until the server answers HTTPS at `url_base` (any HTTP status); false on timeout.
bool wait_until_serving(const std::string& url_base, const std::filesystem::path& ca_file,
                        std::chrono::milliseconds timeout);
// Waits until GET <url_base>/healthz answers 200 (through nginx: the server behind it and its
// store answer too); false on timeout. `ca_file` empty for plain HTTP.
bool wait_until_healthy(const std::string& url_base, const std::filesystem::path& ca_file,
                        std::chrono::milliseconds timeout);

}  // namespace tongket::test
