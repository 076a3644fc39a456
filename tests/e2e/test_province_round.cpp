// A whole Tây Ninh round over HTTPS with the real server and real clients: the six departments
// of the province's plan fill and submit their parts, two districts (one with an accepted
// commune, one commune left in draft) submit, the province accepts them, takes in a
// department's narrative, overrides one figure and exports its report. The export (CSV, and
// the .docx through LibreOffice to PDF) holds the departments' figures with their source, the
// taken-in text, the coverage line, flags counted not summed and the document frame; the
// draft commune's figure is in no roll-up; a department's export holds only its own parts.
#include <catch2/catch.hpp>
#include <filesystem>

#include "office.hpp"
#include "round.hpp"
#include "server_fixture.hpp"
#include "tongket/hierarchy.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

constexpr const char* kTinh = "72";
constexpr const char* kTanBien = "705";
constexpr const char* kCity = "703";
constexpr const char* kAccepted = "25489";  // a commune of Tân Biên, accepted
constexpr const char* kDraft = "25492";     // a commune of Tân Biên, never submitted

// The PDF's text with every run of white space as one space: table cells wrap their text.
std::string office_text(const fs::path& file, const fs::path& dir) {
  std::string text = office_pdf_text(office_to_pdf(file, dir), dir), out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
    if (space && !out.empty() && out.back() == ' ') continue;
    out += space ? ' ' : c;
  }
  return out;
}

// Every unit below the province: the total of its coverage line.
std::size_t units_below(const std::string& province) {
  auto h = Hierarchy::load(fs::path(TONGKET_SOURCE_DIR) / "data" / "units");
  std::size_t n = 0;
  for (const Unit& u : h.units())
    if (u.code != province && h.within(u.code, province)) ++n;
  return n;
}

const std::vector<std::string> kOverride = {"--override", "Số liệu đã được rà soát"};

void submit(const SyncClient& c) {
  std::vector<std::string> args = {"submit"};
  args.insert(args.end(), kOverride.begin(), kOverride.end());
  c.run_ok(args);
  c.sync_ok();
}

}  // namespace

