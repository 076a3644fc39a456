// How the PostgreSQL store turns its columns back into the store's types; anything it cannot
// read is Error(store_corrupt), never a silent default.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "store/pg/pg_conn.hpp"
#include "store/stored_values.hpp"
#include "tongket/server/store.hpp"

namespace tongket::server::pg {

using stored::level_or_throw;
using stored::parse_json;
using stored::parse_result;
using stored::result_text;
using stored::role_or_throw;
using stored::to_hash;

// Rows read by more than one query, columns in the order the queries select them.
inline constexpr const char* kDeviceColumns =
    "id, unit, role, public_key, label, enrolled_ms, revoked_ms, last_counter, last_seq, "
    "last_hash";
inline constexpr const char* kChangeSetColumns =
    "device, seq, hash, bytes, signature, unit, author, received_ms, status, result";
inline constexpr const char* kHistoryColumns =
    "version, unit, field, value, base, device, cs_seq, op_id, author, hlc, received_ms, "
    "outcome, conflict_id";
inline constexpr const char* kConflictColumns =
    "id, unit, field, current_version, incoming_version, current_value, incoming_value, "
    "current_device, incoming_device, current_author, incoming_author, current_hlc, "
    "incoming_hlc, current_ms, incoming_ms, resolved_version, resolved_ms, "
    "coalesce(resolved_device,'')";
inline constexpr const char* kEventColumns =
    "seq, kind, unit, field, value, version, device, author, hlc, extra, hash";
inline constexpr const char* kUnitColumns =
    "code, name, level, coalesce(parent,''), province, coalesce(district,'')";

Device read_device(const Result& r, int row);
StoredChangeSet read_change_set(const Result& r, int row);
HistoryEntry read_history(const Result& r, int row);
ConflictRecord read_conflict(const Result& r, int row);
sync::PullEvent read_event(const Result& r, int row);  // hash in column 10, not read here
UnitInfo read_unit(const Result& r, int row);

}  // namespace tongket::server::pg
