// CSV files of values: read with libcsv keeping each record's line number, and written with
// libcsv's quoting.
#pragma once

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tongket::cli {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

// Parses `text` (UTF-8; a BOM is skipped). Throws Error(invalid_data, "<name>:<line>: ...") on
// malformed CSV.
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& name);

// One record, fields quoted only when they need it, "\n" at the end.
void write_csv_record(std::ostream& out, const std::vector<std::string>& fields);

}  // namespace tongket::cli
