#include "hierarchy_csv.hpp"

#include <csv.h>

#include <exception>
#include <fstream>
#include <sstream>

#include "tongket/error.hpp"

namespace tongket::detail {

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

void parse_csv(std::string_view text, const std::string& name, const CsvHandler& handler) {
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
  if (csv_fini(&parser.p, on_field, on_record_end, &st) != 0) {
    throw malformed(st.row_start);
  }
  if (st.error) std::rethrow_exception(st.error);
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(Errc::io_error, "cannot read " + file.string());
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw Error(Errc::io_error, "cannot read " + file.string());
  return buf.str();
}

}  // namespace tongket::detail
