// A thin RAII layer over the SQLite C API: one connection, prepared statements, transactions.
// Every failure becomes tongket::Error naming the statement, so no caller checks return codes.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tongket::server::sqlite {

class Db;

class Stmt {
 public:
  Stmt(Db& db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& other) noexcept;

  // Bind by 1-based position. Returns *this so binds chain.
  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Stmt& bind_blob(int index, std::span<const std::uint8_t> blob);
  Stmt& bind_null(int index);
  Stmt& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Stmt& bind_opt(int index, const std::optional<std::int64_t>& value);
  Stmt& bind_opt(int index, const std::optional<std::string>& value);

  // Steps once: true when a row is available, false when done.
  bool step();
  // Steps to completion (for writes); throws if a row comes back unexpectedly is not an error.
  void run();
  void reset();

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;
  std::string text(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::vector<std::uint8_t> blob(int col) const;

 private:
  Db* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

enum class OpenMode { create, existing, read_only };

class Db {
 public:
  Db(const std::filesystem::path& file, OpenMode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(std::string_view sql);  // for pragmas and schema only: no parameters
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  sqlite3* handle() { return db_; }
  const std::filesystem::path& file() const { return file_; }
  [[noreturn]] void fail(std::string_view what, int rc) const;

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path file_;
};

// BEGIN IMMEDIATE on construction (takes the write lock at once, so a busy store fails here
// rather than half-way), ROLLBACK on destruction unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Db& db, bool write = true);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace tongket::server::sqlite
