// Opens the exports in LibreOffice (headless conversion to PDF): the files must be ones an
// office suite accepts, with the Vietnamese text intact. Needs libreoffice-writer-nogui,
// libreoffice-calc-nogui and poppler-utils; without LibreOffice these tests fail.
#include <catch2/catch.hpp>

#include <filesystem>

#include "office.hpp"
#include "temp_dir.hpp"
#include "test_report_fixture.hpp"
#include "tongket/report/docx.hpp"
#include "tongket/report/xlsx.hpp"

using namespace tongket;

TEST_CASE("LibreOffice opens the .docx and prints the Vietnamese labels", "[report][office]") {
  test::SampleReport sample;
  test::TempDir dir("tongket-office");
  auto docx = dir / "bao-cao.docx";
  report::write_docx(sample.data(), docx);
  std::string text = test::office_pdf_text(test::office_to_pdf(docx, dir.path()), dir.path());
  CHECK(text.find("Tổng số TTHC của tỉnh") != std::string::npos);
  CHECK(text.find("Cải cách thể chế") != std::string::npos);
  CHECK(text.find("Các mục tiêu cải cách") != std::string::npos);
  CHECK(text.find("1.876") != std::string::npos);
  CHECK(text.find("Tây Ninh, ngày 30 tháng 6 năm 2020") != std::string::npos);
}

TEST_CASE("LibreOffice opens the .xlsx and prints the appendix sheets", "[report][office]") {
  test::SampleReport sample;
  test::TempDir dir("tongket-office");
  auto xlsx = dir / "phu-luc.xlsx";
  report::write_xlsx(sample.data(), xlsx);
  std::string text = test::office_pdf_text(test::office_to_pdf(xlsx, dir.path()), dir.path());
  CHECK(text.find("Tổng số TTHC của tỉnh") != std::string::npos);
  CHECK(text.find("Các mục tiêu cải cách") != std::string::npos);
  CHECK(text.find("Tỉnh Tây Ninh") != std::string::npos);
  CHECK(text.find("Phụ lục 8") != std::string::npos);
}
