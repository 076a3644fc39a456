// The one SQLite wrapper of the client: a connection, prepared statements and transactions.
// Every statement is prepared and bound; every SQLite error becomes a tongket::Error naming
// the store file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tongket/error.hpp"

namespace tongket::store {

class Database {
 public:
  // Opens an existing file read-write (never creates it).
  explicit Database(const std::filesystem::path& file);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& file() const { return file_; }

  // For statements without parameters or results (PRAGMA, DDL, BEGIN/COMMIT).
  void exec(const char* sql);
  // Turns an SQLite result code into a tongket::Error naming the store and `what`.
  [[noreturn]] void fail(int rc, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string file_;
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::uint64_t value);  // must fit in int64 (HLCs, seqs do)
  Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const std::optional<std::string>& text);  // nullopt -> NULL
  Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Statement& bind_null(int index);

  // Advances; true while there is a row to read.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  // Ready to run again with new bindings.
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::uint64_t uint64(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::vector<std::uint8_t> blob(int column) const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// BEGIN IMMEDIATE on construction (takes the write lock at once, so a busy store fails
// before any work); ROLLBACK on destruction unless commit() was called. Inside another
// Transaction on the same connection it is a SAVEPOINT (released on commit, rolled back to
// otherwise), so a store method called within the core's write transaction joins it.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool nested_ = false;
  bool done_ = false;
};

}  // namespace tongket::store
