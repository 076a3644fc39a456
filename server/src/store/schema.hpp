// The store's schema and its migrations, keyed by PRAGMA user_version.
#pragma once

#include "store/sqlite_db.hpp"

namespace tongket::server::schema {

// 'TKSV': marks the file as a tongket server store (PRAGMA application_id).
inline constexpr int kApplicationId = 0x544B5356;
inline constexpr int kVersion = 6;

// Connection settings that touch nothing in the file: busy timeout, foreign keys.
void configure(sqlite::Db& db);
// Refuses a foreign, newer or damaged file before writing anything to it (a read-only look,
// then PRAGMA quick_check); then WAL and synchronous=FULL; migrates an older (or empty, when
// `create`) one in one write transaction that re-reads the version under the write lock.
void check_and_migrate(sqlite::Db& db, bool create);

}  // namespace tongket::server::schema
