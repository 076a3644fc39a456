// Read-only access to a client's or the server's SQLite file, as a test inspects it behind the
// program's back: a connection that waits for a writer, and prepared queries. Errors throw
// std::runtime_error (Catch reports it with the test).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tongket::test {

class ReadOnlyDb {
 public:
  explicit ReadOnlyDb(const std::filesystem::path& file);
  ~ReadOnlyDb();
  ReadOnlyDb(const ReadOnlyDb&) = delete;
  ReadOnlyDb& operator=(const ReadOnlyDb&) = delete;
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class Query {
 public:
  Query(const ReadOnlyDb& db, const std::string& sql);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int i, const std::string& v);
  Query& bind(int i, std::int64_t v);
  bool step();  // true: a row
  void reset();
  int params() const;
  bool is_null(int c) const;
  std::string text(int c) const;
  std::int64_t int64(int c) const;
  std::vector<std::uint8_t> blob(int c) const;
  nlohmann::json json(int c) const;  // a JSON text column; SQL NULL reads as JSON null
  // A server value column and its packed form (schema v6: a long text gzipped in `zvalue`).
  nlohmann::json stored_json(int c, int packed) const;

 private:
  sqlite3_stmt* st_ = nullptr;
};

}  // namespace tongket::test
