// tongket-server backup / restore: the admin's side of store/backup.hpp.
#include <ctime>
#include <ostream>

#include "cli/commands.hpp"
#include "store/backup.hpp"

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

}  // namespace

int backup(const std::filesystem::path& data, const std::filesystem::path& out_file,
           std::ostream& out) {
  BackupInfo b = backup_store(data, out_file);
  out << "backup " << b.file.string() << " written and checked (integrity ok)\n";
  describe(b, out);
  return 0;
}

int restore(const std::filesystem::path& data, const std::filesystem::path& from,
            std::ostream& out) {
  RestoreInfo r = restore_store(data, from, utc_stamp());
  if (!r.kept.empty()) out << "the previous store is kept as " << r.kept.string() << "\n";
  out << "restored " << from.string() << " into " << r.restored.file.string() << "\n";
  describe(r.restored, out);
  out << "Start the server: clients that synced after this backup was taken send again what "
         "it lacks (their change sets) and pull again from the start.\n";
  return 0;
}

}  // namespace tongket::server::cli
