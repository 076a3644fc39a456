// The CLI under LANG=vi_VN.UTF-8 against the real tongket-server (behind nginx): what the
// server and the network say reaches the clerk as a Vietnamese sentence from the catalogue,
// with the server's or libcurl's text kept as the detail, and a refusal changes nothing.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "server_process.hpp"
#include "sync_world.hpp"

using namespace tongket::test;
using Catch::Contains;
using Catch::StartsWith;

namespace {

constexpr const char* kCommune = "25489";

// `tongket <args>` for `client` with Vietnamese messages.
ProcessResult run_vi(const SyncClient& client, std::vector<std::string> args) {
  auto o = client.options();
  o.env["LANG"] = "vi_VN.UTF-8";
  o.unset_env.push_back("LC_ALL");
  o.unset_env.push_back("LC_MESSAGES");
  return tongket::test::run(client.argv(std::move(args)), o);
}

std::string unused_url() {
  return "https://127.0.0.1:" + std::to_string(free_port());
}

}  // namespace

TEST_CASE("LANG=vi: enrolment refusals are Vietnamese sentences and store nothing",
          "[e2e][i18n][enroll]") {
  SyncServer server;
  TempDir dir("tongket-vi-enroll");
  SyncClient c(dir.path(), "xa");
  c.init(kCommune, "Cán bộ xã");

  auto bad = run_vi(c, {"enroll", "--server", server.url(), "--ca", server.ca().string(), "--token",
                        "ma-khong-co-that"});
  CHECK(bad.exit_code == 6);
  CHECK_THAT(bad.err, StartsWith("tongket: Máy chủ không nhận mã đăng ký này: hãy kiểm tra lại"));
  CHECK_THAT(bad.err, Contains("(chi tiết: unknown enrollment token"));
  CHECK(c.meta("device_id").empty());
  CHECK_FALSE(std::filesystem::exists(c.key_file()));

  // A token already used by another laptop.
  const auto token = server.token(kCommune, "clerk");
  SyncClient first(dir.path(), "xa-may-1");
  first.init(kCommune, "Cán bộ xã");
  first.enroll(server, token);
  auto used = run_vi(
      c, {"enroll", "--server", server.url(), "--ca", server.ca().string(), "--token", token});
  CHECK(used.exit_code == 6);
  CHECK_THAT(used.err, StartsWith("tongket: Mã đăng ký này đã được dùng cho một máy khác"));
  CHECK_THAT(used.err, Contains("already used"));
  CHECK(c.meta("device_id").empty());

  // A CA that did not sign the server's certificate (the system's list).
  auto tls = run_vi(c, {"enroll", "--server", server.url(), "--ca",
                        "/etc/ssl/certs/ca-certificates.crt", "--token", token});
  CHECK(tls.exit_code != 0);
  CHECK_THAT(tls.err,
             StartsWith("tongket: Không xác minh được chứng chỉ của máy chủ " + server.url()));
  CHECK(c.meta("device_id").empty());
}

TEST_CASE("LANG=vi: an unreachable server is a sentence about the network, the outbox is kept",
          "[e2e][i18n][sync]") {
  TempDir dir("tongket-vi-unreachable");
  SyncClient c(dir.path(), "xa");
  c.init(kCommune, "Cán bộ xã");
  const auto nowhere = unused_url();
  SyncServer server;  // only for its CA file: the client is pointed at a port nobody serves
  auto enroll =
      run_vi(c, {"enroll", "--server", nowhere, "--ca", server.ca().string(), "--token", "bat-ky"});
  CHECK(enroll.exit_code == 5);
  CHECK_THAT(enroll.err, StartsWith("tongket: Không kết nối được máy chủ " + nowhere +
                                    ": hãy kiểm tra mạng rồi đồng bộ lại"));
  CHECK_THAT(enroll.err, Contains("(chi tiết: no answer from " + nowhere));

  c.enroll(server, server.token(kCommune, "clerk"));
  c.set("PL1.4", "2016", "3");
  // Unsent: pending, or packed into a change set the server never acknowledged.
  const std::string unsent = "SELECT count(*) FROM outbox WHERE state IN ('pending', 'packed')";
  const auto before = c.count(unsent);
  REQUIRE(before == 1);
  auto sync = run_vi(c, {"sync", "--quiet", "--attempts", "1", "--server", nowhere});
  CHECK(sync.exit_code == 5);
  CHECK_THAT(sync.err, Contains("Không kết nối được máy chủ " + nowhere));
  CHECK_THAT(sync.err, Contains("các thay đổi chưa gửi vẫn được giữ trên máy"));
  CHECK(c.count(unsent) == before);
  auto status = run_vi(c, {"status"});
  CHECK_THAT(status.out, Contains("không thành công: Không kết nối được máy chủ"));
}

