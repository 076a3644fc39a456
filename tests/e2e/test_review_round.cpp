// A whole review round over HTTPS with the real server and real clients: communes submit
// (and are locked), the district returns one with a comment (the commune sees it after a sync
// and can edit again), accepts it after the fix, submits its own report; the province accepts
// it, rolls the figures up and exports the report as .docx and .xlsx that LibreOffice opens.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "sync_world.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

constexpr const char* kProvince = "72";
constexpr const char* kDistrict = "705";
constexpr const char* kCommuneA = "25489";
constexpr const char* kCommuneB = "25492";

ProcessResult ok(const SyncClient& c, std::vector<std::string> args) {
  auto r = c.run(args);
  INFO(c.store() << ": tongket " << args.front() << "\n" << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

void synced(const SyncClient& c) {
  auto r = c.sync();
  INFO(c.store() << ": sync\n" << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE_THAT(r.out, Contains("0 refused"));
}

std::string quoted(const fs::path& p) {
  return "'" + p.string() + "'";
}

// LibreOffice headless converts `file` to text-bearing PDF; pdftotext gives back its text.
std::string office_text(const fs::path& file, const fs::path& dir) {
  REQUIRE(fs::exists("/usr/bin/soffice"));
  const fs::path out = dir / "pdf";
  fs::create_directories(out);
  const std::string command = "timeout 300 /usr/bin/soffice -env:UserInstallation=file://" +
                              (dir / "profile").string() +
                              " --headless --convert-to pdf --outdir " + quoted(out) + " " +
                              quoted(file) + " > " + quoted(dir / "soffice.log") + " 2>&1";
  INFO(command);
  int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const fs::path pdf = out / (file.stem().string() + ".pdf");
  REQUIRE(fs::exists(pdf));
  if (!fs::exists("/usr/bin/pdftotext")) return {};
  const fs::path txt = dir / (file.stem().string() + ".txt");
  status =
      std::system(("/usr/bin/pdftotext -enc UTF-8 " + quoted(pdf) + " " + quoted(txt)).c_str());
  REQUIRE(WEXITSTATUS(status) == 0);
  return read_file(txt);
}

}  // namespace

TEST_CASE("a review round from the communes to the province's export", "[e2e][review]") {
  SyncServer server;
  TempDir dir("tongket-review");
  SyncClient a(dir.path(), "xa-tan-lap"), b(dir.path(), "xa-b"), d(dir.path(), "huyen"),
      p(dir.path(), "tinh");
  a.init(kCommuneA, "Cán bộ xã A");
  b.init(kCommuneB, "Cán bộ xã B");
  d.init(kDistrict, "Phòng Nội vụ huyện");
  p.init(kProvince, "Sở Nội vụ tỉnh");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  b.enroll(server, server.token(kCommuneB, "clerk"));
  d.enroll(server, server.token(kDistrict, "district_reviewer"));
  p.enroll(server, server.token(kProvince, "province_reviewer"));

  // The communes fill and submit; a submitted report refuses edits (exit 7) until returned.
  a.set("PL1.4", "2016", "3");
  b.set("PL1.4", "2016", "5");
  ok(a, {"rows", "add", "MH", "ten=Một cửa điện tử", "nam_ap_dung=2018"});
  auto submitted = ok(a, {"submit"});
  CHECK_THAT(submitted.out, Contains("submitted the report of Xã Tân Lập"));
  auto locked = a.run({"set", "PL1.4", "2016", "4"});
  CHECK(locked.exit_code == 7);
  CHECK_THAT(locked.err, Contains("locked") && Contains("return it"));
  CHECK(a.run({"submit"}).exit_code == 7);  // not twice
  CHECK(a.run({"rows", "add", "MH", "ten=x"}).exit_code == 7);
  synced(a);
  ok(b, {"submit"});
  synced(b);

  // The district sees both, returns A with a comment and accepts B.
  synced(d);
  auto pending = ok(d, {"review", "pending"});
  CHECK_THAT(pending.out, Contains(kCommuneA) && Contains(kCommuneB));
  CHECK(d.run({"review", "return", "--unit", kCommuneA}).exit_code == 2);  // needs a comment
  ok(d, {"review", "return", "--unit", kCommuneA, "--comment", "PL1.4 năm 2016 chưa đúng"});
  ok(d, {"review", "accept", "--unit", kCommuneB});
  CHECK(d.run({"review", "accept", "--unit", kCommuneB}).exit_code == 7);  // already accepted
  synced(d);

  // The return reaches the commune by sync; the commune can edit and submits again.
  synced(a);
  auto status = ok(a, {"status"});
  CHECK_THAT(status.out, Contains("report: returned") && Contains("PL1.4 năm 2016 chưa đúng"));
  a.set("PL1.4", "2016", "4");
  ok(a, {"submit"});
  synced(a);

  // The district sees the resubmission, what changed since, and accepts it.
  synced(d);
  auto show = ok(d, {"review", "show", "--unit", kCommuneA});
  CHECK_THAT(show.out, Contains("submitted") && Contains("v:PL1.4:2016"));
  auto changes = ok(d, {"review", "show", "--unit", kCommuneA, "--changes"});
  CHECK_THAT(changes.out, Contains("matches"));
  ok(d, {"review", "accept", "--unit", kCommuneA, "--comment", "Đạt yêu cầu"});
  auto complete = ok(d, {"completeness"});
  CHECK_THAT(complete.out, Contains("2 accepted"));
  // The district's own report: its own figure, then submitted to the province.
  d.set("PL1.4", "2016", "10");
  ok(d, {"submit"});
  synced(d);
  auto rolled = ok(d, {"drilldown", "PL1.4", "2016"});
  CHECK_THAT(rolled.out, Contains(": 19"));

  // The province accepts the district, rolls up and exports.
  synced(p);
  ok(p, {"review", "accept", "--unit", kDistrict});
  synced(p);
  auto drill = ok(p, {"drilldown", "PL1.4", "2016"});
  CHECK_THAT(drill.out, Contains(": 19"));  // 10 + 4 + 5
  auto models = ok(p, {"rows", "list", "MH", "--rollup"});
  CHECK_THAT(models.out, Contains("Một cửa điện tử") && Contains("Xã Tân Lập"));
  const fs::path docx = dir / "bao-cao-tinh.docx", xlsx = dir / "phu-luc-tinh.xlsx";
  ok(p, {"export", "--format", "docx", "--rollup", "--out", docx.string()});
  ok(p, {"export", "--format", "xlsx", "--rollup", "--out", xlsx.string()});
  ok(p, {"export", "--format", "csv", "--rollup", "--out", (dir / "tinh.csv").string()});
  CHECK_THAT(read_file(dir / "tinh.csv"), Contains("PL1.4,2016,19"));
  ok(p, {"finalise"});
  CHECK(p.run({"set", "PL1.4", "2016", "1"}).exit_code == 7);

  TempDir office("tongket-review-office");
  auto doc_text = office_text(docx, office.path());
  if (!doc_text.empty()) {
    CHECK_THAT(doc_text, Contains("Tỉnh Tây Ninh"));
    CHECK_THAT(doc_text, Contains("Phụ lục"));
    CHECK_THAT(doc_text, Contains("Cải cách thể chế"));
  }
  TempDir office2("tongket-review-office");
  auto sheet_text = office_text(xlsx, office2.path());
  if (!sheet_text.empty()) {
    CHECK_THAT(sheet_text, Contains("Tỉnh Tây Ninh"));
    CHECK_THAT(sheet_text, Contains("Phụ lục 8"));
    CHECK_THAT(sheet_text, Contains("19"));
  }
}

TEST_CASE("a client export of its own report offline opens in LibreOffice", "[e2e][review]") {
  TempDir dir("tongket-review-own");
  SyncClient a(dir.path(), "xa");
  a.init(kCommuneA, "Cán bộ xã");
  a.set("PL1.4", "2016", "3");
  ok(a, {"rows", "add", "KT", "doi_tuong=Tập thể", "ten=Bộ phận một cửa", "hinh_thuc=Giấy khen"});
  auto list = ok(a, {"rows", "list", "KT"});
  CHECK_THAT(list.out, Contains("Bộ phận một cửa"));
  const fs::path docx = dir / "xa.docx";
  ok(a, {"export", "--format", "docx", "--out", docx.string()});
  ok(a, {"export", "--format", "xlsx", "--out", (dir / "xa.xlsx").string()});
  TempDir office("tongket-review-office");
  auto text = office_text(docx, office.path());
  if (!text.empty()) {
    CHECK_THAT(text, Contains("Xã Tân Lập"));
    CHECK_THAT(text, Contains("Bộ phận một cửa"));
  }
}

// The server's side of the lock: a second laptop of the commune that has not synced the
// submission sends an edit; the server refuses its change set and keeps the submitted value.
TEST_CASE("an edit reaching the server after a submission is refused", "[e2e][review][server]") {
  SyncServer server;
  TempDir dir("tongket-review-lock");
  SyncClient a(dir.path(), "a1"), a2(dir.path(), "a2");
  a.init(kCommuneA, "A");
  a2.init(kCommuneA, "A2");
  a.enroll(server, server.token(kCommuneA, "clerk"));
  a2.enroll(server, server.token(kCommuneA, "clerk"));
  a.set("PL1.4", "2016", "3");
  ok(a, {"submit"});
  synced(a);
  a2.set("PL1.4", "2016", "7");
  auto r = a2.sync();
  CHECK_THAT(r.out, Contains("1 refused") && Contains("locked"));
  CHECK(server_values(server.data(), kCommuneA)[{kCommuneA, "v:PL1.4:2016"}] == 3);
}
