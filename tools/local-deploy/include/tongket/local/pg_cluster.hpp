// A private PostgreSQL cluster (PostgreSQL 15 from Debian: initdb and pg_ctl) in a directory
// of its own, listening only on a Unix socket in that directory (no TCP), stopped by the
// destructor. initdb refuses root, so as root the cluster runs as `nobody` (setpriv) and the
// directory is handed to it. $TONGKET_PG_BIN overrides /usr/lib/postgresql/15/bin.
//
// A process that dies without its destructors leaves its cluster running: the constructor
// first stops every cluster under the system temp dir named "tongket-pg-*" whose owner
// (DIR/owner.pid) is gone, so put clusters there under that prefix.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace tongket::local {

struct PgClusterOptions {
  // false (tests): fsync, full_page_writes and synchronous_commit off, start-up ~1 s. true
  // (benchmarks): PostgreSQL's defaults, each commit on disk like the SQLite store's.
  bool durable = false;
  int max_connections = 60;
};

class PgCluster {
 public:
  // `dir`: an existing empty directory (its owner removes it after the destructor ran).
  // Throws std::runtime_error with initdb's or pg_ctl's output on failure.
  explicit PgCluster(std::filesystem::path dir, PgClusterOptions options = {});
  ~PgCluster();  // pg_ctl stop -m fast
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // CREATE DATABASE name [TEMPLATE template_db]; returns its URL.
  std::string create_database(const std::string& name, const std::string& template_db = {});
  // postgresql:///<db>?host=<socket dir>&user=<superuser>: a libpq connection URI.
  std::string url(const std::string& db) const;
  // psql -c sql on `db` as the superuser; its stdout (unaligned, tuples only).
  std::string psql(const std::string& db, const std::string& sql) const;
  const std::filesystem::path& socket_dir() const { return dir_; }
  // The postmaster's pid (DIR/db/postmaster.pid).
  pid_t postmaster() const;
  // CPU seconds of the whole cluster so far: the postmaster, its live children and those it
  // has reaped (backends of closed connections). Differences of two readings are the
  // database's CPU over that time.
  double cpu_seconds() const;

 private:
  std::filesystem::path dir_;
};

}  // namespace tongket::local
