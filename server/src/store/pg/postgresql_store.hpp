// The PostgreSQL implementation of Store (libpq), for the national deployment: several
// tongket-server processes on one database. The store factory (store_factory.hpp) opens it for
// a `postgresql://...` URL (a libpq connection URI).
//
// Transactions: every Store method is one transaction of its own (autocommit, or an explicit
// one where it writes several rows); write() is one transaction that first takes the store-wide
// write lock (pg_advisory_xact_lock(kWriteLockKey)) and then runs at READ COMMITTED, so each
// statement sees every write committed before the lock was granted, by any process, and the
// pull log stays one gapless chain. events_after reads one REPEATABLE READ snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tongket/hierarchy.hpp"
#include "tongket/server/store.hpp"

namespace tongket::server {

// Creates the schema in an empty database (or migrates an older one), makes the server id once,
// and (re)loads the units and the report template. Safe to run again. Throws
// Error(store_foreign) for a database holding other tables, Error(unavailable) when it cannot
// connect (the message names the URL, without its password).
ServerIdentity init_postgresql_store(const std::string& url, const Hierarchy& units,
                                     const std::string& template_json, std::int64_t now_ms);

// Opens an initialised store; Error(io_error) if `init` never ran on that database,
// Error(store_newer) for a newer schema.
std::unique_ptr<Store> open_postgresql_store(const std::string& url);

}  // namespace tongket::server
