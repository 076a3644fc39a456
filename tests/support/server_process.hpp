// The real tongket-server binary as a background process for e2e tests, and a small libcurl
// HTTPS client that pins a CA file (as the real client does).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace tongket::test {

// A TCP port on 127.0.0.1 that was free a moment ago (cpprestsdk cannot listen on port 0).
int free_port();

// A data directory initialised with `tongket-server init`, and dev certificates made by
// certs/make-dev-certs.sh, in a temp dir.
class ServerSetup {
 public:
  ServerSetup();
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path data() const { return dir_ / "data"; }
  std::filesystem::path certs() const { return dir_ / "certs"; }
  std::filesystem::path ca() const { return certs() / "ca.pem"; }
  // `tongket-server token create ...`: the token printed on stdout.
  std::string token(const std::string& unit, const std::string& role);

 private:
  TempDir dir_{"tongket-server-e2e"};
};

class ServerProcess {
 public:
  // Starts TONGKET_SERVER_BIN with `args`; stdout and stderr go to a log file.
  explicit ServerProcess(const std::vector<std::string>& args, const std::filesystem::path& log);
  ~ServerProcess();  // SIGKILL if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Sends `sig` and waits for the exit; the exit code, or 128 + signal; nullopt on timeout.
  std::optional<int> stop(int sig, std::chrono::milliseconds timeout);
  bool running();
  std::string log() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_;
  std::optional<int> exit_code_;
};

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

}  // namespace tongket::test
