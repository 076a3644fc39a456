// The e2e readers of the server's store (sync_world.hpp) for a store that is not the data
// directory's SQLite file (TONGKET_TEST_DATABASE=postgresql): the same answers, read through the
// Store interface (opened from the URL the data directory records), or for server_count and
// server_data the same SQL through libpq.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sync_world.hpp"
#include "tongket/server/store.hpp"

namespace tongket::test::interface_readers {

// The store of data_dir when it records a postgresql:// URL; null for SQLite.
std::unique_ptr<server::Store> postgresql_store(const std::filesystem::path& data_dir);

FieldMap values(server::Store& store, const std::string& scope_unit);
std::vector<ConflictRow> conflicts(server::Store& store);
std::vector<std::string> integrity_problems(server::Store& store);
// server_data through libpq (the PostgreSQL schema's tables).
ServerData data(const std::filesystem::path& data_dir);
// `sql` as for server_count, with ?1 for `text_arg`.
std::int64_t count(const std::filesystem::path& data_dir, const std::string& sql,
                   const std::string& text_arg);

}  // namespace tongket::test::interface_readers
