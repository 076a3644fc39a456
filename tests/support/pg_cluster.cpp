#include "pg_cluster.hpp"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include "process.hpp"

namespace tongket::test {

namespace {

constexpr const char* kSuperuser = "tongket";

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
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(60'000);
  // The cluster's messages in English whatever the test's locale; no inherited PG* settings.
  options.env = {{"LC_ALL", "C.UTF-8"}};
  options.unset_env = {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE"};
  auto r = run(as_cluster_user(argv), options);
  if (r.exit_code != 0)
    throw std::runtime_error(what + " failed (exit " + std::to_string(r.exit_code) + "): " + r.err +
                             r.out);
  return r.out;
}

constexpr const char* kOwnerFile = "owner.pid";

// A test process that died without its destructors (a crash, std::terminate) leaves its
// cluster running: stop the clusters whose owner is gone before starting another.
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

PgCluster::PgCluster() {
  stop_orphaned_clusters();
  const auto& dir = dir_.path();
  write_file(dir / kOwnerFile, std::to_string(getpid()));
  if (geteuid() == 0) {
    struct passwd* nobody = getpwnam("nobody");
    if (!nobody || chown(dir.c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
      throw std::runtime_error("cannot hand " + dir.string() + " to user nobody");
  }
  run_ok({pg_bin("initdb").string(), "-D", (dir / "db").string(), "-U", kSuperuser, "-A", "trust",
          "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
         "initdb");
  // No TCP at all; the socket in the temp dir. Durability off: the cluster dies with the test.
  const std::string options = "-c listen_addresses='' -k " + dir.string() +
                              " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
                              " -c shared_buffers=16MB -c max_connections=60";
  run_ok({pg_bin("pg_ctl").string(), "-D", (dir / "db").string(), "-l", (dir / "log").string(),
          "-o", options, "-w", "-s", "-t", "60", "start"},
         "pg_ctl start");
}

PgCluster::~PgCluster() {
  try {
    run_ok({pg_bin("pg_ctl").string(), "-D", (dir_.path() / "db").string(), "-m", "fast", "-w",
            "-s", "stop"},
           "pg_ctl stop");
  } catch (...) {
    // A destructor does not throw; the temp dir goes anyway.
  }
}

std::string PgCluster::url(const std::string& db) const {
  return "postgresql:///" + db + "?host=" + dir_.path().string() + "&user=" + kSuperuser;
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

PgCluster& shared_pg_cluster() {
  // Destroyed at exit (static storage), after the tests: the cluster stops with the process.
  static PgCluster cluster;
  return cluster;
}

std::string fresh_database_name() {
  static std::atomic<int> n{0};
  return "t" + std::to_string(getpid()) + "_" + std::to_string(++n);
}

}  // namespace tongket::test
