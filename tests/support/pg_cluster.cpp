#include "pg_cluster.hpp"

#include <unistd.h>

#include <atomic>

namespace tongket::test {

PgCluster::PgCluster() : cluster_(dir_.path()) {}

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
