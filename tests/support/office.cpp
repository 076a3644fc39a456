#include "office.hpp"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "temp_dir.hpp"

namespace tongket::test {

namespace {

std::string quoted(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

int run(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::filesystem::path office_to_pdf(const std::filesystem::path& file,
                                    const std::filesystem::path& dir) {
  const char* soffice = "/usr/bin/soffice";
  REQUIRE(std::filesystem::exists(soffice));  // fail, not skip: CI installs LibreOffice
  const auto out = dir / "pdf";
  std::filesystem::create_directories(out);
  // A fresh profile: a shared one is locked by any other running instance.
  const std::string command = std::string("timeout 300 ") + soffice +
                              " -env:UserInstallation=file://" + (dir / "profile").string() +
                              " --headless --convert-to pdf --outdir " + quoted(out) + " " +
                              quoted(file) + " > " + quoted(dir / "soffice.log") + " 2>&1";
  INFO(command);
  REQUIRE(run(command) == 0);
  const auto pdf = out / (file.stem().string() + ".pdf");
  REQUIRE(std::filesystem::exists(pdf));
  REQUIRE(std::filesystem::file_size(pdf) > 0);
  return pdf;
}

std::string office_pdf_text(const std::filesystem::path& pdf, const std::filesystem::path& dir) {
  REQUIRE(std::filesystem::exists("/usr/bin/pdftotext"));  // poppler-utils, installed by CI
  const auto txt = dir / (pdf.stem().string() + ".txt");
  REQUIRE(run("/usr/bin/pdftotext -enc UTF-8 " + quoted(pdf) + " " + quoted(txt)) == 0);
  return read_file(txt);
}

}  // namespace tongket::test
