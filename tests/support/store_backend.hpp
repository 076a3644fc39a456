// Which store backend a test runs on, and fresh initialised stores of it: the same tests run
// on SQLite (the default) and on PostgreSQL (TONGKET_TEST_DATABASE=postgresql: a private
// cluster per test process, pg_cluster.hpp).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tongket/server/store.hpp"

namespace tongket::test {

enum class StoreBackend { sqlite, postgresql };

// From $TONGKET_TEST_DATABASE: "postgresql" or unset/"sqlite"; anything else throws.
StoreBackend test_backend();
std::string backend_name(StoreBackend backend);

// The seed's clock: the store was initialised at this time.
inline constexpr std::int64_t kSeedCreatedMs = 1'600'000'000'000;

// A fresh store with the real units and template, initialised once per process per backend
// and copied (SQLite: the file into `dir`; PostgreSQL: CREATE DATABASE ... TEMPLATE).
// Returns the store URL ("sqlite:<dir>/tongket-server.db" or "postgresql://...").
std::string fresh_store_url(StoreBackend backend, const std::filesystem::path& dir);

// Opens a store from its URL through the server's factory.
std::unique_ptr<server::Store> open_store_url(const std::string& url);

}  // namespace tongket::test
