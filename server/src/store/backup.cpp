#include "store/backup.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <string>

#include "store/schema.hpp"
#include "store/sqlite_db.hpp"
#include "tongket/error.hpp"
#include "tongket/server/sqlite_store.hpp"

namespace tongket::server {

namespace {

using sqlite::Db;
using sqlite::Stmt;

std::int64_t one_int(Db& db, const std::string& sql) {
  Stmt s(db, sql);
  return s.step() && !s.is_null(0) ? s.int64(0) : 0;
}

// Copies every page of `from` into `to` in one step: one read transaction on `from`.
void copy_pages(Db& from, Db& to) {
  sqlite3_backup* b = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
  if (!b) to.fail("cannot start the copy", sqlite3_errcode(to.handle()));
  int rc = sqlite3_backup_step(b, -1);
  int finish = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) to.fail("copy interrupted", rc);
  if (finish != SQLITE_OK) to.fail("copy failed", finish);
}

// The source connection: an existing file that must be a tongket server store.
void require_server_store(Db& db) {
  sqlite3_busy_timeout(db.handle(), 5000);
  if (one_int(db, "PRAGMA application_id") != schema::kApplicationId)
    throw Error(Errc::store_foreign,
                db.file().string() + " is not a tongket server store (wrong application_id)");
}

}  // namespace

BackupInfo check_backup(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw Error(Errc::not_found, "no backup file " + file.string());
  // Read-only: checking a backup never changes it (it may sit on read-only media).
  Db db(file, sqlite::OpenMode::read_only);
  BackupInfo info;
  info.file = file;
  require_server_store(db);
  Stmt check(db, "PRAGMA integrity_check");
  std::string verdict = check.step() ? check.text(0) : "no answer";
  if (verdict != "ok")
    throw Error(Errc::store_corrupt,
                "backup " + file.string() + " is damaged (integrity_check: " + verdict + ")");
  info.schema_version = static_cast<int>(one_int(db, "PRAGMA user_version"));
  if (info.schema_version < 1)
    throw Error(Errc::store_corrupt, "backup " + file.string() + " holds no schema");
  if (info.schema_version > schema::kVersion)
    throw Error(Errc::store_newer, "backup " + file.string() + " has schema version " +
                                       std::to_string(info.schema_version) +
                                       "; this tongket-server reads up to " +
                                       std::to_string(schema::kVersion));
  Stmt id(db, "SELECT value FROM meta WHERE key = 'server_id'");
  if (!id.step()) throw Error(Errc::store_corrupt, "backup " + file.string() + " has no server id");
  info.server_id = id.text(0);
  info.log_seq = one_int(db, "SELECT max(seq) FROM pull_log");
  info.change_sets = one_int(db, "SELECT count(*) FROM change_sets");
  info.bytes = std::filesystem::file_size(file, ec);
  return info;
}

BackupInfo backup_store(const std::filesystem::path& data_dir,
                        const std::filesystem::path& out_file) {
  std::error_code ec;
  if (std::filesystem::exists(out_file, ec))
    throw Error(Errc::invalid_argument,
                "--out " + out_file.string() + " exists: give a new file name");
  auto source_file = store_file(data_dir);
  if (!std::filesystem::exists(source_file, ec))
    throw Error(Errc::not_found, "no server store in " + data_dir.string());
  auto partial = out_file;
  partial += ".partial-" + std::to_string(::getpid());
  try {
    {
      Db source(source_file, sqlite::OpenMode::existing);
      require_server_store(source);
      Db copy(partial, sqlite::OpenMode::create);
      copy_pages(source, copy);
      // The copy inherits WAL mode from the header; a backup is one self-contained file.
      copy.exec("PRAGMA journal_mode=DELETE");
    }
    check_backup(partial);
    std::filesystem::rename(partial, out_file);
  } catch (...) {
    std::filesystem::remove(partial, ec);
    throw;
  }
  return check_backup(out_file);
}

RestoreInfo restore_store(const std::filesystem::path& data_dir,
                          const std::filesystem::path& backup_file, const std::string& stamp) {
  RestoreInfo info;
  check_backup(backup_file);
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  auto target_file = store_file(data_dir);
  bool existed = std::filesystem::exists(target_file, ec);
  {
    Db target(target_file, sqlite::OpenMode::create);
    if (existed) {
      // Exclusive locking mode keeps the lock until close; BEGIN EXCLUSIVE fails at once
      // while another connection (a running server) has the store open.
      target.exec("PRAGMA locking_mode=EXCLUSIVE");
      if (sqlite3_exec(target.handle(), "BEGIN EXCLUSIVE; COMMIT", nullptr, nullptr, nullptr) !=
          SQLITE_OK)
        throw Error(Errc::unavailable,
                    "the store " + target_file.string() +
                        " is in use: stop the server first (systemctl stop tongket-server)");
      require_server_store(target);
      info.kept = target_file;
      info.kept += ".before-restore-" + stamp;
      if (std::filesystem::exists(info.kept, ec))
        throw Error(Errc::invalid_argument, info.kept.string() + " exists already");
      Db kept(info.kept, sqlite::OpenMode::create);
      copy_pages(target, kept);
      kept.exec("PRAGMA journal_mode=DELETE");
    }
    Db backup(backup_file, sqlite::OpenMode::read_only);
    copy_pages(backup, target);
  }
  info.restored = check_backup(backup_file);
  info.restored.file = target_file;
  return info;
}

}  // namespace tongket::server
