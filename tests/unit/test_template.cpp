// The official template file: every row, goal, section, responsibility and decision the
// seed (the province's plan + Công văn 6503/BNV-CCHC) holds.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "temp_dir.hpp"
#include "tongket/error.hpp"
#include "tongket/report_template.hpp"

using namespace tongket;

namespace {

std::filesystem::path template_path() {
  return std::filesystem::path(TONGKET_SOURCE_DIR) / "data/template/cchc-2011-2020.json";
}

const ReportTemplate& tpl() {
  static ReportTemplate t = ReportTemplate::load(template_path());
  return t;
}

bool has_level(const std::vector<UnitLevel>& levels, UnitLevel l) {
  return std::find(levels.begin(), levels.end(), l) != levels.end();
}

const Indicator& ind(std::string_view code) {
  const Indicator* i = tpl().indicator(code);
  INFO(code);
  REQUIRE(i);
  return *i;
}

}  // namespace

TEST_CASE("the template loads and says what it is", "[template]") {
  CHECK(tpl().id() == "cchc-2011-2020");
  CHECK(tpl().version() >= 1);
  CHECK(tpl().data_from() == "2011-01-01");
  CHECK(tpl().data_to() == "2020-03-31");
  // Literal Vietnamese, never \u escapes (the file is read by people too).
  std::string text = test::read_file(template_path());
  CHECK(text.find("\\u") == std::string::npos);
  CHECK(text.find("Tổng số TTHC của tỉnh") != std::string::npos);
}

TEST_CASE("periods: the years 2015-2020 and the two stages", "[template]") {
  std::vector<std::string> ids;
  for (const auto& p : tpl().periods()) ids.push_back(p.id);
  CHECK(ids == std::vector<std::string>{"2015", "2016", "2017", "2018", "2019", "2020", "2001-2010",
                                        "2011-2020"});
  CHECK(tpl().period("2020")->label == "Năm 2020 (Tính đến 31/3)");
  CHECK(tpl().period("2015")->label == "Năm 2015");
  CHECK(tpl().period("2001-2010")->label == "Giai đoạn 2001-2010 (Tính đến 12/2010)");
  CHECK(tpl().period("2011-2020")->label == "Giai đoạn 2011-2020 (Tính đến 12/2019)");
  CHECK(ind("PL3.1").periods ==
        std::vector<std::string>{"2015", "2016", "2017", "2018", "2019", "2020"});
  CHECK(ind("PL4.I.1").periods == std::vector<std::string>{"2001-2010", "2011-2020"});
  CHECK(ind("PL3.4").periods.empty());  // a heading holds no value
}

TEST_CASE("levels: deadlines and who reports to whom", "[template]") {
  const auto* commune = tpl().level(UnitLevel::commune);
  const auto* district = tpl().level(UnitLevel::district);
  const auto* department = tpl().level(UnitLevel::department);
  const auto* province = tpl().level(UnitLevel::province);
  REQUIRE((commune && district && department && province));
  CHECK(commune->deadline == "2020-03-10");
  CHECK(district->deadline == "2020-03-20");
  CHECK(department->deadline == "2020-04-02");
  CHECK(province->deadline == "2020-06-30");
  CHECK(commune->reports_to == UnitLevel::district);
  CHECK(district->reports_to == UnitLevel::province);
  CHECK(department->reports_to == UnitLevel::province);
  CHECK_FALSE(province->reports_to.has_value());
  CHECK(commune->name == "Cấp xã");
  CHECK(district->submits_to.find("Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh") != std::string::npos);
}