TEST_CASE("LANG=vi: an edit the server refuses (report locked) is explained in Vietnamese",
          "[e2e][i18n][sync]") {
  SyncServer server;
  TempDir dir("tongket-vi-refused");
  SyncClient a(dir.path(), "may-1"), a2(dir.path(), "may-2");
  a.init(kCommune, "A");
  a2.init(kCommune, "A2");
  a.enroll(server, server.token(kCommune, "clerk"));
  a2.enroll(server, server.token(kCommune, "clerk"));
  a.set("PL1.4", "2016", "3");
  a.run_ok({"submit", "--override", "báo cáo thử: các mục còn trống"});
  a.sync_ok();
  a2.set("PL1.4", "2016", "7");  // the second laptop has not seen the submission

  auto r = run_vi(a2, {"sync", "--attempts", "1"});
  CHECK_THAT(r.err, Contains("sync: Đang gửi 1 gói thay đổi"));  // progress, Vietnamese too
  CHECK_THAT(r.err, !Contains("pushing"));
  CHECK_THAT(r.out, Contains("Máy chủ không nhận thay đổi: báo cáo của 25489 ở trạng thái "
                             "\"đã gửi\" nên đang khóa"));
  CHECK_THAT(r.out, Contains("(chi tiết: operation 1"));
  auto status = run_vi(a2, {"status"});
  CHECK_THAT(status.out, Contains("bị từ chối: Máy chủ không nhận thay đổi: báo cáo của 25489"));
  // Nothing changed on the server; the refused edit is kept on the laptop.
  CHECK(server_values(server.data(), kCommune)[{kCommune, "v:PL1.4:2016"}] == 3);
  CHECK(a2.count("SELECT count(*) FROM outbox WHERE state = 'refused'") == 1);
}

TEST_CASE("LANG=vi: --help and option errors come from the catalogue", "[e2e][i18n][cli]") {
  TempDir dir("tongket-vi-help");
  SyncClient c(dir.path(), "xa");
  auto help = run_vi(c, {"--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Contains("cách dùng: tongket <lệnh> [tham số]"));
  CHECK_THAT(help.out, Contains("đăng ký máy này với máy chủ"));
  CHECK_THAT(help.out, Contains("\ncác tùy chọn:\n"));
  CHECK_THAT(help.out, Contains("mã thoát:"));
  CHECK_THAT(help.out, !Contains("register this laptop"));
  auto one = run_vi(c, {"sync", "--help"});
  CHECK_THAT(
      one.out,
      StartsWith("cách dùng: tongket sync [--attempts N] [--quiet] [--retry-refused]\n  gửi các"));
  auto unknown = run_vi(c, {"status", "--bogus"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("không có tùy chọn --bogus (xem tongket --help)"));
  auto attempts = run_vi(c, {"sync", "--attempts", "nhieu"});
  CHECK(attempts.exit_code == 2);
  CHECK_THAT(attempts.err, Contains("--attempts nhieu: hãy nhập số nguyên từ"));
  auto flag = run_vi(c, {"sync", "--quiet=1"});
  CHECK_THAT(flag.err, Contains("tùy chọn --quiet không nhận giá trị"));
  auto o = c.options();
  o.env["LANG"] = "vi_VN.UTF-8";
  o.unset_env = {"LC_ALL", "LC_MESSAGES", "TONGKET_STORE"};
  auto needs = tongket::test::run({TONGKET_CLIENT_BIN, "sync", "--attempts"}, o);  // last
  CHECK(needs.exit_code == 2);
  CHECK_THAT(needs.err, Contains("tùy chọn --attempts cần một giá trị (N)"));
  // Without vi_* the same help stays English (scripts read it).
  auto en = c.run({"--help"});
  CHECK_THAT(en.out, Contains("register this laptop with the server"));
}
