// CSV files (units, imported values): read with libcsv keeping the line each record starts on,
// so that an error can name it, and written with the quoting libcsv reads back.
#pragma once

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tongket {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

using CsvHandler = std::function<void(const CsvRecord&)>;

// Parses `text` (UTF-8; a BOM is skipped), calling `handler` for each record; `name` (a file
// name) is used in error messages. Throws Error(invalid_data, "<name>:<line>: malformed CSV
// ...") on malformed CSV; an exception thrown by `handler` stops the parse and propagates.
void for_each_csv_record(std::string_view text, const std::string& name, const CsvHandler& handler);

// The same, collecting the records.
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& name);

// One field as CSV: quoted (quotes doubled) only when it holds a comma, a quote, a line
// break, or leading/trailing blanks a reader might trim.
std::string csv_field(std::string_view text);

// One record of csv_field()s followed by `eol`.
void write_csv_record(std::ostream& out, const std::vector<std::string>& fields,
                      std::string_view eol = "\n");

}  // namespace tongket
