// Opening a store from its URL, and the URL a data directory records.
//
// URLs: "sqlite:PATH" (PATH is the store file) and "postgresql://..." / "postgres://..." (a
// libpq connection URI; a Unix socket is "postgresql:///DB?host=/run/postgresql"). Passwords
// belong in ~/.pgpass or PGPASSFILE, not in the URL: the URL is printed and recorded.
//
// A data directory (tongket-server init --data DIR [--database URL]) records its store's URL in
// DIR/database; without that file it is "sqlite:DIR/tongket-server.db", as before the file
// existed. Every command opens its store through open_data_store, so they all agree.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "tongket/hierarchy.hpp"
#include "tongket/server/store.hpp"

namespace tongket::server {

// Throws Error(invalid_argument) naming the URL for an unknown scheme or a malformed URL.
std::unique_ptr<Store> open_store(std::string_view url);

// Creates the store if needed, migrates its schema, makes the server id once, and (re)loads the
// units and the report template (units are upserted, never deleted). Safe to run again.
ServerIdentity init_store(std::string_view url, const Hierarchy& units,
                          const std::string& template_json, std::int64_t now_ms);

// The URL DIR records, or the default SQLite one. Throws Error(io_error) if DIR/database
// exists but cannot be read, Error(invalid_argument) if it holds no URL.
std::string data_store_url(const std::filesystem::path& data_dir);
// Throws Error(invalid_argument) if `url` is not a URL open_store takes, or if DIR already uses
// another store (a recorded URL, or its own SQLite file). Writes nothing.
void check_data_store_url(const std::filesystem::path& data_dir, std::string_view url);
// check_data_store_url, then writes DIR/database (owner-only) with the URL unless it is already
// recorded; creates DIR if needed.
void record_data_store_url(const std::filesystem::path& data_dir, std::string_view url);
// open_store(data_store_url(data_dir)), with the SQLite backend's "run init first" message when
// nothing was ever initialised there.
std::unique_ptr<Store> open_data_store(const std::filesystem::path& data_dir);

}  // namespace tongket::server
