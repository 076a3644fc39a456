// tongket-server backup / restore: the admin's side of store/backup.hpp.
#include <ctime>
#include <ostream>

#include "cli/commands.hpp"
#include "store/backup.hpp"
#include "tongket/error.hpp"
#include "tongket/platform.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/server/store_factory.hpp"

namespace tongket::server::cli {

namespace {

std::string utc_stamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

void describe(const BackupInfo& b, std::ostream& out) {
  out << "  server id " << b.server_id << ", schema v" << b.schema_version << ", log at event "
      << b.log_seq << ", " << b.change_sets << " change set(s), " << b.bytes << " bytes\n";
}

// backup and restore copy the data directory's own SQLite file; another store is the
// database's own tools' job.
void need_own_sqlite_file(const std::filesystem::path& data) {
  const std::string url = data_store_url(data);
  if (url != "sqlite:" + platform::path_to_utf8(store_file(data)))
    throw Error(Errc::invalid_argument,
                "the store of " + platform::path_to_utf8(data) + " is " + url +
                    ": backup and restore work on a data directory's own SQLite file only; copy "
                    "this store with its database's tools (PostgreSQL: pg_dump and pg_restore, "
                    "docs/install.md)");
}

}  // namespace

int backup(const std::filesystem::path& data, const std::filesystem::path& out_file,
           std::ostream& out) {
  need_own_sqlite_file(data);
  BackupInfo b = backup_store(data, out_file);
  out << "backup " << b.file.string() << " written and checked (integrity ok)\n";
  describe(b, out);
  return 0;
}

int restore(const std::filesystem::path& data, const std::filesystem::path& from,
            std::ostream& out) {
  need_own_sqlite_file(data);
  RestoreInfo r = restore_store(data, from, utc_stamp());
  if (!r.kept.empty()) out << "the previous store is kept as " << r.kept.string() << "\n";
  out << "restored " << from.string() << " into " << r.restored.file.string() << "\n";
  describe(r.restored, out);
  out << "Start the server: clients that synced after this backup was taken send again what "
         "it lacks (their change sets) and pull again from the start.\n";
  return 0;
}

}  // namespace tongket::server::cli
