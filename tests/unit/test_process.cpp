// tongket::process, the one spawner for tests and bench: the contract in its headers, through
// real child processes (/bin/sh, grep, sleep).
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "temp_dir.hpp"
#include "tongket/process/child.hpp"
#include "tongket/process/ports.hpp"
#include "tongket/process/process.hpp"

using namespace tongket;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

process::Result sh(const std::string& script, const process::Options& options = {}) {
  return process::run({"/bin/sh", "-c", script}, options);
}

}  // namespace

TEST_CASE("run: stdin fed, stdout and stderr captured apart, exit status", "[process]") {
  process::Options options;
  options.stdin_text = std::string(200'000, 'x') + "\nend\n";  // larger than a pipe's buffer
  auto r = sh("wc -c; echo oops >&2; exit 3", options);
  CHECK(r.exit_code == 3);
  CHECK(std::stoul(r.out) == 200'005);
  CHECK(r.err == "oops\n");
}

TEST_CASE("run: a child ended by a signal exits with 128 + the signal", "[process]") {
  CHECK(sh("kill -TERM $$").exit_code == 128 + SIGTERM);
  CHECK(sh("kill -KILL $$").exit_code == 128 + SIGKILL);
}

TEST_CASE("run: environment set and unset, working directory", "[process]") {
  tongket::test::TempDir dir("tongket-process-test");
  ::setenv("TONGKET_PROCESS_TEST_GONE", "still here", 1);
  process::Options options;
  options.env = {{"TONGKET_PROCESS_TEST_SET", "đặt"}, {"HOME", "/nowhere"}};
  options.unset_env = {"TONGKET_PROCESS_TEST_GONE"};
  options.cwd = dir.path();
  auto r = sh("echo \"$TONGKET_PROCESS_TEST_SET|${TONGKET_PROCESS_TEST_GONE-unset}|$HOME\"; pwd",
              options);
  ::unsetenv("TONGKET_PROCESS_TEST_GONE");
  CHECK(r.out == "đặt|unset|/nowhere\n" + std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST_CASE("run: a program that cannot start, a bad cwd, a timeout: errors naming it", "[process]") {
  CHECK_THROWS_WITH(process::run({"/nonexistent/tongket-nothing"}, {}),
                    Contains("/nonexistent/tongket-nothing") && Contains("No such file"));
  process::Options bad_cwd;
  bad_cwd.cwd = "/nonexistent-dir";
  CHECK_THROWS_WITH(sh("true", bad_cwd), Contains("/bin/sh") && Contains("/nonexistent-dir"));
  process::Options short_time;
  short_time.timeout = 200ms;
  CHECK_THROWS_WITH(sh("exec sleep 30", short_time), Contains("did not finish"));
}

TEST_CASE("the child starts with no signal ignored or blocked, whatever the spawning thread had",
          "[process]") {
  // run() itself ignores SIGPIPE in this process; a thread that blocks signals spawns.
  auto from_thread = std::async(std::launch::async, [] {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    return process::run({"/bin/grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"}, {});
  });
  auto r = from_thread.get();
  REQUIRE(r.exit_code == 0);
  // The standard signals 1-31 (bit n-1 for signal n). glibc's posix_spawn leaves its two
  // internal real-time signals (32, 33) ignored; no program we run uses them.
  auto standard = [&](const std::string& name) {
    const auto at = r.out.find(name + ":\t");
    REQUIRE(at != std::string::npos);
    return std::stoull(r.out.substr(at + name.size() + 2, 16), nullptr, 16) & 0x7fffffffULL;
  };
  CHECK(standard("SigBlk") == 0);
  CHECK(standard("SigIgn") == 0);
}

TEST_CASE("run: many at once from threads", "[process]") {
  std::vector<std::future<process::Result>> runs;
  for (int i = 0; i < 8; ++i)
    runs.push_back(std::async(std::launch::async, [i] {
      process::Options options;
      options.stdin_text = std::to_string(i);
      return sh("cat; echo", options);
    }));
  for (int i = 0; i < 8; ++i) CHECK(runs[i].get().out == std::to_string(i) + "\n");
}

TEST_CASE("Child: files, first line, wait_until, stop, kill9, reaped on destruction", "[process]") {
  tongket::test::TempDir dir("tongket-child-test");
  SECTION("stdout and stderr to two files; the exit code once it ends") {
    process::Child c({"/bin/sh", "-c", "echo ready; echo warn >&2; exit 4"},
                     process::Output::files(dir / "c"));
    CHECK(c.first_line(10s) == "ready");
    CHECK(c.wait(10s) == 4);
    CHECK_FALSE(c.running());
    CHECK(c.out() == "ready\n");
    CHECK(c.err() == "warn\n");
    CHECK(c.exit_code() == 4);
  }
  SECTION("one combined log; stop with a signal; kill9") {
    process::Child c({"/bin/sh", "-c", "echo one; echo two >&2; exec sleep 30"},
                     process::Output::log(dir / "log"));
    CHECK(c.wait_until([&] { return c.log() == "one\ntwo\n"; }, 10s));
    CHECK(c.running());
    CHECK(c.stop(SIGTERM, 10s) == 128 + SIGTERM);
    CHECK(c.kill9() == 128 + SIGTERM);  // already ended: the code it ended with
  }
  SECTION("wait times out and leaves it running; kill9 ends it") {
    process::Child c({"/bin/sleep", "30"}, process::Output{});
    CHECK_FALSE(c.wait(50ms).has_value());
    CHECK(c.running());
    CHECK(c.kill9() == 128 + SIGKILL);
    CHECK_FALSE(c.wait_until([] { return true; }, 1s));  // it no longer runs
  }
  SECTION("destruction kills and reaps it") {
    pid_t pid = -1;
    {
      process::Child c({"/bin/sleep", "30"}, process::Output{});
      pid = c.pid();
      REQUIRE(::kill(pid, 0) == 0);
    }
    CHECK(::kill(pid, 0) == -1);  // no zombie either: reaped
  }
  SECTION("no first line when it exits without one") {
    process::Child c({"/bin/sh", "-c", "printf partial"}, process::Output::files(dir / "p"));
    CHECK_FALSE(c.first_line(10s).has_value());
    CHECK(c.out() == "partial");
  }
  SECTION("cannot start: throws naming the program") {
    CHECK_THROWS_WITH(process::Child({"/nonexistent/x"}, process::Output{}),
                      Contains("/nonexistent/x"));
    process::Options with_stdin;
    with_stdin.stdin_text = "x";
    CHECK_THROWS_AS(process::Child({"/bin/true"}, process::Output{}, with_stdin),
                    std::invalid_argument);
  }
}

TEST_CASE("Child: CPU time and peak memory, while it runs and after it is reaped", "[process]") {
  // Busy for a while, then it waits to be killed.
  process::Child c(
      {"/bin/sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; exec sleep 30"},
      process::Output{});
  // Both accounts answer, and the one taken at reaping is not below the one seen while it ran.
  REQUIRE(c.wait_until([&] { return c.cpu_seconds() > 0.02; }, 60s, 10ms));
  const double running_cpu = c.cpu_seconds();
  const double running_peak = c.peak_rss_bytes();
  CHECK(running_peak > 0);
  c.kill9();
  CHECK(c.cpu_seconds() >= running_cpu);
  CHECK(c.peak_rss_bytes() > 0);
}

TEST_CASE("free_port, LoopbackListener, port_accepts, wait_for_port", "[process]") {
  const int port = process::free_port();
  CHECK(port > 0);
  CHECK_FALSE(process::port_accepts(port));
  CHECK_FALSE(process::wait_for_port(port, 100ms));
  process::LoopbackListener listener(4);
  CHECK(listener.port() > 0);
  CHECK(process::wait_for_port(listener.port(), 10s));
}
