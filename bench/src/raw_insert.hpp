// The baselines of the store benchmarks: the same rows (unit, field key, value as JSON text)
// written into one plain table of the same engine with nothing else (no signatures, history,
// log or checks), one transaction per change set.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;
struct pg_conn;

namespace tongket::bench {

struct RawRow {
  std::string field, value;
};

// SQLite, with the server store's journal settings (WAL, synchronous=FULL).
class RawInsert {
 public:
  explicit RawInsert(const std::filesystem::path& file);
  ~RawInsert();
  RawInsert(const RawInsert&) = delete;
  RawInsert& operator=(const RawInsert&) = delete;
  using Row = RawRow;
  // One transaction. Not inlined, so that a profile names it (callgrind --toggle-collect,
  // docs/benchmarks.md).
  [[gnu::noinline]] void insert(const std::string& unit, const std::vector<Row>& rows);

 private:
  void exec(const char* sql);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

// PostgreSQL: COPY ... FROM STDIN (libpq PQputCopyData, text format) into a plain table with
// the same primary key, on one connection. Throws std::runtime_error with libpq's message.
class RawCopy {
 public:
  // Creates `table` (unit, field, value; PRIMARY KEY (unit, field)) in the database at `url`.
  RawCopy(const std::string& url, const std::string& table);
  ~RawCopy();
  RawCopy(const RawCopy&) = delete;
  RawCopy& operator=(const RawCopy&) = delete;
  // One transaction (BEGIN, COPY, COMMIT) with one report's rows.
  void insert(const std::string& unit, const std::vector<RawRow>& rows);
  // One transaction and one COPY for many reports at once.
  void insert_all(const std::vector<std::pair<std::string, std::vector<RawRow>>>& reports);

 private:
  void exec(const std::string& sql);
  void copy_rows(const std::string& unit, const std::vector<RawRow>& rows, std::string& buffer);
  void start_copy();
  void end_copy(const std::string& buffer);
  pg_conn* conn_ = nullptr;
  std::string table_;
};

}  // namespace tongket::bench
