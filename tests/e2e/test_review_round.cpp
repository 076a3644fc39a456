// A whole review round over HTTPS with the real server and real clients: communes submit
// (and are locked), the district returns one with a comment (the commune sees it after a sync
// and can edit again), accepts it after the fix, submits its own report; the province accepts
// it, rolls the figures up and exports the report as .docx and .xlsx that LibreOffice opens.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "office.hpp"
#include "round.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

constexpr const char* kProvince = "72";
constexpr const char* kDistrict = "705";
constexpr const char* kCommuneA = "25489";
constexpr const char* kCommuneB = "25492";

// LibreOffice headless converts `file` to PDF (REQUIREd to succeed); its text.
std::string office_text(const fs::path& file, const fs::path& dir) {
  return office_pdf_text(office_to_pdf(file, dir), dir);
}

}  // namespace

TEST_CASE("a review round from the communes to the province's export", "[e2e][review]") {
  Round round("tongket-review");
  const TempDir& dir = round.dir;
  auto& a = round.enrolled("xa-tan-lap", kCommuneA, "Cán bộ xã A", "clerk");
  auto& b = round.enrolled("xa-b", kCommuneB, "Cán bộ xã B", "clerk");
  auto& d = round.enrolled("huyen", kDistrict, "Phòng Nội vụ huyện", "district_reviewer");
  auto& p = round.enrolled("tinh", kProvince, "Sở Nội vụ tỉnh", "province_reviewer");

  // The communes fill and submit; a submitted report refuses edits (exit 7) until returned.
  a.set("PL1.4", "2016", "3");
  b.set("PL1.4", "2016", "5");
  a.run_ok({"rows", "add", "MH", "ten=Một cửa điện tử", "nam_ap_dung=2018"});
  auto submitted = a.run_ok({"submit", "--override", "Số liệu đã rà soát"});
  CHECK_THAT(submitted.out, Contains("submitted the report of Xã Tân Lập"));
  auto locked = a.run({"set", "PL1.4", "2016", "4"});
  CHECK(locked.exit_code == 7);
  CHECK_THAT(locked.err, Contains("locked") && Contains("return it"));
  CHECK(a.run({"submit"}).exit_code == 7);  // not twice
  CHECK(a.run({"rows", "add", "MH", "ten=x"}).exit_code == 7);
  a.sync_ok();
  b.run_ok({"submit", "--override", "Số liệu đã rà soát"});
  b.sync_ok();

  // The district sees both, returns A with a comment and accepts B.
  d.sync_ok();
  auto pending = d.run_ok({"review", "pending"});
  CHECK_THAT(pending.out, Contains(kCommuneA) && Contains(kCommuneB));
  CHECK(d.run({"review", "return", "--unit", kCommuneA}).exit_code == 2);  // needs a comment
  d.run_ok({"review", "return", "--unit", kCommuneA, "--comment", "PL1.4 năm 2016 chưa đúng"});
  d.run_ok({"review", "accept", "--unit", kCommuneB});
  CHECK(d.run({"review", "accept", "--unit", kCommuneB}).exit_code == 7);  // already accepted
  d.sync_ok();

  // The return reaches the commune by sync; the commune can edit and submits again.
  a.sync_ok();
  auto status = a.run_ok({"status"});
  CHECK_THAT(status.out, Contains("report: returned") && Contains("PL1.4 năm 2016 chưa đúng"));
  a.set("PL1.4", "2016", "4");
  a.run_ok({"submit", "--override", "Số liệu đã rà soát"});
  a.sync_ok();

  // The district sees the resubmission, what changed since, and accepts it.
  d.sync_ok();
  auto show = d.run_ok({"review", "show", "--unit", kCommuneA});
  CHECK_THAT(show.out, Contains("submitted") && Contains("v:PL1.4:2016"));
  auto changes = d.run_ok({"review", "show", "--unit", kCommuneA, "--changes"});
  CHECK_THAT(changes.out, Contains("matches"));
  d.run_ok({"review", "accept", "--unit", kCommuneA, "--comment", "Đạt yêu cầu"});
  auto complete = d.run_ok({"completeness"});
  CHECK_THAT(complete.out, Contains("2 accepted"));
  // The district's own report: its own figure, then submitted to the province.
  d.set("PL1.4", "2016", "10");
  d.run_ok({"submit", "--override", "Số liệu đã rà soát"});
  d.sync_ok();
  auto rolled = d.run_ok({"drilldown", "PL1.4", "2016"});
  CHECK_THAT(rolled.out, Contains(": 19"));

  // The province accepts the district, rolls up and exports.
  p.sync_ok();
  p.run_ok({"review", "accept", "--unit", kDistrict});
  p.sync_ok();
  auto drill = p.run_ok({"drilldown", "PL1.4", "2016"});
  CHECK_THAT(drill.out, Contains(": 19"));  // 10 + 4 + 5
  auto models = p.run_ok({"rows", "list", "MH", "--rollup"});
  CHECK_THAT(models.out, Contains("Một cửa điện tử") && Contains("Xã Tân Lập"));
  const fs::path docx = dir / "bao-cao-tinh.docx", xlsx = dir / "phu-luc-tinh.xlsx";
  p.run_ok({"export", "--format", "docx", "--rollup", "--out", docx.string()});
  p.run_ok({"export", "--format", "xlsx", "--rollup", "--out", xlsx.string()});
  p.run_ok({"export", "--format", "csv", "--rollup", "--out", (dir / "tinh.csv").string()});
  CHECK_THAT(read_file(dir / "tinh.csv"), Contains("PL1.4,2016,19"));
  p.run_ok({"finalise"});
  CHECK(p.run({"set", "PL1.4", "2016", "1"}).exit_code == 7);

  TempDir office("tongket-review-office");
  auto doc_text = office_text(docx, office.path());
  CHECK_THAT(doc_text, Contains("Tỉnh Tây Ninh"));
  CHECK_THAT(doc_text, Contains("Phụ lục"));
  CHECK_THAT(doc_text, Contains("Cải cách thể chế"));
  TempDir office2("tongket-review-office");
  auto sheet_text = office_text(xlsx, office2.path());
  CHECK_THAT(sheet_text, Contains("Tỉnh Tây Ninh"));
  CHECK_THAT(sheet_text, Contains("Phụ lục 8"));
  CHECK_THAT(sheet_text, Contains("19"));
}

