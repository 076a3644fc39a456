// The client store's schema as an ordered list of migrations (PRAGMA user_version = how many
// have been applied).
#pragma once

#include "store/sqlite.hpp"

namespace tongket::store {

int schema_version();  // the number of migrations this build knows
// The file's PRAGMA user_version.
int user_version(Database& db);
// Applies the migrations after user_version(db), inside the caller's transaction (so that a
// new store's application id, schema and first settings appear together or not at all).
// The caller has checked that the file is not newer than schema_version().
void migrate(Database& db);

}  // namespace tongket::store
