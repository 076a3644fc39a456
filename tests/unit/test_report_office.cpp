// Opens the exports in LibreOffice (headless conversion to PDF): the files must be ones an
// office suite accepts, with the Vietnamese text intact. Needs libreoffice-writer-nogui,
// libreoffice-calc-nogui and poppler-utils; without LibreOffice these tests fail.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "temp_dir.hpp"
#include "test_report_fixture.hpp"
#include "tongket/report/docx.hpp"
#include "tongket/report/xlsx.hpp"

using namespace tongket;
namespace fs = std::filesystem;

namespace {

const char* kSoffice = "/usr/bin/soffice";
const char* kPdftotext = "/usr/bin/pdftotext";

std::string quoted(const fs::path& p) {
  return "'" + p.string() + "'";
}

int run(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Converts `file` to PDF in `dir` with a fresh LibreOffice profile (a shared one is locked
// by any other running instance) and returns the PDF's path.
fs::path to_pdf(const fs::path& file, const test::TempDir& dir) {
  REQUIRE(fs::exists(kSoffice));  // fail, not skip: the lead decides how CI installs it
  fs::path out = dir / "pdf";
  fs::create_directories(out);
  std::string command = std::string("timeout 300 ") + kSoffice + " -env:UserInstallation=file://" +
                        (dir / "profile").string() + " --headless --convert-to pdf --outdir " +
                        quoted(out) + " " + quoted(file) + " > " + quoted(dir / "soffice.log") +
                        " 2>&1";
  INFO(command);
  REQUIRE(run(command) == 0);
  fs::path pdf = out / (file.stem().string() + ".pdf");
  REQUIRE(fs::exists(pdf));
  REQUIRE(fs::file_size(pdf) > 0);
  return pdf;
}

std::string pdf_text(const fs::path& pdf, const test::TempDir& dir) {
  fs::path txt = dir / (pdf.stem().string() + ".txt");
  REQUIRE(run(std::string(kPdftotext) + " -enc UTF-8 " + quoted(pdf) + " " + quoted(txt)) == 0);
  return test::read_file(txt);
}

}  // namespace

TEST_CASE("LibreOffice opens the .docx and prints the Vietnamese labels", "[report][office]") {
  test::SampleReport sample;
  test::TempDir dir("tongket-office");
  auto docx = dir / "bao-cao.docx";
  report::write_docx(sample.data(), docx);
  fs::path pdf = to_pdf(docx, dir);
  if (!fs::exists(kPdftotext)) return;  // conversion succeeded; text check needs poppler
  std::string text = pdf_text(pdf, dir);
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
  fs::path pdf = to_pdf(xlsx, dir);
  if (!fs::exists(kPdftotext)) return;
  std::string text = pdf_text(pdf, dir);
  CHECK(text.find("Tổng số TTHC của tỉnh") != std::string::npos);
  CHECK(text.find("Các mục tiêu cải cách") != std::string::npos);
  CHECK(text.find("Tỉnh Tây Ninh") != std::string::npos);
  CHECK(text.find("Phụ lục 8") != std::string::npos);
}
