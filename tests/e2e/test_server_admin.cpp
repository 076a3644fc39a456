// The tongket-server admin commands as processes on real store files: untrusted text printed
// escaped, a damaged or foreign file refused before anything is written to it, and the exit
// codes `tongket-server --help` documents.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "process.hpp"
#include "server_fixture.hpp"
#include "server_process.hpp"
#include "tongket/process/ports.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/sync/request_auth.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Contains;
using server::Role;

namespace {

ProcessResult admin(std::vector<std::string> args) {
  args.insert(args.begin(), TONGKET_SERVER_BIN);
  return run(args);
}

// A copy of a fixture's (unwritten) store in its own data directory.
void copy_store(const ServerFixture& f, const TempDir& to) {
  std::filesystem::copy_file(server::store_file(f.data_dir()), server::store_file(to.path()));
}

}  // namespace

TEST_CASE("tongket-server refusals and audit print untrusted text escaped",
          "[server][cli][security]") {
  ServerFixture f;
  // A device id with a terminal title sequence and a bell, from an address.
  server::Request r{"POST", sync::kPathPull, {}, {}, "203.0.113.9"};
  r.headers[sync::kHeaderDevice] = "dev\x1b]0;owned\x07";
  r.headers[sync::kHeaderCounter] = "1";
  r.headers[sync::kHeaderSignature] = "AAAA";
  REQUIRE(server::dispatch(r, f.ctx()).status == 401);
  // A change set whose author carries colour codes and a right-to-left override.
  auto d = TestDevice::enrolled(f, kCommune, Role::clerk);
  auto cs = d.change_set({d.op(kCountField, 3)}, "Nguyễn Văn A\x1b[31m\xe2\x80\xae");
  REQUIRE(push_reply(d.push(f, {cs})).results.at(0).status == sync::PushStatus::applied);

  auto refusals = admin({"refusals", "--data", f.data_dir().string()});
  INFO(refusals.err);
  REQUIRE(refusals.exit_code == 0);
  CHECK(refusals.out.find('\x1b') == std::string::npos);
  CHECK(refusals.out.find('\x07') == std::string::npos);
  CHECK_THAT(refusals.out, Contains("dev\\x1b]0;owned\\x07") && Contains("from 203.0.113.9"));

  auto audit = admin({"audit", "--data", f.data_dir().string(), "--unit", kCommune});
  INFO(audit.err);
  REQUIRE(audit.exit_code == 0);
  CHECK(audit.out.find('\x1b') == std::string::npos);
  CHECK(audit.out.find("\xe2\x80\xae") == std::string::npos);
  CHECK_THAT(audit.out, Contains("Nguyễn Văn A\\x1b[31m\\u202e"));
}

TEST_CASE("a damaged server store is refused before anything is written to it",
          "[server][cli][store]") {
  ServerFixture f;
  TempDir data("tongket-damaged");
  copy_store(f, data);
  const auto file = server::store_file(data.path());
  std::string bytes = read_file(file);
  // A page in the middle overwritten (a disk fault): the header stays readable.
  const std::size_t page =
      (static_cast<unsigned char>(bytes[16]) << 8) | static_cast<unsigned char>(bytes[17]);
  REQUIRE(page >= 512);
  const std::size_t at = (bytes.size() / page / 2) * page;
  for (std::size_t i = at; i < at + page; ++i) bytes[i] = static_cast<char>(0x5a);
  write_file(file, bytes);

  auto token = admin(
      {"token", "create", "--data", data.path().string(), "--unit", kCommune, "--role", "clerk"});
  CHECK(token.exit_code == 4);
  CHECK(token.out.empty());
  CHECK_THAT(token.err, Contains("is damaged") && Contains("nothing was written"));
  CHECK(read_file(file) == bytes);

  const int port = free_port();
  auto serve = admin({"serve", "--data", data.path().string(), "--insecure-http", "--listen",
                      "http://127.0.0.1:" + std::to_string(port)});
  CHECK(serve.exit_code == 4);
  CHECK_THAT(serve.err, Contains("is damaged"));
  CHECK(read_file(file) == bytes);
}

TEST_CASE("a foreign SQLite file is refused untouched (not switched to WAL)",
          "[server][cli][store]") {
  TempDir data("tongket-foreign");
  const auto file = server::store_file(data.path());
  exec_store_sql(data.path(), "CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES ('x');");
  const std::string before = read_file(file);
  REQUIRE(before[18] == 1);  // the rollback journal (WAL would be 2)

  auto token = admin(
      {"token", "create", "--data", data.path().string(), "--unit", kCommune, "--role", "clerk"});
  CHECK(token.exit_code == 4);
  CHECK_THAT(token.err, Contains("not a tongket server store") && Contains("nothing was changed"));
  CHECK(read_file(file) == before);
  CHECK_FALSE(std::filesystem::exists(file.string() + "-wal"));
}

