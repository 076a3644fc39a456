#include "cli/csv_io.hpp"

#include <csv.h>

#include "tongket/error.hpp"

namespace tongket::cli {

namespace {

struct ParseState {
  std::vector<CsvRecord>* records = nullptr;
  std::size_t line = 1;       // the physical line being fed
  std::size_t row_start = 1;  // the line the record being parsed started on
  CsvRecord record;
};

void on_field(void* data, std::size_t size, void* user) {
  auto& st = *static_cast<ParseState*>(user);
  st.record.fields.emplace_back(static_cast<const char*>(data), size);
}

void on_record_end(int, void* user) {
  auto& st = *static_cast<ParseState*>(user);
  st.record.line = st.row_start;
  st.records->push_back(std::move(st.record));
  st.record = {};
}

struct Parser {
  csv_parser p{};
  Parser() {
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
      throw Error(Errc::internal, "cannot initialise the CSV parser");
  }
  ~Parser() { csv_free(&p); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

}  // namespace

std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& name) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<CsvRecord> records;
  Parser parser;
  ParseState st;
  st.records = &records;
  auto malformed = [&](std::size_t line) {
    return Error(Errc::invalid_data, name + ":" + std::to_string(line) + ": malformed CSV (" +
                                         csv_strerror(csv_error(&parser.p)) +
                                         "; a quote inside a field must be doubled)");
  };
  // Fed one physical line at a time only to learn the line numbers; libcsv does the parsing.
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::size_t len = end == std::string_view::npos ? text.size() : end + 1;
    // pstate 0 is libcsv's "row not begun": a record starting now starts on this line.
    if (parser.p.pstate == 0) st.row_start = st.line;
    if (csv_parse(&parser.p, text.data(), len, on_field, on_record_end, &st) != len)
      throw malformed(st.line);
    text.remove_prefix(len);
    ++st.line;
  }
  if (csv_fini(&parser.p, on_field, on_record_end, &st) != 0) throw malformed(st.row_start);
  return records;
}

void write_csv_record(std::ostream& out, const std::vector<std::string>& fields) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out << ',';
    first = false;
    bool needs_quotes = f.find_first_of(",\"\r\n") != std::string::npos ||
                        (!f.empty() && (f.front() == ' ' || f.back() == ' ' || f.front() == '\t' ||
                                        f.back() == '\t'));
    if (!needs_quotes) {
      out << f;
      continue;
    }
    std::string quoted(f.size() * 2 + 2, '\0');
    quoted.resize(csv_write(quoted.data(), quoted.size(), f.data(), f.size()));
    out << quoted;
  }
  out << '\n';
}

}  // namespace tongket::cli
