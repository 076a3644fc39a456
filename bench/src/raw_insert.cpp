#include "raw_insert.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <stdexcept>

namespace tongket::bench {

namespace {

void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    throw std::runtime_error(std::string("raw sqlite: ") + what + ": " + sqlite3_errmsg(db));
}

// COPY's text format: backslash, tab, newline and carriage return escaped.
void append_copy_text(std::string& out, const std::string& s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace

RawInsert::RawInsert(const std::filesystem::path& file) {
  check(db_, sqlite3_open(file.c_str(), &db_), "open");
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  exec(
      "CREATE TABLE value_rows (unit TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,"
      " PRIMARY KEY (unit, field)) STRICT, WITHOUT ROWID");
  check(db_,
        sqlite3_prepare_v2(db_, "INSERT INTO value_rows (unit, field, value) VALUES (?, ?, ?)", -1,
                           &insert_, nullptr),
        "prepare");
}

RawInsert::~RawInsert() {
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

void RawInsert::insert(const std::string& unit, const std::vector<Row>& rows) {
  exec("BEGIN");
  for (const auto& r : rows) {
    sqlite3_bind_text(insert_, 1, unit.data(), static_cast<int>(unit.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert_, 2, r.field.data(), static_cast<int>(r.field.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert_, 3, r.value.data(), static_cast<int>(r.value.size()), SQLITE_STATIC);
    check(db_, sqlite3_step(insert_), "insert");
    sqlite3_reset(insert_);
  }
  exec("COMMIT");
}

void RawInsert::exec(const char* sql) {
  check(db_, sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), sql);
}

RawCopy::RawCopy(const std::string& url, const std::string& table) : table_(table) {
  conn_ = PQconnectdb(url.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    throw std::runtime_error("raw COPY: cannot connect to " + url + ": " + message);
  }
  exec("CREATE TABLE " + table_ +
       " (unit text NOT NULL, field text NOT NULL, value text NOT NULL,"
       " PRIMARY KEY (unit, field))");
}

RawCopy::~RawCopy() {
  PQfinish(conn_);
}

void RawCopy::exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const auto status = PQresultStatus(r);
  PQclear(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw std::runtime_error("raw COPY: " + sql + ": " + PQerrorMessage(conn_));
}

void RawCopy::start_copy() {
  PGresult* r = PQexec(conn_, ("COPY " + table_ + " (unit, field, value) FROM STDIN").c_str());
  const auto status = PQresultStatus(r);
  PQclear(r);
  if (status != PGRES_COPY_IN)
    throw std::runtime_error(std::string("raw COPY: COPY did not start: ") + PQerrorMessage(conn_));
}

void RawCopy::copy_rows(const std::string& unit, const std::vector<RawRow>& rows,
                        std::string& buffer) {
  for (const auto& row : rows) {
    append_copy_text(buffer, unit);
    buffer += '\t';
    append_copy_text(buffer, row.field);
    buffer += '\t';
    append_copy_text(buffer, row.value);
    buffer += '\n';
  }
}

void RawCopy::end_copy(const std::string& buffer) {
  if (PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1 ||
      PQputCopyEnd(conn_, nullptr) != 1)
    throw std::runtime_error(std::string("raw COPY: sending rows: ") + PQerrorMessage(conn_));
  bool ok = true;
  while (PGresult* r = PQgetResult(conn_)) {
    ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
  }
  if (!ok) throw std::runtime_error(std::string("raw COPY: ") + PQerrorMessage(conn_));
}

void RawCopy::insert(const std::string& unit, const std::vector<RawRow>& rows) {
  exec("BEGIN");
  start_copy();
  std::string buffer;
  copy_rows(unit, rows, buffer);
  end_copy(buffer);
  exec("COMMIT");
}

void RawCopy::insert_all(const std::vector<std::pair<std::string, std::vector<RawRow>>>& reports) {
  exec("BEGIN");
  start_copy();
  std::string buffer;
  for (const auto& [unit, rows] : reports) copy_rows(unit, rows, buffer);
  end_copy(buffer);
  exec("COMMIT");
}

}  // namespace tongket::bench
