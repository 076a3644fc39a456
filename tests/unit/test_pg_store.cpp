// What only the PostgreSQL backend has: connecting by URL, refusing a database that is not a
// tongket store, versioning its schema, and messages an administrator can act on. The storage
// contract itself is tests/conformance (run on both backends).
#include <catch2/catch.hpp>
#include <thread>

#include "pg_cluster.hpp"
#include "tongket/error.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/paths.hpp"
#include "tongket/server/store_factory.hpp"

using namespace tongket;
using namespace tongket::test;
using Catch::Contains;

namespace {

const Hierarchy& units() {
  static const Hierarchy h = Hierarchy::load(units_dir());
  return h;
}

const std::string& template_json() {
  static const std::string t = read_file(template_file());
  return t;
}

Error error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no tongket::Error thrown");
  return Error(Errc::internal, "");
}

}  // namespace

TEST_CASE("a store that cannot be reached names its URL, never its password", "[postgresql]") {
  TempDir nowhere("tongket-pg-nowhere");
  const std::string url = "postgresql://tongket:s3cret-pw@/tongket?host=" + nowhere.path().string();
  auto e = error_of([&] { server::open_store(url); });
  CHECK(e.code() == Errc::unavailable);
  CHECK_THAT(e.what(), Contains(nowhere.path().string()));
  CHECK_THAT(e.what(), Contains("***"));
  CHECK_THAT(e.what(), !Contains("s3cret-pw"));
  CHECK_THAT(e.what(), Contains("init --database"));
}

TEST_CASE("init makes the schema once, open before init and a foreign database are refused",
          "[postgresql]") {
  auto& cluster = shared_pg_cluster();
  const std::string url = cluster.create_database(fresh_database_name());
  auto before = error_of([&] { server::open_store(url); });
  CHECK(before.code() == Errc::io_error);
  CHECK_THAT(before.what(), Contains("not initialised"));

  // Two processes' worth of init at once: one schema, one server id.
  server::ServerIdentity a, b;
  std::thread other([&] { b = server::init_store(url, units(), template_json(), 1); });
  a = server::init_store(url, units(), template_json(), 2);
  other.join();
  CHECK(a.server_id == b.server_id);
  CHECK(a.unit_count == units().units().size());
  auto again = server::init_store(url, units(), template_json(), 3);
  CHECK(again.server_id == a.server_id);
  CHECK(server::open_store(url)->identity().server_id == a.server_id);

  // A database holding someone else's tables.
  const std::string foreign_name = fresh_database_name();
  const std::string foreign = cluster.create_database(foreign_name);
  cluster.psql(foreign_name, "CREATE TABLE payroll(id int); INSERT INTO payroll VALUES (1)");
  auto refused = error_of([&] { server::init_store(foreign, units(), template_json(), 1); });
  CHECK(refused.code() == Errc::store_foreign);
  CHECK_THAT(refused.what(), Contains("nothing was changed"));
  CHECK(cluster.psql(foreign_name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") ==
        "1\n");
}

TEST_CASE("a store written by a newer tongket-server is refused", "[postgresql]") {
  auto& cluster = shared_pg_cluster();
  const std::string name = fresh_database_name();
  const std::string url = cluster.create_database(name);
  server::init_store(url, units(), template_json(), 1);
  cluster.psql(name, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  auto e = error_of([&] { server::open_store(url); });
  CHECK(e.code() == Errc::store_newer);
  CHECK_THAT(e.what(), Contains("upgrade tongket-server"));
}
