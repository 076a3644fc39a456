// Backup and restore of the server store (tongket-server backup / restore).
//
// Contract:
// - backup_store reads the live store on its own connection in one read transaction
//   (SQLite's online backup API, all pages in one step), so the copy is the store as of one
//   commit while the server keeps serving (WAL: readers never block the writer). The copy is
//   written under a temporary name, checked (check_backup) and only then renamed to
//   `out_file`. An existing `out_file` is refused, never overwritten.
// - check_backup opens a file read-only and refuses it unless PRAGMA integrity_check says ok,
//   application_id is the server store's, the schema version is one this build reads and the
//   server id is present.
// - restore_store refuses while any other connection has the store open (a running server):
//   it takes the store's exclusive lock and keeps it to the end. The current store is first
//   copied, whole, to `<store>.before-restore-<stamp>` (nothing is lost), then the backup's
//   pages replace the store's in place (same file, same owner and permissions). The next
//   `init` or `serve` migrates an older schema as usual.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace tongket::server {

struct BackupInfo {
  std::filesystem::path file;
  std::string server_id;
  int schema_version = 0;
  std::int64_t log_seq = 0;      // the last event of the pull log in the copy
  std::int64_t change_sets = 0;  // change sets stored in the copy
  std::uintmax_t bytes = 0;
};

BackupInfo backup_store(const std::filesystem::path& data_dir,
                        const std::filesystem::path& out_file);
BackupInfo check_backup(const std::filesystem::path& file);

struct RestoreInfo {
  BackupInfo restored;
  std::filesystem::path kept;  // the previous store's copy; empty when there was none
};

// `stamp` names the kept copy (e.g. "20261130T120000Z").
RestoreInfo restore_store(const std::filesystem::path& data_dir,
                          const std::filesystem::path& backup_file, const std::string& stamp);

}  // namespace tongket::server
