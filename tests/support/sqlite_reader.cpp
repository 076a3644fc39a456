#include "sqlite_reader.hpp"

#include <stdexcept>

#include "tongket/sync/compression.hpp"

namespace tongket::test {

ReadOnlyDb::ReadOnlyDb(const std::filesystem::path& file) {
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open " + file.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 10000);  // the program may be committing
}

ReadOnlyDb::~ReadOnlyDb() {
  sqlite3_close(db_);
}

Query::Query(const ReadOnlyDb& db, const std::string& sql) {
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &st_, nullptr) != SQLITE_OK)
    throw std::runtime_error("cannot prepare " + sql + ": " + sqlite3_errmsg(db.get()));
}

Query::~Query() {
  sqlite3_finalize(st_);
}

Query& Query::bind(int i, const std::string& v) {
  sqlite3_bind_text(st_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Query& Query::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}

bool Query::step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE)
    throw std::runtime_error(std::string("query failed: ") +
                             sqlite3_errmsg(sqlite3_db_handle(st_)));
  return false;
}

void Query::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

int Query::params() const {
  return sqlite3_bind_parameter_count(st_);
}

bool Query::is_null(int c) const {
  return sqlite3_column_type(st_, c) == SQLITE_NULL;
}

std::string Query::text(int c) const {
  auto* t = sqlite3_column_text(st_, c);
  return t ? std::string(reinterpret_cast<const char*>(t),
                         static_cast<std::size_t>(sqlite3_column_bytes(st_, c)))
           : std::string();
}

std::int64_t Query::int64(int c) const {
  return sqlite3_column_int64(st_, c);
}

std::vector<std::uint8_t> Query::blob(int c) const {
  auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(st_, c));
  return p ? std::vector<std::uint8_t>(p, p + sqlite3_column_bytes(st_, c))
           : std::vector<std::uint8_t>();
}

nlohmann::json Query::json(int c) const {
  return is_null(c) ? nlohmann::json() : nlohmann::json::parse(text(c));
}

nlohmann::json Query::stored_json(int c, int packed) const {
  if (is_null(packed)) return json(c);
  const auto plain = sync::gunzip(blob(packed), 64 * 1024 * 1024);
  return nlohmann::json::parse(plain.begin(), plain.end());
}

}  // namespace tongket::test
