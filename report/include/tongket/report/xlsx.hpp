// The appendices as a workbook: one worksheet per appendix ("PL1" .. "PL8"), numbers
// stored as numbers with number formats.
#pragma once

#include <filesystem>

#include "tongket/report/report_data.hpp"

namespace tongket::report {

// Writes `path` (replacing it). Throws Error(io_error) naming the file when it cannot.
void write_xlsx(const ReportData& data, const std::filesystem::path& path);

}  // namespace tongket::report