TEST_CASE("appendix coverage: every row of the seed, counted by hand", "[template]") {
  // PL1 (seed lines 520-539): 20 printed rows = 1, 2 "-", 2, 3, 5 "-", 4, 5, 4 bộ tiêu chí,
  //   6, 2 "-", "Mức độ hài lòng chung".
  // PL2 (546-558): 13 = 1, six "Chia theo tên loại VBQPPL" rows, 2..7.
  // PL3 (565-590): 22 printed rows (item 4's row cut by the page break counted once)
  //   + 6 counts behind the three "(đã tiếp nhận/đã trả đúng hẹn)" ratios = 28.
  // PL4: table I (heading + 4 count columns + Ghi chú) and table II (same) = 12;
  //   section III is a table of repeating rows, not indicators.
  // PL5 (617-628): 12 = 1, 2 "-", 2, 2 "-", 3..8.
  // PL6 (636-654): 15 = 1, 2 + 4 "-", 3 + 3 "-" (the third restored), 4 + 3 "-", 5;
  //   the stray "thuộc UBND cấp huyện" line under item 3 is not a row (decision).
  // PL7 (662-679): 14 = items 1..14 (item 10 joined across the page break).
  const std::vector<std::pair<std::string, std::size_t>> expected{
      {"PL1", 20}, {"PL2", 13}, {"PL3", 28}, {"PL4", 12}, {"PL5", 12}, {"PL6", 15}, {"PL7", 14}};
  std::size_t total = 0;
  for (const auto& [app, n] : expected) {
    INFO(app);
    CHECK(tpl().indicators_of(app).size() == n);
    total += n;
  }
  CHECK(tpl().indicators().size() == total);
  CHECK(tpl().indicators_of("PL8").empty());  // appendix 8 holds goals
  CHECK(tpl().goals().size() == 16);
}

TEST_CASE("indicator labels, parents and types follow the form", "[template]") {
  CHECK(ind("PL1.1.a").label == "Văn bản của Tỉnh/Thành ủy");
  CHECK(ind("PL1.1.a").parent == "PL1.1");
  CHECK(ind("PL1.3.a").type == ValueType::flag);
  CHECK(ind("PL1.3.a").label ==
        "Tổ chức cuộc thi tìm hiểu CCHC (Có tổ chức = 1; Không tổ chức = 0)");
  CHECK(ind("PL1.3.d").type == ValueType::flag);
  CHECK(ind("PL1.3.e").type == ValueType::text);
  CHECK(ind("PL1.3.e").label == "Hình thức tuyên truyền CCHC khác (nếu có).");
  CHECK(ind("PL1.5").type == ValueType::heading);
  CHECK(tpl().children_of("PL1.5").size() == 4);
  CHECK(ind("PL1.6.c").label == "Mức độ hài lòng chung");
  CHECK(ind("PL1.6.c").type == ValueType::percentage);
  CHECK(ind("PL1.6.c").rollup == RollUp::none);

  auto pl21 = tpl().children_of("PL2.1");
  REQUIRE(pl21.size() == 6);
  CHECK(pl21.front()->label ==
        "Nghị quyết của Hội đồng nhân dân tỉnh, thành phố trực thuộc trung ương");
  CHECK(pl21.back()->label == "Quyết định của Ủy ban nhân dân cấp xã");

  CHECK(ind("PL3.1").label == "Tổng số TTHC của tỉnh");
  CHECK(ind("PL3.1.d").label == "Số TTHC do tỉnh ban hành (được giao trong Luật)");
  CHECK(ind("PL3.4").type == ValueType::heading);

  // The ratios of PL3.5 are captured as their two counts.
  for (std::string c : {"PL3.5.a", "PL3.5.b", "PL3.5.c"}) {
    INFO(c);
    const auto& r = ind(c);
    CHECK(r.type == ValueType::ratio);
    CHECK(r.rollup == RollUp::ratio);
    CHECK(r.denominator == c + ".1");
    CHECK(r.numerator == c + ".2");
    CHECK(ind(r.denominator).label == "đã tiếp nhận");
    CHECK(ind(r.numerator).label == "đã trả đúng hẹn");
    CHECK(ind(r.numerator).type == ValueType::count);
  }
  CHECK(ind("PL3.5.b").label ==
        "Tỷ lệ hồ sơ TTHC cấp huyện giải quyết đúng hẹn (đã tiếp nhận/đã trả đúng hẹn)");

  CHECK(ind("PL4.I.1").label == "Số cơ quan chuyên môn thuộc UBND cấp tỉnh");
  CHECK(ind("PL4.I.5").type == ValueType::text);
  CHECK(ind("PL4.II.1").label == "Số UBND cấp huyện");
  CHECK(ind("PL5.1").type == ValueType::heading);
  CHECK(ind("PL5.1.a").label == "Tổng số được giao");
  CHECK(ind("PL5.1.b").label == "Tổng số có mặt");
  CHECK(ind("PL6.5").label ==
        "Số tổ chức khoa học và công nghệ công lập thực hiện cơ chế tự chủ, tự chịu trách "
        "nhiệm theo Nghị định số 54/2016/NĐ-CP");
  CHECK(ind("PL7.1").type == ValueType::percentage);
  CHECK(ind("PL7.13").type == ValueType::percentage);
  CHECK(ind("PL7.14").label ==
        "Số cơ quan chuyên môn cấp tỉnh, đơn vị hành chính cấp huyện có bản Công bố ISO");
}

