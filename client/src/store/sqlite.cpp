#include "store/sqlite.hpp"

#include <limits>

#include "tongket/platform.hpp"

namespace tongket::store {

namespace {

Errc errc_for(int rc) {
  switch (rc & 0xFF) {  // the primary result code
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Errc::store_corrupt;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Errc::locked;
    case SQLITE_CONSTRAINT:
    case SQLITE_TOOBIG:
      return Errc::invalid_argument;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Errc::io_error;
    default:
      return Errc::internal;
  }
}

}  // namespace

// SQLite takes UTF-8 file names on every system.
Database::Database(const std::filesystem::path& file) : file_(platform::path_to_utf8(file)) {
  int rc = sqlite3_open_v2(file_.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(errc_for(rc), "cannot open the store " + file_ + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

void Database::exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw Error(errc_for(rc), "store " + file_ + ": " + msg + " (in: " + sql + ")");
  }
}

void Database::fail(int rc, std::string_view what) const {
  std::string msg = sqlite3_errmsg(db_);
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) {
    msg = "the store is in use by another tongket process; try again when it has finished";
  }
  throw Error(errc_for(rc), "store " + file_ + ": " + msg + " (" + std::string(what) + ")");
}

Statement::Statement(Database& db, std::string_view sql) : db_(db), sql_(sql) {
  int rc =
      sqlite3_prepare_v2(db.handle(), sql_.data(), static_cast<int>(sql_.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, "preparing: " + sql_);
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) db_.fail(rc, sql_);
  return *this;
}

Statement& Statement::bind(int index, std::uint64_t value) {
  if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    throw Error(Errc::internal, "value " + std::to_string(value) + " does not fit in SQLite");
  return bind(index, static_cast<std::int64_t>(value));
}

Statement& Statement::bind(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) db_.fail(rc, sql_);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail(rc, sql_);
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) db_.fail(rc, sql_);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail(rc, sql_);
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::uint64_t Statement::uint64(int column) const {
  return static_cast<std::uint64_t>(sqlite3_column_int64(stmt_, column));
}

std::string Statement::text(int column) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::vector<std::uint8_t> Statement::blob(int column) const {
  auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return p ? std::vector<std::uint8_t>(p, p + n) : std::vector<std::uint8_t>();
}

Transaction::Transaction(Database& db)
    : db_(db), nested_(sqlite3_get_autocommit(db.handle()) == 0) {
  // Inside an outer transaction (the client core's write path) a savepoint, so that the
  // store's own multi-statement writes stay all-or-nothing within the caller's transaction.
  db_.exec(nested_ ? "SAVEPOINT tongket_nested" : "BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (done_) return;
  // A failed ROLLBACK (the transaction was already rolled back by SQLite) needs no action.
  if (nested_) {
    sqlite3_exec(db_.handle(), "ROLLBACK TO tongket_nested; RELEASE tongket_nested", nullptr,
                 nullptr, nullptr);
  } else {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  db_.exec(nested_ ? "RELEASE tongket_nested" : "COMMIT");
  done_ = true;
}

}  // namespace tongket::store
