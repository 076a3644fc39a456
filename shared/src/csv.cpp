#include "tongket/csv.hpp"

#include <csv.h>

#include <exception>

#include "tongket/error.hpp"

namespace tongket {

namespace {

struct ParseState {
  const CsvHandler* handler = nullptr;
  std::size_t line = 1;       // the physical line being fed to the parser
  std::size_t row_start = 1;  // the line the record being parsed started on
  CsvRecord record;
  std::exception_ptr error;  // libcsv is C: never let an exception unwind through it
};

void on_field(void* data, std::size_t size, void* user) {
  auto& st = *static_cast<ParseState*>(user);
  if (st.error) return;
  st.record.fields.emplace_back(static_cast<const char*>(data), size);
}

void on_record_end(int, void* user) {
  auto& st = *static_cast<ParseState*>(user);
  if (st.error) return;
  st.record.line = st.row_start;
  try {
    (*st.handler)(st.record);
  } catch (...) {
    st.error = std::current_exception();
  }
  st.record.fields.clear();
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

void for_each_csv_record(std::string_view text, const std::string& name,
                         const CsvHandler& handler) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  Parser parser;
  ParseState st;
  st.handler = &handler;
  auto malformed = [&](std::size_t line) {
    return Error(Errc::invalid_data, name + ":" + std::to_string(line) + ": malformed CSV (" +
                                         csv_strerror(csv_error(&parser.p)) +
                                         "; a quote inside a field must be doubled)");
  };
  // Fed one physical line at a time only to know which line each record starts on; libcsv
  // does all the splitting and quoting.
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::size_t len = end == std::string_view::npos ? text.size() : end + 1;
    // pstate 0 is libcsv's "row not begun": a record starting now starts on this line.
    if (parser.p.pstate == 0) st.row_start = st.line;
    std::size_t used = csv_parse(&parser.p, text.data(), len, on_field, on_record_end, &st);
    if (st.error) std::rethrow_exception(st.error);
    if (used != len) throw malformed(st.line);
    text.remove_prefix(len);
    ++st.line;
  }
  if (csv_fini(&parser.p, on_field, on_record_end, &st) != 0) throw malformed(st.row_start);
  if (st.error) std::rethrow_exception(st.error);
}

std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& name) {
  std::vector<CsvRecord> records;
  for_each_csv_record(text, name, [&](const CsvRecord& r) { records.push_back(r); });
  return records;
}

std::string csv_field(std::string_view f) {
  bool needs_quotes = f.find_first_of(",\"\r\n") != std::string_view::npos ||
                      (!f.empty() && (f.front() == ' ' || f.back() == ' ' || f.front() == '\t' ||
                                      f.back() == '\t'));
  if (!needs_quotes) return std::string(f);
  std::string quoted(f.size() * 2 + 2, '\0');
  quoted.resize(csv_write(quoted.data(), quoted.size(), f.data(), f.size()));
  return quoted;
}

void write_csv_record(std::ostream& out, const std::vector<std::string>& fields,
                      std::string_view eol) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out << ',';
    first = false;
    out << csv_field(f);
  }
  out << eol;
}

}  // namespace tongket