TEST_CASE("page breaks are joined or restored and each decision is recorded", "[template]") {
  CHECK(ind("PL3.4.d").label ==
        "Số lượng TTHC được giải quyết theo cơ chế một cửa liên thông cùng cấp");
  CHECK(ind("PL3.4.d").parent == "PL3.4");
  CHECK(ind("PL6.3.c").label ==
        "Số lượng đơn vị sự nghiệp công tự bảo đảm một phần chi thường xuyên");
  CHECK(ind("PL6.3.c").parent == "PL6.3");
  CHECK(tpl().children_of("PL6.3").size() == 3);
  CHECK(ind("PL7.10").label == "Số dịch vụ công trực tuyến mức độ 3, mức độ 4");
  CHECK(tpl().goal("PL8.10")->label ==
        "20% số lượng người dân và doanh nghiệp tham gia hệ thống thông tin Chính quyền điện tử "
        "được xác thực định danh điện tử thông suốt và hợp nhất trên tất cả các hệ thống thông "
        "tin của các cơ quan");

  auto decided = [](std::string_view about, std::string_view kind) {
    for (const auto& d : tpl().decisions())
      if (d.kind == kind && std::find(d.about.begin(), d.about.end(), about) != d.about.end() &&
          !d.text.empty())
        return true;
    return false;
  };
  CHECK(decided("PL3.4.d", "page_break"));
  CHECK(decided("PL6.3.c", "page_break"));
  CHECK(decided("PL6.4", "page_break"));  // the stray line under item 3
  CHECK(decided("PL7.10", "page_break"));
  CHECK(decided("PL8.10", "page_break"));
  CHECK(decided("PL4.III", "interpretation"));
  CHECK(decided("PL1.5", "interpretation"));
  CHECK(decided("PL3.5.a", "interpretation"));
}

TEST_CASE("appendix 8: the 16 goals with their verbatim labels", "[template]") {
  REQUIRE(tpl().goals().size() == 16);
  for (int n = 1; n <= 16; ++n) {
    const Goal* g = tpl().goal("PL8." + std::to_string(n));
    INFO(n);
    REQUIRE(g);
    CHECK(g->stt == std::to_string(n) + ".");
    CHECK_FALSE(g->label.empty());
  }
  CHECK(tpl().goal("PL8.1")->label.starts_with(
      "Thủ tục hành chính liên quan đến cá nhân, tổ chức được cải cách cơ bản"));
  CHECK(tpl().goal("PL8.2")->label ==
        "Thủ tục hành chính được cải cách cơ bản, mức độ hài lòng của nhân dân và doanh nghiệp "
        "về thủ tục hành chính đạt mức trên 80% vào năm 2020");
  CHECK(tpl().goal("PL8.14")->label ==
        "Tối thiểu 30% báo cáo định kỳ (không bao gồm nội dung mật) được gửi, nhận qua Hệ thống "
        "thông tin báo cáo quốc gia.");
  CHECK(tpl().goal("PL8.16")->label ==
        "100% cơ quan kết nối vào Mạng truyền số liệu chuyên dùng của các cơ quan Đảng, Nhà "
        "nước.");
  std::vector<std::string> results;
  for (const auto& r : tpl().goal_results()) results.push_back(r.label);
  CHECK(results == std::vector<std::string>{"Đạt", "Không đạt"});
}

TEST_CASE("appendix 4 section III is a table of repeating rows", "[template]") {
  const Table* t = tpl().table("PL4.III");
  REQUIRE(t);
  CHECK(t->title == "Số lượng đơn vị sự nghiệp công lập phân theo các lĩnh vực");
  REQUIRE(t->columns.size() == 4);
  CHECK(t->columns[0].type == ValueType::text);
  CHECK(t->columns[1].type == ValueType::count);
  CHECK(t->columns[2].type == ValueType::count);
  CHECK(tpl().responsible_for("PL4.III") == std::vector<std::string>{"SNV"});
}

