// The PostgreSQL store's schema and its migrations, versioned in its `meta` table.
#pragma once

#include "store/pg/pg_conn.hpp"

namespace tongket::server::pg::schema {

// Marks a database as a tongket server store (meta 'store').
inline constexpr const char* kStoreMark = "tongket-server";
inline constexpr int kVersion = 1;

// Refuses a foreign or newer database before writing anything to it; migrates an older (or
// empty, when `create`) one inside the write-locked transaction that re-reads its version, so
// two processes opening one database at once migrate it once.
void check_and_migrate(Conn& conn, bool create);

}  // namespace tongket::server::pg::schema
