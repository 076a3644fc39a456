// A private PostgreSQL cluster for a test: tongket::local::PgCluster
// (tools/local-deploy/include/tongket/local/pg_cluster.hpp: initdb and pg_ctl in a temp dir, a
// Unix socket only, as `nobody` when run as root, stopped at scope exit) in a temp dir of its
// own, with durability off (fsync, full_page_writes): a test cluster never outlives its test,
// and start-up is ~1 s.
#pragma once

#include <filesystem>
#include <string>

#include "temp_dir.hpp"
#include "tongket/local/pg_cluster.hpp"

namespace tongket::test {

class PgCluster {
 public:
  PgCluster();  // throws std::runtime_error with initdb/pg_ctl's output on failure
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // CREATE DATABASE name [TEMPLATE template_db]; returns its URL.
  std::string create_database(const std::string& name, const std::string& template_db = {}) {
    return cluster_.create_database(name, template_db);
  }
  // postgresql:///<db>?host=<socket dir>&user=<superuser>: a libpq connection URI.
  std::string url(const std::string& db) const { return cluster_.url(db); }
  // psql -c sql on `db` as the superuser (for tests that look behind the store's back).
  std::string psql(const std::string& db, const std::string& sql) const {
    return cluster_.psql(db, sql);
  }
  const std::filesystem::path& socket_dir() const { return dir_.path(); }

 private:
  TempDir dir_{"tongket-pg"};  // declared first: removed after the cluster stopped
  local::PgCluster cluster_;
};

// The cluster of this test process, started on first use and stopped at exit.
PgCluster& shared_pg_cluster();

// A fresh database name, unique within this process ("t<pid>_<n>").
std::string fresh_database_name();

}  // namespace tongket::test
