#include "store_backend.hpp"

#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "pg_cluster.hpp"
#include "temp_dir.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/paths.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/server/store_factory.hpp"

namespace tongket::test {

namespace {

struct Seed {
  Hierarchy units = Hierarchy::load(units_dir());
  std::string template_json = read_file(template_file());
};

const Seed& seed() {
  static const Seed s;
  return s;
}

const std::filesystem::path& sqlite_seed() {
  static TempDir dir("tongket-store-seed");
  static std::once_flag once;
  std::call_once(once, [] {
    server::init_store("sqlite:" + server::store_file(dir.path()).string(), seed().units,
                       seed().template_json, kSeedCreatedMs);
  });
  return dir.path();
}

const std::string& postgresql_seed() {
  static const std::string name = "seed";
  static std::once_flag once;
  std::call_once(once, [] {
    auto url = shared_pg_cluster().create_database(name);
    server::init_store(url, seed().units, seed().template_json, kSeedCreatedMs);
  });
  return name;
}

}  // namespace

StoreBackend test_backend() {
  const char* v = std::getenv("TONGKET_TEST_DATABASE");
  std::string name = v ? v : "";
  if (name.empty() || name == "sqlite") return StoreBackend::sqlite;
  if (name == "postgresql") return StoreBackend::postgresql;
  throw std::runtime_error("TONGKET_TEST_DATABASE='" + name +
                           "': expected 'sqlite' or 'postgresql'");
}

std::string backend_name(StoreBackend backend) {
  return backend == StoreBackend::sqlite ? "sqlite" : "postgresql";
}

std::string fresh_store_url(StoreBackend backend, const std::filesystem::path& dir) {
  if (backend == StoreBackend::postgresql) {
    const std::string& seed_db = postgresql_seed();
    return shared_pg_cluster().create_database(fresh_database_name(), seed_db);
  }
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(server::store_file(sqlite_seed()), server::store_file(dir));
  return "sqlite:" + server::store_file(dir).string();
}

std::unique_ptr<server::Store> open_store_url(const std::string& url) {
  return server::open_store(url);
}

}  // namespace tongket::test
