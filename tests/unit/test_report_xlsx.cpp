#include <catch2/catch.hpp>

#include <regex>

#include "temp_dir.hpp"
#include "test_report_fixture.hpp"
#include "tongket/report/xlsx.hpp"
#include "tongket/report/zip.hpp"

using namespace tongket;
using namespace tongket::report;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the .xlsx has one sheet per appendix with numbers as numbers", "[report]") {
  test::SampleReport sample;
  test::TempDir dir("tongket-report");
  auto file = dir / "phu-luc.xlsx";
  write_xlsx(sample.data(), file);

  std::string workbook = read_zip_entry(file, "xl/workbook.xml");
  std::size_t at = 0;
  for (int i = 1; i <= 8; ++i) {
    std::string sheet = "name=\"PL" + std::to_string(i) + "\"";
    auto found = workbook.find(sheet, at);
    REQUIRE(found != std::string::npos);  // present and in order
    at = found;
  }
  std::string strings = read_zip_entry(file, "xl/sharedStrings.xml");
  CHECK(contains(strings, "Tổng số TTHC của tỉnh"));
  CHECK(contains(strings, "Năm 2020 (Tính đến 31/3)"));
  CHECK(contains(strings, "Phụ lục 3"));
  CHECK(contains(strings, "Tỉnh Tây Ninh"));
  CHECK(contains(strings, "Không đạt"));
  CHECK(contains(strings, "Pa-nô, áp phích, \"tờ rơi\""));
  CHECK_FALSE(contains(strings, ">1876<"));
  CHECK_FALSE(contains(strings, "1.876"));

  // Sheet 3 is PL3: counts and the ratio are numeric cells (no t="s").
  std::string pl3 = read_zip_entry(file, "xl/worksheets/sheet3.xml");
  CHECK(std::regex_search(pl3, std::regex(R"(<c r="G\d+" s="\d+"><v>1876</v></c>)")));
  CHECK(std::regex_search(pl3, std::regex(R"(<c r="G\d+" s="\d+"><v>0\.958333)")));
  CHECK(contains(pl3, "state=\"frozen\""));
  CHECK(contains(pl3, "<mergeCell "));
  CHECK(contains(pl3, "orientation=\"landscape\""));
  // The counts behind the ratio stay as rows of their own, as numbers.
  CHECK(std::regex_search(pl3, std::regex(R"(<v>1200</v>)")));
  std::string pl7 = read_zip_entry(file, "xl/worksheets/sheet7.xml");
  CHECK(std::regex_search(pl7, std::regex(R"(<c r="G\d+" s="\d+"><v>0\.455</v></c>)")));
  std::string styles = read_zip_entry(file, "xl/styles.xml");
  CHECK(contains(styles, "formatCode=\"0.0%\""));
  CHECK(contains(styles, "Times New Roman"));
  // The ratio's parts are kept in a comment.
  CHECK_NOTHROW(read_zip_entry(file, "xl/comments1.xml"));
}

TEST_CASE("a commune's workbook has only the appendices communes fill", "[report]") {
  test::SampleReport sample;
  test::TempDir dir("tongket-report");
  auto file = dir / "xa.xlsx";
  write_xlsx(sample.data(UnitLevel::commune, "Xã Tân Lập"), file);
  std::string workbook = read_zip_entry(file, "xl/workbook.xml");
  CHECK(contains(workbook, "name=\"PL3\""));
  CHECK_FALSE(contains(workbook, "name=\"PL4\""));
  CHECK_FALSE(contains(workbook, "name=\"PL8\""));
}

