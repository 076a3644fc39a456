// The SQLite backend of Store (store.hpp): one file, by default DATA_DIR/tongket-server.db.
// Opened through store_factory.hpp ("sqlite:PATH"); these are for that factory and for tests of
// this backend's own file handling (migrations, damaged files).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "tongket/hierarchy.hpp"
#include "tongket/server/store.hpp"

namespace tongket::server {

std::filesystem::path store_file(const std::filesystem::path& data_dir);

// Creates the data directory and store if needed, migrates the schema, makes the server id
// once, and (re)loads the units and the report template. Safe to run again.
ServerIdentity init_sqlite_store(const std::filesystem::path& data_dir, const Hierarchy& units,
                                 const std::string& template_json, std::int64_t now_ms);

ServerIdentity init_sqlite_store_file(const std::filesystem::path& file, const Hierarchy& units,
                                      const std::string& template_json, std::int64_t now_ms);

// Opens an initialised store. Throws Error(not_found) if `init` was never run,
// Error(store_foreign) for another kind of file, Error(store_newer) for a newer schema.
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& data_dir);
std::unique_ptr<Store> open_sqlite_store_file(const std::filesystem::path& file);

}  // namespace tongket::server
