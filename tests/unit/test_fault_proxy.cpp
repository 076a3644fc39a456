// The fault proxy: its pure parts driven by an injected clock, and the real binary run as a
// child process between a client and a tiny TCP server on 127.0.0.1.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fault_proxy/delay_queue.hpp"
#include "fault_proxy/fault_plan.hpp"
#include "fault_proxy/options.hpp"
#include "fault_proxy/token_bucket.hpp"
#include "temp_dir.hpp"
#include "tongket/error.hpp"
#include "tongket/process/child.hpp"
#include "tongket/process/ports.hpp"

using namespace tongket::fault_proxy;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

// ---------------------------------------------------------------- helpers for the e2e part

// Deterministic bytes, so a corrupted or reordered transfer cannot go unnoticed.
std::string pattern(std::size_t n) {
  std::mt19937 rng(12345);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

bool send_all_blocking(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void set_timeouts(int fd, std::chrono::seconds limit) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(limit.count());
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// A tiny TCP server on 127.0.0.1. Each connection starts with a command line:
//   "ECHO\n"     echoes every later byte until the client half-closes, then closes;
//   "BYTES n\n"  sends pattern(n), half-closes, and closes once the client closes.
class TestServer {
 public:
  TestServer() {
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~TestServer() {
    stop_ = true;
    acceptor_.join();
    for (auto& w : workers_) w.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return static_cast<std::uint16_t>(listener_.port()); }
  std::string target() const { return "127.0.0.1:" + std::to_string(listener_.port()); }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{listener_.fd(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) workers_.emplace_back([fd] { serve(fd); });
    }
  }

  static void serve(int fd) {
    set_timeouts(fd, 10s);  // a stuck test fails instead of hanging
    std::string line;
    char c = 0;
    while (line.size() < 64 && ::recv(fd, &c, 1, 0) == 1 && c != '\n') line += c;
    std::vector<char> buf(64 * 1024);
    if (line == "ECHO") {
      for (;;) {
        const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n <= 0 || !send_all_blocking(fd, {buf.data(), static_cast<std::size_t>(n)})) break;
      }
    } else if (line.rfind("BYTES ", 0) == 0) {
      if (send_all_blocking(fd, pattern(std::stoul(line.substr(6))))) {
        ::shutdown(fd, SHUT_WR);
        while (::recv(fd, buf.data(), buf.size(), 0) > 0) {
        }
      }
    }
    ::close(fd);
  }

  tongket::process::LoopbackListener listener_;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> workers_;  // touched only by the acceptor until it is joined
};

// The real tongket-fault-proxy binary as a child process (stdout and stderr to files in a
// temp dir), through the one process spawner.
class ProxyProcess {
 public:
  explicit ProxyProcess(const std::vector<std::string>& args) {
    std::vector<std::string> argv{TONGKET_FAULT_PROXY_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    child_.emplace(argv, tongket::process::Output{dir_ / "proxy.out", dir_ / "proxy.err"});
    first_line_ = child_->first_line(10s).value_or("");
    const std::string prefix = "listening on 127.0.0.1:";
    if (first_line_.rfind(prefix, 0) == 0) port_ = std::stoi(first_line_.substr(prefix.size()));
  }

  std::uint16_t port() const { return static_cast<std::uint16_t>(port_); }
  const std::string& first_line() const { return first_line_; }

  // Asks the proxy to stop as a test harness would (SIGTERM) unless it already exited;
  // returns its exit code, or -1 if a signal ended it or it did not stop within 5 s.
  int stop(bool send_signal = true) {
    const auto code = send_signal ? child_->stop(SIGTERM, 5s) : child_->wait(5s);
    return code && *code < 128 ? *code : -1;  // the destructor kills one still running
  }

 private:
  tongket::test::TempDir dir_{"tongket-fault-proxy-test"};
  std::optional<tongket::process::Child> child_;
  int port_ = 0;
  std::string first_line_;
};

struct Exchange {
  std::string received;
  bool eof = false;  // the stream ended with a FIN
  int error = 0;     // errno of the failure that ended it (ECONNRESET for a reset)
  SteadyClock::duration first_byte_after{};
  SteadyClock::duration ended_after{};
};

// Connects to 127.0.0.1:port, sends `request` (reading concurrently, so a large echo cannot
// deadlock), half-closes, and reads until the stream ends or 10 s pass.
Exchange exchange(std::uint16_t port, std::string_view request) {
  Exchange ex;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  const auto start = SteadyClock::now();
  const auto give_up = start + 10s;
  bool sending = true;
  while (SteadyClock::now() < give_up) {
    if (sending && request.empty()) {
      ::shutdown(fd, SHUT_WR);
      sending = false;
    }
    pollfd p{fd, static_cast<short>(POLLIN | (sending ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    if (sending && (p.revents & POLLOUT)) {
      const ssize_t n = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
      if (n > 0) {
        request.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && errno != EAGAIN) {
        sending = false;  // the read below reports how the connection ended
      }
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[16384];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        if (ex.received.empty()) ex.first_byte_after = SteadyClock::now() - start;
        ex.received.append(buf, static_cast<std::size_t>(n));
      } else if (n == 0) {
        ex.eof = true;
        break;
      } else if (errno != EAGAIN) {
        ex.error = errno;
        break;
      }
    }
  }
  ex.ended_after = SteadyClock::now() - start;
  ::close(fd);
  return ex;
}

std::filesystem::path temp_stats_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("tongket-fault-proxy-" + std::to_string(::getpid()) + "-" + name + ".json");
}

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

}  // namespace

// ------------------------------------------------------------------------------- unit tests

TEST_CASE("token bucket refills at its rate up to its burst", "[fault-proxy]") {
  const TimePoint t0{};
  TokenBucket bucket(8000, 256, t0);
  CHECK(bucket.available(t0) == 256);  // starts full
  bucket.consume(256);
  CHECK(bucket.available(t0) == 0);
  CHECK(bucket.available(t0 + 10ms) == 80);
  CHECK(bucket.when_available(256, t0 + 10ms) == t0 + 32ms);
  CHECK(bucket.when_available(10'000, t0 + 10ms) == t0 + 32ms);  // capped at the burst
  CHECK(bucket.available(t0 + 5ms) == 80);                       // time going back: no change
  CHECK(bucket.available(t0 + 24h) == 256);                      // never beyond the burst
  CHECK_THROWS_AS(bucket.consume(257), tongket::Error);

  SECTION("a 64 kbit/s link needs 2.016 s for 16 KB after a 256-byte burst") {
    TokenBucket link(8000, 256, t0);
    TimePoint now = t0;
    std::uint64_t sent = 0;
    while (sent < 16384) {
      const std::uint64_t n = std::min<std::uint64_t>(link.available(now), 16384 - sent);
      link.consume(n);
      sent += n;
      if (sent < 16384) now = link.when_available(16384 - sent, now);
    }
    CHECK(now - t0 == 2016ms);
  }
  SECTION("rate 0 is unlimited") {
    TokenBucket open(0, 0, t0);
    CHECK(open.unlimited());
    CHECK(open.available(t0) > 1'000'000'000'000ull);
    CHECK(open.when_available(1'000'000, t0) == t0);
  }
  SECTION("an impossible burst is refused") {
    CHECK_THROWS_AS(TokenBucket(8000, 0, t0), tongket::Error);
  }
}

TEST_CASE("delay queue releases bytes at arrival plus delay, in order and bounded",
          "[fault-proxy]") {
  const TimePoint t0{};
  DelayQueue q(500ms, 10);
  CHECK(q.push(std::string_view("hello"), t0) == 5);
  CHECK(q.room() == 5);
  CHECK(q.ready(t0 + 499ms).empty());
  CHECK(q.next_due() == t0 + 500ms);
  CHECK(std::string_view(q.ready(t0 + 500ms).data(), q.ready(t0 + 500ms).size()) == "hello");

  CHECK(q.push(std::string_view("world!"), t0 + 100ms) == 5);  // only what fits
  CHECK(q.room() == 0);
  CHECK(q.push(std::string_view("x"), t0 + 100ms) == 0);
  q.consume(3);
  auto r = q.ready(t0 + 500ms);
  CHECK(std::string_view(r.data(), r.size()) == "lo");
  q.consume(2);
  CHECK(q.ready(t0 + 599ms).empty());  // the second chunk is not due yet
  CHECK(q.next_due() == t0 + 600ms);
  r = q.ready(t0 + 600ms);
  CHECK(std::string_view(r.data(), r.size()) == "world");

  q.close(t0 + 200ms);
  CHECK(q.closed());
  CHECK_FALSE(q.ended(t0 + 800ms));  // data before the end is still unread
  q.consume(5);
  CHECK(q.empty());
  CHECK_FALSE(q.ended(t0 + 699ms));
  CHECK(q.ended(t0 + 700ms));
  CHECK_THROWS_AS(q.push(std::string_view("late"), t0 + 300ms), tongket::Error);
  CHECK_THROWS_AS(q.consume(1), tongket::Error);
}

TEST_CASE("fault plan is deterministic per seed and honours its rates", "[fault-proxy]") {
  FaultRates mixed;
  mixed.reset_rate = 0.2;
  mixed.truncate_rate = 0.2;
  mixed.drop_rate = 0.1;
  mixed.cut_max_bytes = 1000;
  const auto fates = [&](std::uint64_t seed) {
    FaultPlan plan(mixed, seed);
    std::vector<std::pair<Fate, std::uint64_t>> out;
    for (int i = 0; i < 200; ++i) {
      const auto f = plan.next();
      out.emplace_back(f.fate, f.cut_after);
    }
    return out;
  };
  CHECK(fates(7) == fates(7));
  CHECK(fates(7) != fates(8));

  SECTION("rates of 0 and 1") {
    FaultRates none;
    FaultPlan quiet(none, 1);
    for (int i = 0; i < 100; ++i) CHECK(quiet.next().fate == Fate::pass);

    FaultRates resets;
    resets.reset_rate = 1.0;
    resets.reset_mode = ResetMode::midstream;
    resets.cut_max_bytes = 100;
    FaultPlan midstream(resets, 1);
    for (int i = 0; i < 100; ++i) {
      const auto f = midstream.next();
      CHECK(f.fate == Fate::reset_midstream);
      CHECK(f.cut_after <= 100);
    }
    resets.reset_mode = ResetMode::accept;
    resets.drop_rate = 1.0;  // a black hole wins over a reset
    FaultPlan drops(resets, 1);
    CHECK(drops.next().fate == Fate::blackhole);
  }
  SECTION("observed frequencies are near the rates") {
    FaultRates rates;
    rates.reset_rate = 0.25;
    FaultPlan plan(rates, 42);
    int on_accept = 0, midstream = 0;
    for (int i = 0; i < 20000; ++i) {
      const auto f = plan.next();
      on_accept += f.fate == Fate::reset_on_accept;
      midstream += f.fate == Fate::reset_midstream;
    }
    CHECK((on_accept + midstream) / 20000.0 == Approx(0.25).margin(0.02));
    CHECK(on_accept / double(on_accept + midstream) == Approx(0.5).margin(0.05));
  }
  SECTION("a rate outside 0..1 is refused") {
    FaultRates bad;
    bad.truncate_rate = 1.5;
    CHECK_THROWS_AS(FaultPlan(bad, 1), tongket::Error);
  }
}

TEST_CASE("options accept loopback targets only", "[fault-proxy]") {
  const auto parse = [](std::vector<std::string_view> args) { return parse_options(args); };
  const Options o = parse({"--target", "127.0.0.1:8443", "--latency-ms", "500", "--bandwidth-bps",
                           "64000", "--reset-rate", "0.5", "--reset-mode", "midstream", "--seed",
                           "9", "--stats-file", "/tmp/s.json"});
  CHECK(o.target.host == "127.0.0.1");
  CHECK(o.target.port == 8443);
  CHECK(o.latency_ms == 500);
  CHECK(bytes_per_second(o) == 8000);
  CHECK(effective_burst_bytes(o) == 256);
  CHECK(o.faults.reset_rate == 0.5);
  CHECK(o.faults.reset_mode == ResetMode::midstream);
  CHECK(o.seed == 9);
  CHECK(o.stats_file == "/tmp/s.json");
  CHECK(parse({"--target", "[::1]:443"}).target.host == "::1");

  for (const char* far : {"10.0.0.1:80", "0.0.0.0:80", "127.0.0.2:80", "localhost:80",
                          "example.org:443", "[2001:db8::1]:443"}) {
    CHECK_THROWS_WITH(parse({"--target", far}),
                      Catch::Contains("only 127.0.0.1 and ::1 are allowed"));
  }
  CHECK_THROWS_AS(parse({}), tongket::Error);                           // no target
  CHECK_THROWS_AS(parse({"--target", "127.0.0.1:0"}), tongket::Error);  // no port
  CHECK_THROWS_AS(parse({"--target", "127.0.0.1:1", "--latency-ms", "x"}), tongket::Error);
  CHECK_THROWS_AS(parse({"--target", "127.0.0.1:1", "--drop-rate", "-0.1"}), tongket::Error);
  CHECK_THROWS_AS(parse({"--target", "127.0.0.1:1", "--reset-mode", "later"}), tongket::Error);
  CHECK_THROWS_WITH(parse({"--target", "127.0.0.1:1", "--jitter", "5"}),
                    Catch::Contains("--jitter"));
}

// -------------------------------------------------------- end to end, with the real binary

TEST_CASE("proxy forwards bytes intact and counts them", "[fault-proxy][e2e]") {
  TestServer server;
  const auto stats_path = temp_stats_path("intact");
  ProxyProcess proxy({"--target", server.target(), "--stats-file", stats_path.string()});
  REQUIRE(proxy.port() != 0);

  const std::string payload = pattern(200'000);
  const Exchange echo = exchange(proxy.port(), "ECHO\n" + payload);
  CHECK(echo.eof);
  CHECK(echo.received == payload);
  const Exchange bytes = exchange(proxy.port(), "BYTES 1000\n");
  CHECK(bytes.eof);
  CHECK(bytes.received == pattern(1000));

  REQUIRE(proxy.stop() == 0);
  const auto stats = read_json(stats_path);
  std::filesystem::remove(stats_path);
  CHECK(stats["connections"] == 2);
  CHECK(stats["resets_injected"] == 0);
  CHECK(stats["truncations"] == 0);
  CHECK(stats["bytes_client_to_server"] == 5 + 200'000 + 11);
  CHECK(stats["bytes_server_to_client"] == 200'000 + 1000);
}

TEST_CASE("proxy caps bandwidth", "[fault-proxy][e2e]") {
  TestServer server;
  ProxyProcess proxy({"--target", server.target(), "--bandwidth-bps", "64000"});
  REQUIRE(proxy.port() != 0);
  const Exchange ex = exchange(proxy.port(), "BYTES 16384\n");
  CHECK(ex.eof);
  CHECK(ex.received == pattern(16384));
  // 16384 bytes at 8000 bytes/s, less a 256-byte burst, is 2.016 s. Lower bound only.
  CHECK(ex.ended_after >= 1900ms);
  CHECK(proxy.stop() == 0);
}

TEST_CASE("proxy adds latency each way", "[fault-proxy][e2e]") {
  TestServer server;
  ProxyProcess proxy({"--target", server.target(), "--latency-ms", "500"});
  REQUIRE(proxy.port() != 0);
  const Exchange ex = exchange(proxy.port(), "ECHO\nping");
  CHECK(ex.received == "ping");
  CHECK(ex.first_byte_after >= 1000ms);  // 500 ms there, 500 ms back
  CHECK(proxy.stop() == 0);
}

TEST_CASE("proxy injects resets", "[fault-proxy][e2e]") {
  TestServer server;
  const auto stats_path = temp_stats_path("reset");

  SECTION("on accept") {
    ProxyProcess proxy({"--target", server.target(), "--reset-rate", "1", "--reset-mode", "accept",
                        "--stats-file", stats_path.string()});
    REQUIRE(proxy.port() != 0);
    const Exchange ex = exchange(proxy.port(), "ECHO\nhello");
    CHECK(ex.received.empty());
    CHECK((ex.error == ECONNRESET || ex.eof));
    REQUIRE(proxy.stop() == 0);
    const auto stats = read_json(stats_path);
    CHECK(stats["connections"] == 1);
    CHECK(stats["resets_on_accept"] == 1);
    CHECK(stats["resets_injected"] == 1);
  }
  SECTION("midstream, after part of the response") {
    ProxyProcess proxy({"--target", server.target(), "--reset-rate", "1", "--reset-mode",
                        "midstream", "--cut-max-bytes", "50000", "--seed", "3", "--stats-file",
                        stats_path.string()});
    REQUIRE(proxy.port() != 0);
    const Exchange ex = exchange(proxy.port(), "BYTES 200000\n");
    CHECK(ex.error == ECONNRESET);
    CHECK(ex.received.size() <= 50000);
    CHECK(ex.received == pattern(200000).substr(0, ex.received.size()));
    REQUIRE(proxy.stop() == 0);
    const auto stats = read_json(stats_path);
    CHECK(stats["resets_midstream"] == 1);
    CHECK(stats["resets_injected"] == 1);
    CHECK(stats["bytes_server_to_client"] <= 50000);
  }
  std::filesystem::remove(stats_path);
}

TEST_CASE("proxy truncates the response with a clean FIN", "[fault-proxy][e2e]") {
  TestServer server;
  const auto stats_path = temp_stats_path("truncate");
  ProxyProcess proxy({"--target", server.target(), "--truncate-rate", "1", "--cut-max-bytes",
                      "50000", "--stats-file", stats_path.string()});
  REQUIRE(proxy.port() != 0);
  const Exchange ex = exchange(proxy.port(), "BYTES 200000\n");
  CHECK(ex.eof);
  CHECK(ex.error == 0);
  CHECK(ex.received.size() <= 50000);
  CHECK(ex.received == pattern(200000).substr(0, ex.received.size()));
  REQUIRE(proxy.stop() == 0);
  const auto stats = read_json(stats_path);
  std::filesystem::remove(stats_path);
  CHECK(stats["truncations"] == 1);
  CHECK(stats["resets_injected"] == 0);
  CHECK(stats["bytes_server_to_client"] == ex.received.size());
}

TEST_CASE("proxy black-holes connections, then closes them", "[fault-proxy][e2e]") {
  TestServer server;
  const auto stats_path = temp_stats_path("drop");
  ProxyProcess proxy({"--target", server.target(), "--drop-rate", "1", "--blackhole-ms", "300",
                      "--stats-file", stats_path.string()});
  REQUIRE(proxy.port() != 0);
  const Exchange ex = exchange(proxy.port(), "ECHO\nhello");
  CHECK(ex.received.empty());
  CHECK(ex.eof);
  CHECK(ex.ended_after >= 300ms);
  REQUIRE(proxy.stop() == 0);
  const auto stats = read_json(stats_path);
  std::filesystem::remove(stats_path);
  CHECK(stats["blackholes"] == 1);
  CHECK(stats["bytes_client_to_server"] == 0);
}

TEST_CASE("proxy refuses a target off this machine", "[fault-proxy][e2e]") {
  ProxyProcess proxy({"--target", "192.0.2.1:443"});
  CHECK(proxy.port() == 0);
  CHECK(proxy.first_line().empty());
  CHECK(proxy.stop(false) == 2);
}
