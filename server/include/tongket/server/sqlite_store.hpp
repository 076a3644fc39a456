// The SQLite implementation of Store: one file, DATA_DIR/tongket-server.db.
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

// Opens an initialised store. Throws Error(not_found) if `init` was never run,
// Error(store_foreign) for another kind of file, Error(store_newer) for a newer schema.
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& data_dir);

}  // namespace tongket::server
