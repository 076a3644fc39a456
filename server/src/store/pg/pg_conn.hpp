// A thin RAII layer over libpq: one connection, statements prepared once per connection
// (PQprepare, then PQexecPrepared), results that free themselves, transactions that roll back
// unless committed. Every failure becomes tongket::Error naming the store (its URL without a
// password) and the statement, so no caller checks a status.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tongket/error.hpp"

namespace tongket::server::pg {

// Parameters of one statement: integers and text as text, byte strings as binary (no escaping).
class Params {
 public:
  Params& add(std::int64_t value);
  Params& add(std::uint64_t value) { return add(static_cast<std::int64_t>(value)); }
  Params& add(std::string_view text);
  Params& add(const char* text) { return add(std::string_view(text)); }
  Params& add(const std::string& text) { return add(std::string_view(text)); }
  Params& add_bytes(std::span<const std::uint8_t> bytes);
  Params& add_null();
  Params& add_opt(const std::optional<std::int64_t>& value);
  Params& add_opt(const std::optional<std::string>& value);

  int count() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const;
  const std::vector<int>& lengths() const { return lengths_; }
  const std::vector<int>& formats() const { return formats_; }

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// A result in text format; columns by 0-based index.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }

  int rows() const { return PQntuples(r_); }
  const PGresult* get() const { return r_; }
  std::int64_t affected() const;  // rows changed by an INSERT/UPDATE/DELETE
  bool is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::int64_t int64(int row, int col) const;
  std::optional<std::int64_t> opt_int64(int row, int col) const;
  std::string text(int row, int col) const;
  std::optional<std::string> opt_text(int row, int col) const;
  std::vector<std::uint8_t> bytes(int row, int col) const;  // a bytea column

 private:
  PGresult* r_;
};

class Conn {
 public:
  // Connects; throws Error(unavailable) naming the URL (password hidden) when it cannot.
  explicit Conn(const std::string& url);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // A prepared statement (prepared on first use on this connection), run with `params`.
  Result run(std::string_view sql, const Params& params = {});
  // A write whose result nobody waits for: sent with the next run() (or flush()) in one pipeline,
  // so a transaction's writes cost no round trip of their own. Its failure is thrown from that
  // run() or flush(); `unless_one_row`, when given, is thrown if it changes no row.
  void queue(std::string_view sql, Params params, std::optional<Error> unless_one_row = {});
  void flush();    // sends what is queued (COMMIT does first)
  void discard();  // forgets what is queued (a transaction rolled back)
  // For transaction control and schema only: no parameters.
  void exec(std::string_view sql);
  const std::string& display_url() const { return display_url_; }
  // After a failed statement inside a transaction PostgreSQL refuses everything up to the
  // ROLLBACK: whether that is the state now.
  bool in_failed_transaction() const;

 private:
  struct Queued {
    std::string sql;
    Params params;
    std::optional<Error> unless_one_row;
  };
  Error error(std::string_view what, const PGresult* r) const;
  [[noreturn]] void fail(std::string_view what, const PGresult* r) const;
  Result check(PGresult* r, std::string_view sql);
  const std::string& prepared(std::string_view sql);
  std::optional<Result> pipeline(std::string_view sql, const Params* params);

  std::vector<Queued> queued_;
  PGconn* conn_ = nullptr;
  std::string display_url_;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL -> statement name
};

// BEGIN (and, for a write, the store-wide write lock) on construction; ROLLBACK on
// destruction unless commit() was called.
class Transaction {
 public:
  // write: takes the store-wide write lock first; snapshot: one read-only REPEATABLE READ
  // view; plain: several rows committed together, no lock (rows only this caller adds).
  enum class Kind { write, snapshot, plain };
  Transaction(Conn& conn, Kind kind);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Conn& conn_;
  bool done_ = false;
};

// The advisory lock key every writer takes first ('TKSV', the SQLite store's application id):
// writes are serial store-wide, across processes.
inline constexpr std::int64_t kWriteLockKey = 0x544B5356;

}  // namespace tongket::server::pg