TEST_CASE("who answers what, per the province's plan", "[template]") {
  using V = std::vector<std::string>;
  CHECK(tpl().department("SNV")->name == "Sở Nội vụ");
  CHECK(tpl().department("VP")->name ==
        "Văn phòng Đoàn Đại biểu Quốc hội, Hội đồng nhân dân và Ủy ban nhân dân tỉnh");
  CHECK(tpl().department("SKHCN")->name == "Sở Khoa học và Công nghệ");
  CHECK(ind("PL1.2").responsible == V{"VP"});
  CHECK(ind("PL3.5.a.1").responsible == V{"VP"});
  CHECK(ind("PL2.1.c").responsible == V{"STP"});
  CHECK(ind("PL4.II.3").responsible == V{"SNV"});
  CHECK(ind("PL5.1.b").responsible == V{"SNV"});
  CHECK(ind("PL6.3.c").responsible == V{"STC"});
  CHECK(ind("PL7.3").responsible == V{"STTTT"});
  CHECK(ind("PL7.14").responsible == V{"SKHCN"});  // the more specific assignment wins
  for (int n : {3, 4, 7}) CHECK(tpl().responsible_for("PL8." + std::to_string(n)) == V{"SNV"});
  for (int n = 8; n <= 16; ++n)
    CHECK(tpl().responsible_for("PL8." + std::to_string(n)) == V{"STTTT"});
  CHECK(tpl().department_answers("STTTT", "PL8.10"));
  CHECK_FALSE(tpl().department_answers("STTTT", "PL8.1"));
  CHECK_FALSE(tpl().department_answers("SNV", "PL8.16"));
  // A department the template does not name (added by an administrator): the narrative
  // sections, nothing of the appendices or goals.
  CHECK(tpl().department_answers("SYT", "P1.II.2.1.a"));
  CHECK(tpl().department_answers("SYT", "P3.1"));
  CHECK_FALSE(tpl().department_answers("SYT", "PL1.4"));
  CHECK_FALSE(tpl().department_answers("SYT", "PL8.1"));
  CHECK_FALSE(tpl().department_answers("SYT", "PL4.III"));
  CHECK(tpl().responsible_for("P1.II.1.1.b") == V{"STP"});
  CHECK(tpl().responsible_for("P1.II.6.1.c") == V{"SKHCN"});
  CHECK(tpl().appendix("PL7")->responsible == V{"STTTT", "SKHCN"});
  // Every department answers something, and every appendix row has someone.
  for (const auto& i : tpl().indicators()) {
    INFO(i.code);
    CHECK_FALSE(i.responsible.empty());
  }
}

TEST_CASE("which levels fill which parts", "[template]") {
  // Communes write the plan's commune items, districts the district items; the outline is
  // the province's and the departments'.
  CHECK(tpl().level_fills(UnitLevel::commune, "KH.X.1.1"));
  CHECK_FALSE(tpl().level_fills(UnitLevel::district, "KH.X.1.1"));
  CHECK(tpl().level_fills(UnitLevel::district, "KH.H.2.5"));
  CHECK(tpl().level_fills(UnitLevel::province, "P1.II.2.1.a"));
  CHECK(tpl().level_fills(UnitLevel::department, "P1.II.2.1.a"));
  CHECK_FALSE(tpl().level_fills(UnitLevel::commune, "P1.II.2.1.a"));
  // Figures: commune rows, district rows, province rows.
  CHECK(has_level(ind("PL3.5.c.1").levels, UnitLevel::commune));
  CHECK(has_level(ind("PL3.5.c.1").levels, UnitLevel::district));
  CHECK_FALSE(has_level(ind("PL3.5.c.1").levels, UnitLevel::department));
  CHECK(has_level(ind("PL3.5.b.1").levels, UnitLevel::district));
  CHECK_FALSE(has_level(ind("PL3.5.b.1").levels, UnitLevel::commune));
  CHECK(ind("PL3.1").levels == std::vector<UnitLevel>{UnitLevel::department, UnitLevel::province});
  CHECK(has_level(ind("PL1.4").levels, UnitLevel::commune));
  CHECK(tpl().level_fills(UnitLevel::province, "PL8.5"));
  CHECK_FALSE(tpl().level_fills(UnitLevel::commune, "PL8.5"));
  // The province may enter every figure of its form.
  for (const auto& i : tpl().indicators()) {
    INFO(i.code);
    CHECK(has_level(i.levels, UnitLevel::province));
  }
}

