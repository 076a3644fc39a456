#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "temp_dir.hpp"
#include "test_report_fixture.hpp"
#include "tongket/error.hpp"
#include "tongket/report/docx.hpp"
#include "tongket/report/format.hpp"
#include "tongket/report/layout.hpp"
#include "tongket/report/zip.hpp"

using namespace tongket;
using namespace tongket::report;

namespace {

const Grid* find_grid(const std::vector<AppendixLayout>& layouts, const std::string& id) {
  for (const auto& a : layouts) {
    for (const auto& g : a.grids) {
      if (g.id == id) return &g;
    }
  }
  return nullptr;
}

const Row* find_row(const Grid& g, const std::string& label) {
  for (const auto& r : g.rows) {
    if (r.cells.size() > 1 && r.cells[1].text == label) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("numbers are formatted the Vietnamese way", "[report]") {
  CHECK(format_count(1876) == "1.876");
  CHECK(format_count(1234567) == "1.234.567");
  CHECK(format_count(12) == "12");
  CHECK(format_count(0) == "0");
  CHECK(format_count(-1500) == "-1.500");
  CHECK(format_percentage(45.5) == "45,5");
  CHECK(format_percentage(100) == "100");
  CHECK(format_percentage(33.333) == "33,33");
  CHECK(format_ratio(1200, 1150) == "1.200/1.150 (95,8%)");
  CHECK(format_ratio(1200, std::nullopt) == "1.200/…");
  CHECK(format_ratio(0, 0) == "0/0");
  CHECK(format_ratio(std::nullopt, std::nullopt).empty());
  CHECK(xml_escape("a & b < c > \"d\" 'e'\x01") ==
        "a &amp; b &lt; c &gt; &quot;d&quot; &apos;e&apos;");
  CHECK(xml_escape("Cải cách thể chế") == "Cải cách thể chế");
}

TEST_CASE("appendix grids follow the official forms", "[report]") {
  test::SampleReport sample;
  auto layouts = lay_out_appendices(sample.data());
  // The eight appendices, then the lists without a form (award nominations, models).
  REQUIRE(layouts.size() == 10);
  CHECK(layouts[0].id == "PL1");
  CHECK(layouts[8].id == "KT");
  CHECK(layouts[9].id == "MH");
  CHECK(layouts[2].name == "Phụ lục 3");

  const Grid* pl3 = find_grid(layouts, "PL3");
  REQUIRE(pl3);
  REQUIRE(pl3->header.size() == 8);
  CHECK(pl3->header[0] == "STT");
  CHECK(pl3->header[1] == "Chỉ tiêu");
  CHECK(pl3->header[2] == "Năm 2015");
  CHECK(pl3->header[7] == "Năm 2020 (Tính đến 31/3)");
  CHECK(pl3->group == "Tỉnh Tây Ninh");
  const Row* total = find_row(*pl3, "Tổng số TTHC của tỉnh");
  REQUIRE(total);
  CHECK(total->cells[2].text == "1.234");
  CHECK(total->cells[6].text == "1.876");
  CHECK(total->cells[6].number == 1876);
  CHECK(total->cells[3].text.empty());
  const Row* ratio = nullptr;
  for (const auto& r : pl3->rows) {
    if (r.cells[1].text.rfind("Tỷ lệ hồ sơ TTHC cấp tỉnh", 0) == 0) ratio = &r;
  }
  REQUIRE(ratio);
  CHECK(ratio->cells[6].text == "1.200/1.150 (95,8%)");
  CHECK(ratio->cells[6].kind == CellKind::ratio);
  CHECK(ratio->cells[6].number == Approx(95.8333).epsilon(1e-4));
  const Row* received = find_row(*pl3, "đã tiếp nhận");
  REQUIRE(received);
  CHECK(received->ratio_part);

  // Appendix 4: the periods are rows, the indicators columns.
  const Grid* pl4 = find_grid(layouts, "PL4.I");
  REQUIRE(pl4);
  CHECK(pl4->caption == "I. Số lượng, cơ cấu tổ chức thuộc Ủy ban nhân dân cấp tỉnh");
  CHECK(pl4->header[0] == "Tỉnh, thành phố");
  CHECK(pl4->header[1] == "Giai đoạn");
  CHECK(pl4->header[2] == "Số cơ quan chuyên môn thuộc UBND cấp tỉnh");
  CHECK(pl4->header.back() == "Ghi chú");
  CHECK(pl4->merge_first_column);
  REQUIRE(pl4->rows.size() == 2);
  CHECK(pl4->rows[0].cells[0].text == "Tỉnh Tây Ninh");
  CHECK(pl4->rows[0].cells[1].text == "Giai đoạn 2001-2010 (Tính đến 12/2010)");
  CHECK(pl4->rows[0].cells[2].text == "20");
  CHECK(pl4->rows[1].cells[2].text == "19");
  CHECK(pl4->rows[1].cells.back().text == "Sáp nhập Sở Ngoại vụ");
  const Grid* pl4_3 = find_grid(layouts, "PL4.III");
  REQUIRE(pl4_3);
  CHECK(pl4_3->caption == "III. Số lượng đơn vị sự nghiệp công lập phân theo các lĩnh vực");
  REQUIRE(pl4_3->rows.size() == 1);
  CHECK(pl4_3->rows[0].cells[1].text == "Giáo dục và đào tạo");
  CHECK(pl4_3->rows[0].cells[2].number == 350);

  const Grid* pl7 = find_grid(layouts, "PL7");
  REQUIRE(pl7);
  CHECK(pl7->rows[0].cells[6].text == "45,5%");

  const Grid* pl8 = find_grid(layouts, "PL8");
  REQUIRE(pl8);
  // The form's three columns; the note entered with an assessment prints under the goal.
  CHECK(pl8->header == std::vector<std::string>{"STT", "Các mục tiêu cải cách",
                                                "Đánh giá kết quả đạt được (Đạt/Không đạt)"});
  REQUIRE(pl8->rows.size() == 16);
  CHECK(pl8->rows[0].cells.size() == 3);
  CHECK(pl8->rows[0].cells[2].text == "Đạt");
  CHECK(pl8->rows[0].cells[1].text.find("\nGhi chú: Giảm 10% chi phí") != std::string::npos);
  CHECK(pl8->rows[1].cells[2].text == "Không đạt");
  CHECK(pl8->rows[2].cells[2].text.empty());
}

TEST_CASE("a commune's layout holds only what communes fill", "[report]") {
  test::SampleReport sample;
  auto layouts = lay_out_appendices(sample.data(UnitLevel::commune, "Xã Tân Lập"));
  std::vector<std::string> ids;
  for (const auto& a : layouts) ids.push_back(a.id);
  // Its appendices, then the lists every level fills (award nominations, models).
  CHECK(ids == std::vector<std::string>{"PL1", "PL2", "PL3", "KT", "MH"});
  const Grid* pl3 = find_grid(layouts, "PL3");
  REQUIRE(pl3);
  CHECK_FALSE(find_row(*pl3, "Tổng số TTHC của tỉnh"));
  bool commune_ratio = false;
  for (const auto& r : pl3->rows) {
    if (r.cells[1].text.rfind("Tỷ lệ hồ sơ TTHC cấp xã", 0) == 0) {
      commune_ratio = true;
      CHECK(r.cells[6].text == "800/790 (98,8%)");
    }
  }
  CHECK(commune_ratio);
}

TEST_CASE("the .docx holds the outline, the unit's text and the appendix tables", "[report]") {
  test::SampleReport sample;
  test::TempDir dir("tongket-report");
  auto file = dir / "bao-cao.docx";
  write_docx(sample.data(), file);
  REQUIRE(std::filesystem::file_size(file) > 0);

  for (const char* part : {"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
                           "word/styles.xml", "docProps/core.xml"}) {
    CHECK_FALSE(read_zip_entry(file, part).empty());
  }
  CHECK_THROWS_AS(read_zip_entry(file, "word/missing.xml"), Error);
  std::string doc = read_zip_entry(file, "word/document.xml");
  auto has = [&](const std::string& s) { return doc.find(s) != std::string::npos; };
  CHECK(has("Tỉnh Tây Ninh"));
  CHECK(has(">BÁO CÁO<"));
  CHECK_FALSE(has("BÁO CÁO Báo cáo"));
  CHECK(has("Tây Ninh, ngày 30 tháng 6 năm 2020"));
  CHECK(has("Cải cách thể chế"));
  CHECK(has(R"(<w:pStyle w:val="Heading1"/>)"));
  CHECK(has(R"(<w:pStyle w:val="Heading3"/>)"));
  CHECK(has("Ban hành 12 văn bản &amp; kế hoạch &lt;2020&gt;."));
  CHECK_FALSE(has("kế hoạch <2020>"));
  CHECK(has("Rà soát 340 văn bản quy phạm."));
  CHECK(has("Tổng số TTHC của tỉnh"));
  CHECK(has("Năm 2020 (Tính đến 31/3)"));
  CHECK(has(">1.876<"));
  CHECK(has(">1.200/1.150 (95,8%)<"));
  CHECK(has(">45,5%<"));
  CHECK(has("Pa-nô, áp phích, &quot;tờ rơi&quot;"));
  CHECK(has("Phụ lục 8"));
  CHECK(has("Đánh giá kết quả đạt được (Đạt/Không đạt)"));
  CHECK(has(">Không đạt<"));
  CHECK(has("Giáo dục và đào tạo"));
  CHECK(has(R"(w:orient="landscape")"));
  // The counts a ratio is computed from are not separate rows in the printed form.
  CHECK_FALSE(has(">đã tiếp nhận<"));

  std::string styles = read_zip_entry(file, "word/styles.xml");
  for (const char* style : {"Heading1", "Heading2", "Heading3", "TableGrid"}) {
    CHECK(styles.find(std::string("w:styleId=\"") + style + "\"") != std::string::npos);
  }
}

TEST_CASE("a commune's .docx has the plan's commune items, not the province outline", "[report]") {
  test::SampleReport sample;
  std::string doc = docx_document_xml(sample.data(UnitLevel::commune, "Xã Tân Lập"));
  CHECK(doc.find("Đối với cấp xã") != std::string::npos);
  CHECK(doc.find("Xã đã kiện toàn Ban Chỉ đạo CCHC.") != std::string::npos);
  CHECK(doc.find("Cải cách thể chế") == std::string::npos);
  CHECK(doc.find("Phụ lục 3") != std::string::npos);
  CHECK(doc.find("Phụ lục 4") == std::string::npos);
}

TEST_CASE("write_docx names the file it cannot write", "[report]") {
  test::SampleReport sample;
  test::TempDir dir("tongket-report");
  auto file = dir / "no-such-dir" / "x.docx";
  try {
    write_docx(sample.data(), file);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::io_error);
    CHECK(std::string(e.what()).find("x.docx") != std::string::npos);
  }
}

TEST_CASE("the .docx has the administrative document frame of Nghị định 30/2020", "[report]") {
  test::SampleReport sample;
  auto data = sample.data();
  data.doc.parent_body = "";
  data.doc.body = "Ủy ban nhân dân tỉnh Tây Ninh";
  data.doc.number = "125/BC-UBND";
  data.doc.place = "Tây Ninh";
  data.doc.date = "2020-06-05";
  data.doc.recipients = "Bộ Nội vụ;\nLưu: VT.";
  data.doc.authority = "TM. Ủy ban nhân dân";
  data.doc.signer_title = "Chủ tịch";
  data.doc.signer = "Nguyễn Thanh Ngọc";
  const std::string doc = docx_document_xml(data);
  auto has = [&](const std::string& s) { return doc.find(s) != std::string::npos; };
  CHECK(has(">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<"));
  CHECK(has(">Độc lập - Tự do - Hạnh phúc<"));
  CHECK(has(">Số: 125/BC-UBND<"));
  CHECK(has(">Tây Ninh, ngày 05 tháng 6 năm 2020<"));
  CHECK(has(">Nơi nhận:<"));
  CHECK(has(">- Bộ Nội vụ;<"));
  CHECK(has(">Nguyễn Thanh Ngọc<"));
  CHECK(has("<w:caps/>"));  // body and signer's title printed upper-case
  // Page numbers from page 2: a header with PAGE, not on the first page.
  CHECK(has(R"(<w:headerReference w:type="default" r:id="rIdPageNumber"/>)"));
  CHECK(has("<w:titlePg/>"));
  CHECK(docx_header_xml().find(" PAGE ") != std::string::npos);
  // No table row breaks across pages.
  CHECK(has("<w:cantSplit/>"));
  // Appendix 2's merged label "Chia theo tên loại VBQPPL" beside the kinds of documents.
  const auto at = doc.find(">Chia theo tên loại VBQPPL<");
  REQUIRE(at != std::string::npos);
  CHECK(doc.find(">Chia theo tên loại VBQPPL<", at + 1) == std::string::npos);  // once, merged
  CHECK(has(R"(<w:gridSpan w:val="2"/>)"));
}

TEST_CASE("a year is printed without grouping, list rows keep their order", "[report]") {
  test::SampleReport sample;
  sample.rows["MH"] = {{{"ten", "Một cửa điện tử"}, {"nam_ap_dung", 2018}},
                       {{"ten", "Zalo phường"}, {"nam_ap_dung", 2019}}};
  auto layouts = lay_out_appendices(sample.data());
  const Grid* mh = find_grid(layouts, "MH");
  REQUIRE(mh);
  REQUIRE(mh->rows.size() == 2);
  CHECK(mh->rows[0].cells[1].text == "Một cửa điện tử");
  CHECK(mh->rows[1].cells[1].text == "Zalo phường");
  bool year = false;
  for (const auto& c : mh->rows[0].cells) year |= c.text == "2018";
  CHECK(year);
  for (const auto& c : mh->rows[0].cells) CHECK(c.text != "2.018");
}

TEST_CASE("a department's report holds only its own parts", "[report]") {
  test::SampleReport sample;
  auto data = sample.data(UnitLevel::department, "Sở Tư pháp tỉnh Tây Ninh");
  data.includes = [&](const std::string& item) {
    return sample.tpl.department_answers("STP", item);
  };
  std::vector<std::string> ids;
  for (const auto& a : lay_out_appendices(data)) ids.push_back(a.id);
  CHECK(std::find(ids.begin(), ids.end(), "PL2") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "PL3") == ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "PL8") == ids.end());
  const std::string doc = docx_document_xml(data);
  CHECK(doc.find("Cải cách thể chế") != std::string::npos);             // its section
  CHECK(doc.find("Cải cách thủ tục hành chính") == std::string::npos);  // Văn phòng's
}
