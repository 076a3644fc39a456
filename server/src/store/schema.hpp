// The store's schema and its migrations, keyed by PRAGMA user_version.
#pragma once

#include "store/sqlite_db.hpp"

namespace tongket::server::schema {

// 'TKSV': marks the file as a tongket server store (PRAGMA application_id).
inline constexpr int kApplicationId = 0x544B5356;
inline constexpr int kVersion = 3;

// Connection settings every connection needs: WAL, synchronous, foreign keys, busy timeout.
void configure(sqlite::Db& db);
// Refuses a foreign or newer file; migrates an older (or empty, when `create`) one.
void check_and_migrate(sqlite::Db& db, bool create);

}  // namespace tongket::server::schema
