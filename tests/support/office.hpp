// LibreOffice headless as a test oracle: converts an exported .docx or .xlsx to PDF (the
// test fails unless the conversion succeeds) and gives back the PDF's text.
#pragma once

#include <filesystem>
#include <string>

namespace tongket::test {

// Converts `file` to PDF under `dir` with a fresh LibreOffice profile; REQUIREs success.
std::filesystem::path office_to_pdf(const std::filesystem::path& file,
                                    const std::filesystem::path& dir);
// The text of a PDF (pdftotext, UTF-8); REQUIREs success.
std::string office_pdf_text(const std::filesystem::path& pdf, const std::filesystem::path& dir);

}  // namespace tongket::test