TEST_CASE("a client export of its own report offline opens in LibreOffice", "[e2e][review]") {
  TempDir dir("tongket-review-own");
  SyncClient a(dir.path(), "xa");
  a.init(kCommuneA, "Cán bộ xã");
  a.set("PL1.4", "2016", "3");
  a.run_ok(
      {"rows", "add", "KT", "doi_tuong=Tập thể", "ten=Bộ phận một cửa", "hinh_thuc=Giấy khen"});
  auto list = a.run_ok({"rows", "list", "KT"});
  CHECK_THAT(list.out, Contains("Bộ phận một cửa"));
  const fs::path docx = dir / "xa.docx";
  a.run_ok({"export", "--format", "docx", "--out", docx.string()});
  a.run_ok({"export", "--format", "xlsx", "--out", (dir / "xa.xlsx").string()});
  TempDir office("tongket-review-office");
  auto text = office_text(docx, office.path());
  CHECK_THAT(text, Contains("Xã Tân Lập"));
  CHECK_THAT(text, Contains("Bộ phận một cửa"));
}

// The server's side of the lock: a second laptop of the commune that has not synced the
// submission sends an edit; the server refuses its change set and keeps the submitted value.
TEST_CASE("an edit reaching the server after a submission is refused", "[e2e][review][server]") {
  Round round("tongket-review-lock");
  const SyncServer& server = round.server;
  auto& a = round.enrolled("a1", kCommuneA, "A", "clerk");
  auto& a2 = round.enrolled("a2", kCommuneA, "A2", "clerk");
  a.set("PL1.4", "2016", "3");
  a.run_ok({"submit", "--override", "Số liệu đã rà soát"});
  a.sync_ok();
  a2.set("PL1.4", "2016", "7");
  auto r = a2.sync();
  CHECK_THAT(r.out, Contains("1 refused") && Contains("locked"));
  CHECK(server_values(server.data(), kCommuneA)[{kCommuneA, "v:PL1.4:2016"}] == 3);
}