TEST_CASE("the outline and the plan's items are sections with official headings", "[template]") {
  auto heading = [](std::string_view id) {
    const Section* s = tpl().section(id);
    INFO(id);
    REQUIRE(s);
    return s->heading;
  };
  CHECK(heading("P1") ==
        "TÌNH HÌNH TRIỂN KHAI VÀ KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH TỔNG THỂ CẢI CÁCH HÀNH CHÍNH "
        "NHÀ NƯỚC GIAI ĐOẠN 2011 - 2020");
  CHECK(heading("P1.I.1") == "Công tác chỉ đạo, điều hành");
  CHECK(heading("P1.II.2.1.dd") ==
        "Về tình hình, kết quả cung cấp dịch vụ công trực tuyến mức độ 3, 4.");
  CHECK(heading("P1.III.3") == "Những bài học kinh nghiệm trong triển khai cải cách hành chính");
  CHECK(heading("P2.6") == "Về hiện đại hóa hành chính");
  CHECK(heading("P3.3") == "Những kiến nghị, đề xuất khác.");
  CHECK(heading("KH.H.2.3") == "Cơ chế chính sách huy động nguồn lực thực hiện.");
  CHECK(heading("KH.H.2.5") ==
        "Phát động phong trào thi đua giai đoạn 2021 - 2030 để huy động các nguồn lực và người "
        "dân tham gia thực hiện Chương trình CCHC.");
  CHECK(heading("KH.X.1.2").find("so với giai đoạn 2001 - 2010") != std::string::npos);
  CHECK(tpl().section("P1.I.1")->guidance.size() == 6);
  CHECK_FALSE(tpl().section("P1.II")->writable);
  CHECK(tpl().section("P1.II.1.2")->writable);

  // Outline counts: Phần thứ hai 1-6 and Phần thứ ba 1-3 are writable; the district has one
  // more orientation item (resources) and the emulation movement than the commune.
  auto writable_under = [](std::string_view prefix) {
    std::size_t n = 0;
    for (const auto& s : tpl().sections())
      if (s.writable && s.id.starts_with(prefix)) ++n;
    return n;
  };
  CHECK(writable_under("P2.") == 6);
  CHECK(writable_under("P3.") == 3);
  CHECK(writable_under("KH.X.") == 7);
  CHECK(writable_under("KH.H.") == 9);
  // P1: I (1, 2, 3, 4.a, 4.b) 5 + II.1 4 + II.2 8 + II.3 7 + II.4 3 + II.5 8 + II.6 4 + III 3.
  CHECK(writable_under("P1.") == 42);
}

TEST_CASE("rules: part <= whole and children that add up", "[template]") {
  auto rule_between = [](std::string_view left, std::string_view right) -> const Rule* {
    for (const auto& r : tpl().rules())
      if (r.left == left && r.right == right) return &r;
    return nullptr;
  };
  for (auto [part, whole] :
       std::vector<std::pair<std::string, std::string>>{{"PL5.1.b", "PL5.1.a"},
                                                        {"PL5.2.b", "PL5.2.a"},
                                                        {"PL3.6.b", "PL3.6.a"},
                                                        {"PL3.6.c", "PL3.6.b"},
                                                        {"PL2.6", "PL2.5"},
                                                        {"PL3.1.a", "PL3.1"},
                                                        {"PL3.1.b", "PL3.1"},
                                                        {"PL3.1.c", "PL3.1"},
                                                        {"PL3.5.a.2", "PL3.5.a.1"},
                                                        {"PL3.5.b.2", "PL3.5.b.1"},
                                                        {"PL3.5.c.2", "PL3.5.c.1"}}) {
    INFO(part << " <= " << whole);
    const Rule* r = rule_between(part, whole);
    REQUIRE(r);
    CHECK(r->kind == Rule::Kind::part_le_whole);
    CHECK(r->severity == Severity::error);
  }
  const Rule* tthc = nullptr;
  for (const auto& r : tpl().rules())
    if (r.kind == Rule::Kind::children_sum && r.left == "PL3.1") tthc = &r;
  REQUIRE(tthc);
  CHECK(tthc->severity == Severity::warning);
  CHECK(tthc->parts == std::vector<std::string>{"PL3.1.a", "PL3.1.b", "PL3.1.c"});
}
