// The client's CSV import on arbitrary bytes as a file: libcsv parsing with line numbers
// (tongket/csv.hpp), then each indicator,period,value row checked against the real template as
// `tongket import` does. Everything must either pass or throw tongket::Error. Rows that parse
// must also survive write_csv_record -> parse_csv unchanged (export then import).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tongket/csv.hpp"
#include "tongket/error.hpp"
#include "tongket/field.hpp"
#include "tongket/file.hpp"
#include "tongket/paths.hpp"
#include "tongket/report_template.hpp"
#include "tongket/validation.hpp"

namespace {

const tongket::ReportTemplate* report_template = nullptr;

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

void check_row(const std::vector<std::string>& fields) {
  using namespace tongket;
  if (fields.size() != 3) return;
  const Indicator* ind = report_template->indicator(trimmed(fields[0]));
  if (!ind) return;
  const auto key = FieldKey::value(ind->code, trimmed(fields[1]));
  try {
    const auto value = parse_user_value(*ind, fields[2]);
    check_field(*report_template, UnitLevel::commune, key, value);
  } catch (const Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  report_template =
      new tongket::ReportTemplate(tongket::ReportTemplate::load(tongket::template_file()));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tongket::parse_csv;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<tongket::CsvRecord> records;
  try {
    records = parse_csv(text, "fuzz.csv");
  } catch (const tongket::Error&) {
    return 0;
  }
  for (const auto& r : records) check_row(r.fields);

  // Written as `tongket export` writes (its header first), read back as import reads.
  std::ostringstream out;
  tongket::write_csv_record(out, {"indicator", "period", "value"});
  for (const auto& r : records) tongket::write_csv_record(out, r.fields);
  const auto again = parse_csv(out.str(), "again.csv");
  // A record of one empty field is written as an empty line, which CSV has no way to keep.
  std::size_t j = 1;
  for (const auto& r : records) {
    if (r.fields.size() == 1 && r.fields[0].empty()) continue;
    if (j >= again.size() || again[j].fields != r.fields) {
      std::fprintf(stderr, "fuzz_csv_import: record on line %zu changes through write+parse\n",
                   r.line);
      std::abort();
    }
    ++j;
  }
  if (j != again.size()) {
    std::fprintf(stderr, "fuzz_csv_import: write+parse made %zu records from %zu\n",
                 again.size() - 1, records.size());
    std::abort();
  }
  return 0;
}