TEST_CASE("PL2's \"Chia theo tên loại VBQPPL\" is one merged cell beside the kinds, as in the form",
          "[report]") {
  test::SampleReport sample;
  test::TempDir dir("tongket-report");
  auto file = dir / "pl2.xlsx";
  write_xlsx(sample.data(), file);
  // The label's index among the shared strings.
  std::string strings = read_zip_entry(file, "xl/sharedStrings.xml");
  std::smatch m;
  std::regex si(R"(<si>(?:<t[^>]*>([^<]*)</t>)</si>)");
  int index = -1, i = 0;
  for (auto it = std::sregex_iterator(strings.begin(), strings.end(), si);
       it != std::sregex_iterator(); ++it, ++i)
    if ((*it)[1] == "Chia theo tên loại VBQPPL") index = i;
  REQUIRE(index >= 0);
  std::string workbook = read_zip_entry(file, "xl/workbook.xml");
  REQUIRE(contains(workbook, "<sheet name=\"PL2\" sheetId=\"2\""));
  std::string pl2 = read_zip_entry(file, "xl/worksheets/sheet2.xml");
  // Written once, in column B, at the top of a vertical merge over the six kinds.
  std::regex cell("<c r=\"B(\\d+)\" s=\"\\d+\" t=\"s\"><v>" + std::to_string(index) + "</v></c>");
  auto cells = std::sregex_iterator(pl2.begin(), pl2.end(), cell);
  REQUIRE(std::distance(cells, std::sregex_iterator()) == 1);
  const int top = std::stoi((*cells)[1]);
  std::regex merge("<mergeCell ref=\"B" + std::to_string(top) + ":B(\\d+)\"/>");
  REQUIRE(std::regex_search(pl2, m, merge));
  CHECK(std::stoi(m[1]) - top + 1 == 6);
  // The kinds' labels are in column C beside it; rows without a group span B:C.
  CHECK(std::regex_search(pl2, std::regex("<mergeCell ref=\"B(\\d+):C\\1\"/>")));
  // The label column's header spans both sheet columns, from B (the years start at D).
  int header = -1;
  i = 0;
  for (auto it = std::sregex_iterator(strings.begin(), strings.end(), si);
       it != std::sregex_iterator(); ++it, ++i)
    if ((*it)[1] == "Nhiệm vụ/tiêu chí") header = i;
  REQUIRE(header >= 0);
  std::regex head_cell("<c r=\"B(\\d+)\" s=\"\\d+\" t=\"s\"><v>" + std::to_string(header) +
                       "</v></c>");
  REQUIRE(std::regex_search(pl2, m, head_cell));
  const std::string head_row = m[1];
  CHECK(std::regex_search(pl2, std::regex("<mergeCell ref=\"B" + head_row + ":C\\d+\"/>")));
  CHECK(std::regex_search(pl2, std::regex("<c r=\"D" + std::to_string(std::stoi(head_row) + 1) +
                                          "\" s=\"\\d+\" t=\"s\">")));  // "Năm 2015"
}

TEST_CASE("a rolled-up workbook states its coverage and lists the units not counted", "[report]") {
  test::SampleReport sample;
  test::TempDir dir("tongket-report");
  auto data = sample.data();
  data.coverage = "Số liệu tổng hợp từ 1/3 đơn vị";
  data.missing = {"Huyện Tân Biên", "Sở Tài chính tỉnh Tây Ninh"};
  auto file = dir / "tong-hop.xlsx";
  write_xlsx(data, file);
  std::string workbook = read_zip_entry(file, "xl/workbook.xml");
  CHECK(contains(workbook, "name=\"Đơn vị chưa được tính\""));
  std::string strings = read_zip_entry(file, "xl/sharedStrings.xml");
  CHECK(contains(strings, "Số liệu tổng hợp từ 1/3 đơn vị"));
  CHECK(contains(strings, "Huyện Tân Biên"));
  CHECK(contains(strings, "Sở Tài chính tỉnh Tây Ninh"));
  // Not in a unit's own workbook.
  write_xlsx(sample.data(), dir / "own.xlsx");
  CHECK_FALSE(contains(read_zip_entry(dir / "own.xlsx", "xl/workbook.xml"), "chưa được tính"));
}
