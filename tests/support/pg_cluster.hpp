// A private PostgreSQL cluster for a test: initdb and pg_ctl (PostgreSQL 15 from Debian) in a
// temp dir, listening only on a Unix socket in that dir (no TCP), stopped at scope exit.
// initdb refuses root, so as root the cluster runs as `nobody` (setpriv). Durability is off
// (fsync, full_page_writes): a test cluster never outlives its test, and start-up is ~1 s.
#pragma once

#include <filesystem>
#include <string>

#include "temp_dir.hpp"

namespace tongket::test {

class PgCluster {
 public:
  PgCluster();   // REQUIREs... throws std::runtime_error with initdb/pg_ctl's output on failure
  ~PgCluster();  // pg_ctl stop -m fast
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // CREATE DATABASE name [TEMPLATE template_db]; returns its URL.
  std::string create_database(const std::string& name, const std::string& template_db = {});
  // postgresql:///<db>?host=<socket dir>&user=<superuser>: a libpq connection URI.
  std::string url(const std::string& db) const;
  // psql -c sql on `db` as the superuser (for tests that look behind the store's back).
  std::string psql(const std::string& db, const std::string& sql) const;
  const std::filesystem::path& socket_dir() const { return dir_.path(); }

 private:
  TempDir dir_{"tongket-pg"};
};

// The cluster of this test process, started on first use and stopped at exit.
PgCluster& shared_pg_cluster();

// A fresh database name, unique within this process ("t<pid>_<n>").
std::string fresh_database_name();

}  // namespace tongket::test
