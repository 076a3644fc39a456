#include "server_process.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "pg_cluster.hpp"
#include "process.hpp"
#include "store_backend.hpp"
#include "tongket/server/store_factory.hpp"

namespace tongket::test {

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

std::string server_binary() {
  const char* override_bin = std::getenv("TONGKET_TEST_SERVER_BIN");
  return override_bin && *override_bin ? override_bin : TONGKET_SERVER_BIN;
}

std::string test_database_url() {
  if (test_backend() != StoreBackend::postgresql) return {};
  return shared_pg_cluster().create_database(fresh_database_name());
}

ServerSetup::ServerSetup(std::string database) : database_(std::move(database)) {
  auto certs_run = run(
      {"/bin/sh", std::string(TONGKET_SOURCE_DIR) + "/certs/make-dev-certs.sh", certs().string()});
  INFO(certs_run.err);
  REQUIRE(certs_run.exit_code == 0);
  std::vector<std::string> init_argv = {TONGKET_SERVER_BIN, "init", "--data", data().string()};
  if (!database_.empty()) init_argv.insert(init_argv.end(), {"--database", database_});
  auto init = run(init_argv);
  INFO(init.err);
  REQUIRE(init.exit_code == 0);
  // The tests that asked for PostgreSQL really run on it.
  if (!database_.empty()) REQUIRE(server::data_store_url(data()) == database_);
}

std::string ServerSetup::token(const std::string& unit, const std::string& role) {
  auto r = run({TONGKET_SERVER_BIN, "token", "create", "--data", data().string(), "--unit", unit,
                "--role", role});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string t = r.out;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  REQUIRE(t.size() == 32);
  return t;
}

namespace {

std::vector<std::string> command(const std::string& program, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {program};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& args, const std::filesystem::path& log)
    : Child(command(server_binary(), args), process::Output::log(log)) {}

ServerProcess::ServerProcess(const std::filesystem::path& program,
                             const std::vector<std::string>& args, const std::filesystem::path& log)
    : Child(command(program.string(), args), process::Output::log(log)) {}

// ---- nginx ----

std::vector<std::string> test_nginx_settings() {
  return local::loopback_client_settings();
}

std::size_t open_fds(pid_t pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    ++n;
  return n;
}

std::size_t rss_bytes(pid_t pid) {
  std::istringstream status(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // kB
  throw std::runtime_error("no VmRSS for pid " + std::to_string(pid));
}

namespace {

struct Upload {
  const HttpRequest* request;
  std::size_t offset = 0;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  const auto& body = up->request->body;
  std::size_t left = body.size() - up->offset;
  if (left == 0) return 0;
  std::size_t k = std::min(left, size * n);
  std::memcpy(buffer, body.data() + up->offset, k);
  up->offset += k;
  return k;
}

std::size_t write_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(user);
  out->insert(out->end(), data, data + size * n);
  return size * n;
}

std::size_t write_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
      value.erase(0, 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
      value.pop_back();
    (*headers)[name] = value;
  }
  return size * n;
}

}  // namespace

HttpResult http(const HttpRequest& request) {
  HttpResult result;
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers)
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  headers = curl_slist_append(headers, "Expect:");  // cpprestsdk never sends 100 Continue
  if (request.chunked) headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
  Upload upload{&request};
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (!request.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    if (!request.chunked)
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  CURLcode rc = curl_easy_perform(curl);
  result.curl_code = rc;
  result.curl_error = error[0] ? error : curl_easy_strerror(rc);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  result.body_bytes_sent = upload.offset;
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return result;
}

RawExchange raw_https(const std::string& url_base, const std::filesystem::path& ca_file,
                      const std::string& bytes, std::chrono::milliseconds timeout) {
  RawExchange out;
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  curl_easy_setopt(curl, CURLOPT_URL, url_base.c_str());
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform(curl) != CURLE_OK) {
    curl_easy_cleanup(curl);
    throw std::runtime_error("raw_https: cannot connect to " + url_base);
  }
  curl_socket_t sock = CURL_SOCKET_BAD;
  curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &sock);
  auto until = std::chrono::steady_clock::now() + timeout;
  auto wait_for = [&](short events) {
    pollfd p{sock, events, 0};
    ::poll(&p, 1, 50);
  };
  std::size_t sent = 0;
  while (sent < bytes.size() && std::chrono::steady_clock::now() < until) {
    std::size_t n = 0;
    CURLcode rc = curl_easy_send(curl, bytes.data() + sent, bytes.size() - sent, &n);
    if (rc == CURLE_AGAIN) {
      wait_for(POLLOUT);
      continue;
    }
    if (rc != CURLE_OK) break;  // the server may close early: then read what it said
    sent += n;
  }
  char buf[4096];
  while (std::chrono::steady_clock::now() < until) {
    std::size_t n = 0;
    CURLcode rc = curl_easy_recv(curl, buf, sizeof buf, &n);
    if (rc == CURLE_AGAIN) {
      wait_for(POLLIN);
      continue;
    }
    if (rc != CURLE_OK || n == 0) {  // orderly close, or a TCP close without close_notify
      out.closed_by_server = true;
      break;
    }
    out.received.append(buf, n);
  }
  curl_easy_cleanup(curl);
  return out;
}

bool wait_until_healthy(const std::string& url_base, const std::filesystem::path& ca_file,
                        std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    HttpRequest r;
    r.method = "GET";
    r.url = url_base + "/healthz";
    r.ca_file = ca_file;
    r.timeout_ms = 2000;
    if (http(r).status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool wait_until_serving(const std::string& url_base, const std::filesystem::path& ca_file,
                        std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    HttpRequest r;
    r.method = "GET";
    r.url = url_base + "/v1/status";
    r.ca_file = ca_file;
    r.timeout_ms = 2000;
    if (http(r).status != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace tongket::test