TEST_CASE("tongket-server exit codes agree with --help", "[server][cli]") {
  auto help = admin({"--help"});
  REQUIRE(help.exit_code == 0);
  REQUIRE_THAT(help.out, Contains("4 store or file problem") && Contains("5 TLS/network"));
  TempDir empty("tongket-no-store");

  SECTION("a missing store: 4, for an admin command and for serve") {
    auto token = admin({"token", "create", "--data", empty.path().string(), "--unit", kCommune,
                        "--role", "clerk"});
    CHECK(token.exit_code == 4);
    CHECK_THAT(token.err, Contains("tongket-server init"));
    auto serve = admin({"serve", "--data", empty.path().string(), "--insecure-http", "--listen",
                        "http://127.0.0.1:" + std::to_string(free_port())});
    CHECK(serve.exit_code == 4);
    CHECK_THAT(serve.err, Contains("tongket-server init"));
  }

  SECTION("a port in use: 5") {
    ServerFixture f;
    process::LoopbackListener taken;  // the port is in use
    auto serve = admin({"serve", "--data", f.data_dir().string(), "--insecure-http", "--listen",
                        "http://127.0.0.1:" + std::to_string(taken.port())});
    CHECK(serve.exit_code == 5);
    CHECK_THAT(serve.err, Contains(std::to_string(taken.port())));
  }

  SECTION("bad arguments and an unknown unit: 2") {
    CHECK(admin({"frobnicate"}).exit_code == 2);
    ServerFixture f;
    CHECK(admin({"token", "create", "--data", f.data_dir().string(), "--unit", "nope", "--role",
                 "clerk"})
              .exit_code == 2);
  }
}

TEST_CASE("the running server logs client text escaped and records the client address",
          "[server][security]") {
  ServerFixture f;
  TempDir logs("tongket-server-log");
  const std::string base = "http://127.0.0.1:" + std::to_string(free_port());
  ServerProcess server({"serve", "--data", f.data_dir().string(), "--insecure-http", "--listen",
                        base, "--max-body", "1024"},
                       logs / "server.log");
  INFO(server.log());
  REQUIRE(wait_until_serving(base, {}, std::chrono::seconds(15)));
  HttpRequest r;
  r.url = base + sync::kPathPull;
  r.headers = {{sync::kHeaderDevice, "dev\x1b[2J\x1b]0;owned\x07"},
               {sync::kHeaderCounter, "1"},
               {sync::kHeaderSignature, "AAAA"}};
  REQUIRE(http(r).status == 401);
  // Refused at the edge, unread: counted, written by the store's thread at shutdown.
  HttpRequest big;
  big.url = base + sync::kPathPush;
  big.body.assign(5000, 'x');
  for (int i = 0; i < 3; ++i) REQUIRE(http(big).status == 413);
  REQUIRE(server.stop(SIGTERM, std::chrono::seconds(20)) == 0);
  const std::string log = server.log();
  CHECK(log.find('\x1b') == std::string::npos);
  CHECK_THAT(log, Contains("device=dev\\x1b[2J\\x1b]0;owned\\x07"));
  auto refusals = admin({"refusals", "--data", f.data_dir().string()});
  CHECK_THAT(refusals.out, Contains("unauthorized  from 127.0.0.1"));
  CHECK_THAT(refusals.out, Contains("POST /v1/push  too_large  from 127.0.0.1  device -  x3"));
}

TEST_CASE("init --database records the store's URL and every command uses that store",
          "[server][cli][factory]") {
  TempDir dir("tongket-database-url");
  const auto data = dir.path() / "data";
  const auto file = dir.path() / "store" / "national.db";
  std::filesystem::create_directories(file.parent_path());
  const std::string url = "sqlite:" + file.string();
  auto init = admin({"init", "--data", data.string(), "--database", url});
  INFO(init.out << init.err);
  REQUIRE(init.exit_code == 0);
  CHECK_THAT(init.out, Contains(url));
  CHECK(std::filesystem::exists(file));
  CHECK_FALSE(std::filesystem::exists(server::store_file(data)));

  // An admin command given only --data works on that store.
  auto token =
      admin({"token", "create", "--data", data.string(), "--unit", kCommune, "--role", "clerk"});
  CHECK(token.exit_code == 0);
  auto devices = admin({"devices", "list", "--data", data.string()});
  CHECK(devices.exit_code == 0);

  // Another database for the same directory: refused, naming both; nothing changes.
  const auto other = dir.path() / "other.db";
  auto again = admin({"init", "--data", data.string(), "--database", "sqlite:" + other.string()});
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.err, Contains(url) && Contains(other.string()));
  CHECK_FALSE(std::filesystem::exists(other));
  auto bad = admin({"init", "--data", (dir.path() / "d2").string(), "--database", "mysql://h/db"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Contains("mysql://h/db"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "d2"));
  // backup copies a directory's own SQLite file only, and says what to use instead.
  auto backup = admin({"backup", "--data", data.string(), "--out", (dir.path() / "b.db").string()});
  CHECK(backup.exit_code == 2);
  CHECK_THAT(backup.err, Contains(url));
}
