#include "tongket/local/pg_cluster.hpp"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "tongket/local/proc_stat.hpp"
#include "tongket/process/process.hpp"

namespace tongket::local {

namespace {

constexpr const char* kSuperuser = "tongket";
constexpr const char* kOwnerFile = "owner.pid";

std::filesystem::path pg_bin(const std::string& program) {
  const char* dir = std::getenv("TONGKET_PG_BIN");
  return std::filesystem::path(dir && *dir ? dir : "/usr/lib/postgresql/15/bin") / program;
}

// As root, the cluster's programs run as `nobody`: initdb and postgres refuse root.
std::vector<std::string> as_cluster_user(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  std::vector<std::string> out = {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup",
                                  "--clear-groups", "--inh-caps=-all"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::string run_ok(const std::vector<std::string>& argv, const std::string& what) {
  process::Options options;
  options.timeout = std::chrono::milliseconds(60'000);
  // The cluster's messages in English whatever the caller's locale; no inherited PG* settings.
  options.env = {{"LC_ALL", "C.UTF-8"}};
  options.unset_env = {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE"};
  auto r = process::run(as_cluster_user(argv), options);
  if (r.exit_code != 0)
    throw std::runtime_error(what + " failed (exit " + std::to_string(r.exit_code) + "): " + r.err +
                             r.out);
  return r.out;
}

// Stops the clusters under the temp dir whose owner process is gone, and removes their dirs.
void stop_orphaned_clusters() {
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("tongket-pg-", 0) != 0) continue;
    std::ifstream in(entry.path() / kOwnerFile);
    pid_t owner = 0;
    if (!(in >> owner) || owner <= 0 || kill(owner, 0) == 0 || errno != ESRCH) continue;
    try {
      run_ok({pg_bin("pg_ctl").string(), "-D", (entry.path() / "db").string(), "-m", "immediate",
              "-w", "-s", "stop"},
             "pg_ctl stop (orphaned cluster)");
    } catch (...) {
      // Not running any more: only the directory is left.
    }
    std::filesystem::remove_all(entry.path(), ec);
  }
}

}  // namespace

PgCluster::PgCluster(std::filesystem::path dir, PgClusterOptions options) : dir_(std::move(dir)) {
  stop_orphaned_clusters();
  std::ofstream(dir_ / kOwnerFile) << getpid();
  if (geteuid() == 0) {
    struct passwd* nobody = getpwnam("nobody");
    if (!nobody || chown(dir_.c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
      throw std::runtime_error("cannot hand " + dir_.string() + " to user nobody");
  }
  run_ok({pg_bin("initdb").string(), "-D", (dir_ / "db").string(), "-U", kSuperuser, "-A", "trust",
          "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
         "initdb");
  // No TCP at all; the socket in the cluster's dir.
  std::string settings = "-c listen_addresses='' -k " + dir_.string() +
                         " -c max_connections=" + std::to_string(options.max_connections);
  if (!options.durable)  // the cluster dies with the test
    settings +=
        " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        " -c shared_buffers=16MB";
  run_ok({pg_bin("pg_ctl").string(), "-D", (dir_ / "db").string(), "-l", (dir_ / "log").string(),
          "-o", settings, "-w", "-s", "-t", "60", "start"},
         "pg_ctl start");
}

PgCluster::~PgCluster() {
  try {
    run_ok(
        {pg_bin("pg_ctl").string(), "-D", (dir_ / "db").string(), "-m", "fast", "-w", "-s", "stop"},
        "pg_ctl stop");
  } catch (...) {
    // A destructor does not throw; the owner removes the directory anyway.
  }
}

std::string PgCluster::url(const std::string& db) const {
  return "postgresql:///" + db + "?host=" + dir_.string() + "&user=" + kSuperuser;
}

std::string PgCluster::create_database(const std::string& name, const std::string& template_db) {
  std::string sql = "CREATE DATABASE " + name;
  if (!template_db.empty()) sql += " TEMPLATE " + template_db;
  psql("postgres", sql);
  return url(name);
}

std::string PgCluster::psql(const std::string& db, const std::string& sql) const {
  return run_ok({pg_bin("psql").string(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                 url(db), "-c", sql},
                "psql " + sql.substr(0, 60));
}

pid_t PgCluster::postmaster() const {
  std::ifstream in(dir_ / "db" / "postmaster.pid");
  pid_t pid = 0;
  if (!(in >> pid) || pid <= 0)
    throw std::runtime_error("no postmaster.pid in " + (dir_ / "db").string());
  return pid;
}

double PgCluster::cpu_seconds() const {
  const pid_t master = postmaster();
  double s = local::cpu_seconds(master, true);
  for (pid_t child : children_of(master)) s += local::cpu_seconds(child);
  return s;
}

}  // namespace tongket::local
