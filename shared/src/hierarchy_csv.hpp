// Reads a CSV data file record by record with libcsv, keeping the line each record starts on
// so that errors can name it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tongket::detail {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

using CsvHandler = std::function<void(const CsvRecord&)>;

// Parses `text` (UTF-8, an optional BOM is skipped); `name` is used in error messages.
// Throws Error(invalid_data, "<name>:<line>: ...") on malformed CSV; exceptions thrown by
// `handler` propagate unchanged and stop the parse.
void parse_csv(std::string_view text, const std::string& name, const CsvHandler& handler);

// Reads the whole file; throws Error(io_error) when it cannot be read.
std::string read_file(const std::filesystem::path& file);

}  // namespace tongket::detail
