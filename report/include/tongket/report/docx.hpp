// The report as a Word document (.docx, WordprocessingML) that Word and LibreOffice open:
// the outline's headings with the unit's text, then the appendices as tables.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "tongket/report/report_data.hpp"

namespace tongket::report {

// Writes `path` (replacing it). Throws Error(io_error) naming the file when it cannot.
void write_docx(const ReportData& data, const std::filesystem::path& path);

// The XML parts, exposed for tests and for writers that embed them.
std::string docx_document_xml(const ReportData& data);
std::string docx_styles_xml();
std::string docx_header_xml();  // the page number, from page 2

// Escapes & < > " ' for XML text and attributes and drops characters XML 1.0 forbids.
std::string xml_escape(std::string_view text);

}  // namespace tongket::report