TEST_CASE("the province's report is assembled from its departments and districts",
          "[e2e][review][province]") {
  Round round("tongket-province");
  SyncServer& server = round.server;
  const TempDir& dir = round.dir;
  struct Dept {
    const char* key;
    SyncClient* client;
  };
  std::vector<Dept> depts;
  for (const char* key : {"VP", "STP", "SNV", "STC", "STTTT", "SKHCN"})
    depts.push_back({key, &round.enrolled(std::string("so-") + key, std::string(kTinh) + "-" + key,
                                          std::string("Cán bộ ") + key, "clerk")});
  auto& vp = *depts[0].client;
  auto& stp = *depts[1].client;
  auto& snv = *depts[2].client;
  auto& stc = *depts[3].client;
  auto& stttt = *depts[4].client;
  auto& skhcn = *depts[5].client;
  auto& a = round.enrolled("xa-a", kAccepted, "Cán bộ xã A", "clerk");
  auto& b = round.enrolled("xa-b", kDraft, "Cán bộ xã B", "clerk");
  auto& tb = round.enrolled("tan-bien", kTanBien, "Phòng Nội vụ Tân Biên", "district_reviewer");
  auto& city = round.enrolled("thanh-pho", kCity, "Phòng Nội vụ thành phố", "district_reviewer");
  auto& p = round.enrolled("tinh", kTinh, "Văn phòng UBND tỉnh", "province_reviewer");

  // The departments fill their parts of the plan and submit.
  vp.set("PL3.1", "2019", "92");
  vp.set("PL1.3.a", "2019", "1");
  vp.run_ok({"rows", "add", "MH", "ten=Một cửa điện tử", "nam_ap_dung=2018"});
  vp.run_ok({"rows", "add", "MH", "ten=Zalo phường", "nam_ap_dung=2019"});
  vp.run_ok({"assess", "PL8.1", "dat", "--note", "Giảm 30% chi phí tuân thủ TTHC"});
  stp.set("PL2.4", "2019", "41");
  stp.text("P1.II.1.2", "Sở Tư pháp: còn chậm rà soát văn bản quy phạm pháp luật.");
  snv.run_ok({"assess", "PL8.3", "dat", "--note", "Đã sắp xếp 20 đơn vị sự nghiệp"});
  stc.set("PL6.1", "2019", "14");
  stttt.set("PL7.1", "2019", "85");
  skhcn.set("PL7.14", "2019", "30");
  // A department writes only its own parts.
  CHECK(skhcn.run({"set", "PL7.1", "2019", "1"}).exit_code != 0);
  for (auto& d : depts) submit(*d.client);

  // A department's export holds only its own parts.
  const fs::path stp_csv = dir / "stp.csv";
  stp.run_ok({"export", "--format", "csv", "--out", stp_csv.string()});
  CHECK_THAT(read_file(stp_csv), Contains("PL2.4,2019,41"));
  CHECK(read_file(stp_csv).find("PL3.") == std::string::npos);

  // Communes: A submits and is accepted; B keeps a draft figure that must count nowhere.
  a.set("PL1.4", "2016", "3");
  submit(a);
  b.set("PL1.4", "2016", "500");
  // A submission with empty rows and sections needs a reason.
  auto silent = b.run({"submit"});
  CHECK(silent.exit_code != 0);
  CHECK_THAT(silent.out, Contains("no value entered"));
  b.sync_ok();
  tb.sync_ok();
  tb.set("PL1.3.a", "2019", "1");
  // A district with communes not accepted is warned, with them listed.
  auto early = tb.run({"submit"});
  CHECK(early.exit_code != 0);
  CHECK_THAT(early.out, Contains("not accepted yet") && Contains("Xã Tân Lập"));
  tb.run_ok({"review", "accept", "--unit", kAccepted});
  submit(tb);
  auto district = tb.run_ok({"drilldown", "PL1.4", "2016"});
  CHECK_THAT(district.out, Contains(": 3"));
  city.set("PL1.3.a", "2019", "0");
  submit(city);
  // The departments receive the district reports, to read only.
  stp.sync_ok();
  auto read = stp.run_ok({"review", "show", "--unit", kTanBien});
  CHECK_THAT(read.out, Contains("submitted") && Contains("v:PL1.3.a:2019"));
  CHECK(stp.run({"set", "PL1.3.a", "2019", "0", "--unit", kTanBien}).exit_code != 0);

  // The province returns Sở Tài chính's report; it corrects and submits again, and the
  // province sees what changed since the previous submission and since the return.
  p.sync_ok();
  p.run_ok({"review", "return", "--unit", "72-STC", "--comment", "PL6.1 năm 2019 chưa đúng"});
  p.sync_ok();
  stc.sync_ok();
  stc.set("PL6.1", "2019", "15");
  // One deadline, one rule: submit, status and the server's list agree (template's date; a
  // resubmission after a return is judged by the first submission).
  auto resubmitted = stc.run_ok({"submit", "--override", "Đã sửa theo yêu cầu"});
  CHECK_THAT(resubmitted.out,
             Contains("deadline 2020-04-02: a resubmission after a return: judged by the first "
                      "submission (late)"));
  stc.sync_ok();
  CHECK_THAT(stc.run_ok({"status"}).out, Contains("deadline: 2020-04-02"));
  auto listed = server.admin({"review", "list", "--unit", kTinh});
  CHECK_THAT(listed.out, Contains("resubmitted after a return: judged by the first submission") &&
                             Contains("deadline 2020-04-02: LATE"));
  p.sync_ok();
  auto changes = p.run_ok({"review", "show", "--unit", "72-STC", "--changes"});
  CHECK_THAT(changes.out, Contains("since the previous submission") &&
                              Contains("since the return") && Contains("v:PL6.1:2019"));
  CHECK(changes.out.find("none: the data is what was") == std::string::npos);

  // The province accepts its departments and districts.
  for (const char* u :
       {"72-VP", "72-STP", "72-SNV", "72-STC", "72-STTTT", "72-SKHCN", kTanBien, kCity})
    p.run_ok({"review", "accept", "--unit", u});
  // The client's completeness and the server's list judge by the same rule and agree: six
  // departments and two districts submitted, every one after the template's 2020 deadlines.
  CHECK_THAT(p.run_ok({"completeness"}).out, Contains("8 late, 7 missing"));
  CHECK_THAT(server.admin({"review", "list", "--unit", kTinh}).out, Contains("8 late, 7 missing"));
  // Its figure of a row a department answers is the department's accepted one.
  CHECK_THAT(p.run_ok({"drilldown", "PL3.1", "2019"}).out,
             Contains("province's figure: 92 (from Văn phòng"));
  // It sees the departments' narrative beside its own sections and takes one in.
  auto seen = p.run_ok({"contributions"});
  CHECK_THAT(seen.out, Contains("P1.II.1.2") && Contains("Sở Tư pháp tỉnh Tây Ninh") &&
                           Contains("chưa đưa vào"));
  p.run_ok({"take-in", "P1.II.1.2", "--from", "72-STP"});
  CHECK_THAT(p.run_ok({"contributions", "P1.II.1.2"}).out, Contains("đã đưa vào"));
  // It overrides one department figure, and fills its document frame.
  p.set("PL6.1", "2019", "16");
  p.text("VB.co_quan", "ỦY BAN NHÂN DÂN TỈNH TÂY NINH");
  p.run_ok({"document", "set", "so_ky_hieu", "125/BC-UBND"});
  p.text("VB.dia_danh", "Tây Ninh");
  p.text("VB.ngay", "2020-06-25");
  // The date as a clerk writes it is the same date; one that does not exist changes nothing.
  CHECK(!p.run_ok({"document", "set", "ngay", "25/6/2020"}).out.empty());
  const auto bad_date = p.run({"document", "set", "ngay", "31/02/2020"});
  CHECK(bad_date.exit_code == 2);
  CHECK_THAT(bad_date.err, Contains("date issued \"31/02/2020\" is not a real date"));
  CHECK_THAT(p.run_ok({"document"}).out,
             Contains("ngay (date issued") && Contains("): 25/06/2020"));
  p.run_ok({"document", "set", "noi_nhan", "Bộ Nội vụ;\\nLưu: VT."});
  CHECK(p.run({"document", "set", "so", "1"}).exit_code == 2);  // names the known fields
  CHECK_THAT(p.run_ok({"document"}).out, Contains("so_ky_hieu") && Contains("125/BC-UBND"));
  p.text("VB.tham_quyen", "TM. ỦY BAN NHÂN DÂN");
  p.text("VB.chuc_vu", "CHỦ TỊCH");
  p.text("VB.nguoi_ky", "Nguyễn Thanh Ngọc");
  p.sync_ok();

  const std::size_t total = units_below(kTinh);
  // Counted: 6 departments, 2 districts, commune A.
  const std::string coverage = "Số liệu tổng hợp từ 9/" + std::to_string(total) + " đơn vị";
  const fs::path csv = dir / "tinh.csv", docx = dir / "tinh.docx";
  p.run_ok({"export", "--format", "csv", "--rollup", "--out", csv.string()});
  const std::string rows = read_file(csv);
  CHECK_THAT(rows, Contains("PL3.1,2019,92"));   // Văn phòng's
  CHECK_THAT(rows, Contains("PL7.1,2019,85"));   // Sở TT&TT's
  CHECK_THAT(rows, Contains("PL7.14,2019,30"));  // Sở KH&CN's
  CHECK_THAT(rows, Contains("PL2.4,2019,41"));   // Sở Tư pháp's
  CHECK_THAT(rows, Contains("PL6.1,2019,16"));   // the province's override of Sở Tài chính's 15
  CHECK_THAT(rows, Contains("PL1.4,2016,3"));    // commune A only: B's draft 500 is out
  CHECK(rows.find("PL1.4,2016,503") == std::string::npos);
  CHECK_THAT(rows, Contains("PL1.3.a,2019,2/3 đơn vị"));  // counted, not summed
  CHECK_THAT(rows, Contains(coverage));
  CHECK_THAT(rows, Contains("missing,,Xã Thạnh Bắc"));  // commune B, still a draft
  CHECK_THAT(rows, Contains("Tỉnh điều chỉnh PL6.1"));

  // The same from the server's data.
  const fs::path server_csv = dir / "server.csv";
  auto exported = server.admin({"export", "--unit", kTinh, "--rollup", "--format", "csv", "--out",
                                server_csv.string(), "--units",
                                (fs::path(TONGKET_SOURCE_DIR) / "data" / "units").string()});
  REQUIRE(exported.exit_code == 0);
  CHECK_THAT(exported.out, Contains(coverage));
  CHECK_THAT(read_file(server_csv),
             Contains("PL3.1,2019,92") && Contains(coverage) && Contains("PL1.4,2016,3"));

  p.run_ok({"export", "--format", "docx", "--rollup", "--out", docx.string()});
  TempDir office("tongket-province-office");
  const std::string text = office_text(docx, office.path());
  CHECK_THAT(text, Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
  CHECK_THAT(text, Contains("Độc lập - Tự do - Hạnh phúc"));
  CHECK_THAT(text, Contains("Số: 125/BC-UBND"));
  CHECK_THAT(text, Contains("Tây Ninh, ngày 25 tháng 6 năm 2020"));
  CHECK_THAT(text, Contains("Nơi nhận:") && Contains("- Bộ Nội vụ;") && Contains("- Lưu: VT."));
  CHECK_THAT(text, Contains("Nguyễn Thanh Ngọc"));
  CHECK_THAT(text, Contains("còn chậm rà soát văn bản"));  // taken in from Sở Tư pháp
  CHECK_THAT(text, Contains(coverage));
  CHECK_THAT(text, Contains("2/3 đơn vị"));
  CHECK_THAT(text, Contains("Nguồn số liệu"));
  CHECK_THAT(text, Contains("Giảm 30% chi phí"));  // PL8's note, printed
  CHECK_THAT(text, Contains("Chia theo tên loại VBQPPL"));
  // List rows in the order entered; a year printed as written.
  REQUIRE(text.find("Zalo phường") != std::string::npos);
  CHECK(text.find("Một cửa điện tử") < text.find("Zalo phường"));
  CHECK_THAT(text, Contains("2018") && !Contains("2.018"));

  // verify recomputes each submission's on-time/late judgement and reports a changed record.
  auto verified = server.admin({"verify", "--unit", "72-STC"});
  CHECK(verified.exit_code == 0);
  CHECK_THAT(verified.out, Contains("timeliness: late (the record agrees)"));
  exec_store_sql(server.data(),
                 "UPDATE review SET on_time = 1 - on_time WHERE unit = '72-STC' AND "
                 "action = 'submit'");
  auto tampered = server.admin({"verify", "--unit", "72-STC"});
  CHECK(tampered.exit_code == 6);
  CHECK_THAT(tampered.out, Contains("THE RECORD DISAGREES") && Contains("was changed"));
}
