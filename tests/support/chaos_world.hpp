// Chaos tests (tests/e2e/test_chaos_*.cpp): a report's worth of data to enter, a big outbox
// written straight into a client store, and the invariants that must hold after any crash or
// lost connection, each returning the problems it found (empty = all is well), so a test can
// print them all at once. Built on sync_world.hpp (server, clients, fault proxy, readers).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync_world.hpp"
#include "tongket/hierarchy.hpp"

namespace tongket::test::chaos {

// ---- knobs (CI-sized defaults; raise them locally to hunt) ----

// TONGKET_CHAOS_ROUNDS when set (a positive number), else `ci_default`.
int rounds(int ci_default);
// TONGKET_CHAOS_SEED when set, else a fixed seed: a failing run can be replayed.
std::uint64_t seed();

// ---- what a unit enters ----

// Every indicator/period a unit of `level` fills with a number (count, percentage, yes/no),
// with a value that depends on `round` (so each round changes every value).
struct ValueRow {
  std::string indicator, period;
  std::string text;      // as a user types it (CSV)
  nlohmann::json value;  // as stored
};
std::vector<ValueRow> report_values(UnitLevel level, int round);
std::string csv_of(const std::vector<ValueRow>& rows);  // indicator,period,value
// The writable narrative sections of `level` (at most `max_sections`), each with a few
// kilobytes of Vietnamese text that depends on `round`.
std::map<std::string, std::string> report_texts(UnitLevel level, int round,
                                                std::size_t max_sections = 100);
// (unit, field key) -> value of these rows and texts, as the server should hold them.
FieldMap expected_fields(const std::string& unit, const std::vector<ValueRow>& rows,
                         const std::map<std::string, std::string>& texts);

// Units of Huyện Tân Biên (705) under which the chaos tests work.
inline constexpr const char* kDistrict = "705";
std::vector<std::string> district_communes();  // its 10 communes, from data/units

// Writes every value of `level` for `unit` (round `round`) into the store through the
// client's own store code (ClientStore::set_fields: one transaction, one outbox operation
// per value), as `author`. The client packs one author's consecutive edits into one change
// set, so alternating authors makes many change sets fast. Returns the operations written.
// No tongket process may use the store meanwhile.
std::size_t write_values(const std::filesystem::path& store, const std::string& unit,
                         UnitLevel level, int round, const std::string& author);

// Runs `tongket sync --quiet --attempts 1 [--server url]` until it exits 0, at most
// `max_tries` times, with no pause (the link's faults, not time, decide). The number of runs
// it took, or 0 if none succeeded; `transcript` collects every failed run's output.
int sync_until_ok(const SyncClient& client, const std::string& url, int max_tries,
                  std::string& transcript);

// One round of bulk edits on a district reviewer's store: the district's own values and those
// of `communes` of its communes (taken in turn), each unit under its own author so that each
// becomes a change set of its own. Records unit -> round in `latest`; returns the operations.
std::size_t write_district_round(const std::filesystem::path& store, int round,
                                 std::size_t communes, std::map<std::string, int>& latest);
// The values the server must hold after those rounds (each unit's latest round).
FieldMap expected_values(const std::map<std::string, int>& latest);

// ---- invariants ----

// The client store: PRAGMA integrity_check; the outbox matches the fields (every field with an
// unsent edit is dirty and shows its last edit; a clean field shows the server's value); the
// change sets match their operations and the chain head.
std::vector<std::string> client_store_problems(const SyncClient& client);
// The pull cursor is a point of the server's log (same hash), and the client holds, for every
// field in its scope, exactly the version the log had up to the cursor: never ahead of (or
// behind) the data it applied.
std::vector<std::string> cursor_problems(const SyncServer& server, const SyncClient& client,
                                         const std::string& scope);
// Every change set the client recorded as acknowledged is on the server, with the same hash.
std::vector<std::string> acked_missing_problems(const SyncServer& server, const SyncClient& client);
// Each operation of the device is in the server's history at most once.
std::vector<std::string> duplicate_problems(const SyncServer& server, const SyncClient& client);
// After a complete sync: nothing left to send; every operation the client made is in the
// server's history exactly once with the value the client sent; the client's fields equal the
// server's for `scope`.
std::vector<std::string> convergence_problems(const SyncServer& server, const SyncClient& client,
                                              const std::string& scope);

// The outbox rows that must never change (op id, unit, key, value, base), and the state
// of each, to compare before and after a kill.
struct OutboxRow {
  std::int64_t op_id = 0;
  std::string unit, key, value;
  std::int64_t base = 0;
  std::string state;
};
std::vector<OutboxRow> outbox_rows(const SyncClient& client);
// `after` keeps every row of `before` unchanged but for its state, which only moves forward
// (pending -> packed -> acked/refused), and adds none.
std::vector<std::string> outbox_intact_problems(const std::vector<OutboxRow>& before,
                                                const std::vector<OutboxRow>& after);

std::string lines(const std::vector<std::string>& problems);  // one per line, for INFO

// ---- where a fault landed ----

// Whether another connection holds the write lock of the SQLite file `db` right now (a
// BEGIN IMMEDIATE that gets SQLITE_BUSY at once): evidence that a process is inside a write
// transaction. When the lock is free it is taken and released at once.
bool write_locked(const std::filesystem::path& db);

}  // namespace tongket::test::chaos
