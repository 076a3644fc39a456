#include "store/pg/pg_codec.hpp"
#include "store/pg/pg_store.hpp"
#include "tongket/error.hpp"

namespace tongket::server::pg {

namespace {
const std::string kSelectHistory =
    std::string("SELECT ") + kHistoryColumns +
    " FROM field_history WHERE unit = $1 AND field = $2 "
    "AND version > $3 AND outcome IN ('applied','merged','resolved') "
    "ORDER BY version";
const std::string kInsertEvent =
    "INSERT INTO pull_log(seq, kind, unit, district, province, field, value, version, "
    "device, author, hlc, extra, hash) "
    "SELECT $1, $2, code, district, province, $4, $5, $6, $7, $8, $9, $10, $11 "
    "FROM units WHERE code = $3";
const std::string kSelectConflict =
    std::string("SELECT ") + kConflictColumns + " FROM conflicts WHERE id = $1";
}  // namespace

std::optional<Device> query_device(Conn& conn, std::string_view id) {
  static const std::string sql =
      std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE id = $1";
  auto r = conn.run(sql, Params().add(id));
  if (r.rows() == 0) return std::nullopt;
  return read_device(r, 0);
}

sync::Cursor query_log_head(Conn& conn) {
  auto r = conn.run("SELECT seq, hash FROM pull_log ORDER BY seq DESC LIMIT 1");
  if (r.rows() == 0) return {};
  return {static_cast<std::uint64_t>(r.int64(0, 0)), to_hash(r.bytes(0, 1), "pull log")};
}

std::vector<std::pair<std::string, nlohmann::json>> query_unit_fields(Conn& conn,
                                                                      std::string_view unit) {
  auto r = conn.run(
      "SELECT c.field, h.value FROM field_current c JOIN field_history h "
      "ON h.version = c.version WHERE c.unit = $1 ORDER BY c.field",
      Params().add(unit));
  std::vector<std::pair<std::string, nlohmann::json>> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0), parse_json(r.text(i, 1)));
  return out;
}

Store::CounterCheck update_counter(Conn& conn, std::string_view device, std::uint64_t counter) {
  // Counters are stored as signed 64-bit integers: larger ones are never fresh.
  if (counter > static_cast<std::uint64_t>(INT64_MAX)) counter = 0;
  // One statement: the row lock makes a concurrent advance from another process wait, and
  // READ COMMITTED re-checks `last_counter < $2` on the row it then sees.
  auto r = conn.run(
      "UPDATE devices SET last_counter = $2 WHERE id = $1 AND last_counter < $2 "
      "RETURNING last_counter",
      Params().add(device).add(counter));
  if (r.rows() > 0) return {true, counter};
  auto last = conn.run("SELECT last_counter FROM devices WHERE id = $1", Params().add(device));
  return {false, last.rows() ? static_cast<std::uint64_t>(last.int64(0, 0)) : 0};
}

std::optional<UnitInfo> query_unit(Conn& conn, std::string_view code) {
  static const std::string sql =
      std::string("SELECT ") + kUnitColumns + " FROM units WHERE code = $1";
  auto r = conn.run(sql, Params().add(code));
  if (r.rows() == 0) return std::nullopt;
  return read_unit(r, 0);
}

std::optional<UnitInfo> PgTxn::unit(std::string_view code) {
  return query_unit(conn_, code);
}

void PgTxn::add_unit(const UnitInfo& u, std::string_view type) {
  if (query_unit(conn_, u.code))
    throw Error(Errc::invalid_argument, "--code " + u.code + ": mã đã có (the code is taken)");
  conn_.queue(
      "INSERT INTO units(code, name, type, level, parent, province, district) "
      "VALUES ($1, $2, $3, $4, $5, $6, nullif($7, ''))",
      Params()
          .add(u.code)
          .add(u.name)
          .add(type)
          .add(level_name(u.level))
          .add(u.parent)
          .add(u.province)
          .add(u.district));
}

void PgTxn::set_deadline(UnitLevel level, std::string_view value, std::int64_t now_ms) {
  conn_.queue(
      "INSERT INTO deadlines(level, value, set_ms) VALUES ($1, $2, $3) "
      "ON CONFLICT (level) DO UPDATE SET value = excluded.value, set_ms = excluded.set_ms",
      Params().add(level_name(level)).add(value).add(now_ms));
}

std::optional<Device> PgTxn::device(std::string_view id) {
  return query_device(conn_, id);
}

namespace {

// A PostgreSQL text[] literal: every element quoted, '"' and '\\' escaped.
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

FieldState read_field_state(const Result& r, int row, int first) {
  return FieldState{parse_json(r.text(row, first)),
                    static_cast<std::uint64_t>(r.int64(row, first + 1)),
                    r.text(row, first + 2),
                    r.text(row, first + 3),
                    static_cast<std::uint64_t>(r.int64(row, first + 4)),
                    r.int64(row, first + 5)};
}

}  // namespace

void PgTxn::prefetch_fields(std::string_view unit, const std::vector<std::string>& fields) {
  if (fields.empty()) return;
  auto r = conn_.run(
      "SELECT h.value, c.version, h.device, h.author, h.hlc, h.received_ms, c.field "
      "FROM field_current c JOIN field_history h ON h.version = c.version "
      "WHERE c.unit = $1 AND c.field = ANY($2::text[])",
      Params().add(unit).add(text_array(fields)));
  for (const auto& f : fields) prefetched_[{std::string(unit), f}] = std::nullopt;
  for (int i = 0; i < r.rows(); ++i)
    prefetched_[{std::string(unit), r.text(i, 6)}] = read_field_state(r, i, 0);
}

std::optional<FieldState> PgTxn::field(std::string_view unit, std::string_view field) {
  if (auto it = prefetched_.find(std::pair(std::string(unit), std::string(field)));
      it != prefetched_.end())
    return it->second;
  auto r = conn_.run(
      "SELECT h.value, c.version, h.device, h.author, h.hlc, h.received_ms "
      "FROM field_current c JOIN field_history h ON h.version = c.version "
      "WHERE c.unit = $1 AND c.field = $2",
      Params().add(unit).add(field));
  if (r.rows() == 0) {
    unwritten_.emplace(std::string(unit), std::string(field));
    return std::nullopt;
  }
  return read_field_state(r, 0, 0);
}

std::vector<std::pair<std::string, nlohmann::json>> PgTxn::unit_fields(std::string_view unit) {
  return query_unit_fields(conn_, unit);
}

std::vector<HistoryEntry> PgTxn::current_writes_after(std::string_view unit, std::string_view field,
                                                      std::uint64_t after) {
  if (known_unwritten(unit, field)) return {};
  auto r = conn_.run(kSelectHistory, Params().add(unit).add(field).add(after));
  std::vector<HistoryEntry> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_history(r, i));
  return out;
}

nlohmann::json PgTxn::value_at(std::string_view unit, std::string_view field,
                               std::uint64_t version) {
  if (known_unwritten(unit, field)) return nullptr;
  auto r = conn_.run(
      "SELECT value FROM field_history WHERE unit = $1 AND field = $2 AND version <= $3 "
      "AND outcome IN ('applied','merged','resolved') ORDER BY version DESC LIMIT 1",
      Params().add(unit).add(field).add(version));
  if (r.rows() == 0) return nullptr;
  return parse_json(r.text(0, 0));
}

std::optional<ConflictRecord> PgTxn::conflict(std::uint64_t id) {
  auto r = conn_.run(kSelectConflict, Params().add(id));
  if (r.rows() == 0) return std::nullopt;
  return read_conflict(r, 0);
}

sync::Cursor PgTxn::log_head() {
  if (!head_) head_ = query_log_head(conn_);
  return *head_;
}

void PgTxn::append_event(const sync::PullEvent& e, const Hash& log_hash, const PackedValue& value) {
  const sync::Cursor head = log_head();
  if (e.seq != head.seq + 1)
    throw Error(Errc::internal, "pull log: event seq " + std::to_string(e.seq) +
                                    " is not the next one (" + std::to_string(head.seq + 1) + ")");
  // A server-wide event (unit "") belongs to no unit's district or province: every scope's.
  static const std::string server_wide =
      "INSERT INTO pull_log(seq, kind, unit, district, province, field, value, version, "
      "device, author, hlc, extra, hash) "
      "SELECT $1, $2, $3, NULL, '', $4, $5, $6, $7, $8, $9, $10, $11";
  // The unit's district and province come from `units` in the same statement; queued: it is
  // sent with the next read or the commit.
  conn_.queue(e.unit.empty() ? server_wide : kInsertEvent,
              Params()
                  .add(e.seq)
                  .add(e.kind)
                  .add(e.unit)
                  .add(e.field)
                  .add(value.json)
                  .add(e.version)
                  .add(e.device)
                  .add(e.author)
                  .add(e.hlc)
                  .add_opt(e.extra.is_null() ? std::optional<std::string>() : e.extra.dump())
                  .add_bytes(log_hash),
              Error(Errc::not_found, "pull log: unknown unit '" + e.unit + "'"));
  head_ = sync::Cursor{e.seq, log_hash};
}

Store::CounterCheck PgTxn::advance_counter(std::string_view device, std::uint64_t counter) {
  return update_counter(conn_, device, counter);
}

void PgTxn::record_write(const HistoryEntry& w, bool becomes_current) {
  if (unwritten_ && unwritten_->first == w.unit && unwritten_->second == w.field)
    unwritten_.reset();
  prefetched_.erase({w.unit, w.field});
  static const std::string insert =
      "INSERT INTO field_history(version, unit, field, value, base, device, cs_seq, op_id, "
      "author, hlc, received_ms, outcome, conflict_id) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
  // A write that becomes current: both rows in one statement (one round trip).
  static const std::string insert_current =
      "WITH h AS (" + insert +
      " RETURNING version) INSERT INTO field_current(unit, field, version) "
      "SELECT $2, $3, version FROM h "
      "ON CONFLICT (unit, field) DO UPDATE SET version = excluded.version";
  conn_.queue(becomes_current ? insert_current : insert,
              Params()
                  .add(w.version)
                  .add(w.unit)
                  .add(w.field)
                  .add(w.value.dump())
                  .add(w.base)
                  .add(w.device)
                  .add(w.cs_seq)
                  .add(w.op_id)
                  .add(w.author)
                  .add(w.hlc)
                  .add(w.received_ms)
                  .add(w.outcome)
                  .add_opt(w.conflict_id ? std::optional<std::int64_t>(
                                               static_cast<std::int64_t>(*w.conflict_id))
                                         : std::nullopt));
}

void PgTxn::open_conflict(const ConflictRecord& c) {
  conn_.queue(
      "INSERT INTO conflicts(id, unit, field, current_version, incoming_version, "
      "current_value, incoming_value, current_device, incoming_device, current_author, "
      "incoming_author, current_hlc, incoming_hlc, current_ms, incoming_ms) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
      Params()
          .add(c.incoming_version)
          .add(c.unit)
          .add(c.field)
          .add(c.current_version)
          .add(c.incoming_version)
          .add(c.current_value.dump())
          .add(c.incoming_value.dump())
          .add(c.current_device)
          .add(c.incoming_device)
          .add(c.current_author)
          .add(c.incoming_author)
          .add(c.current_hlc)
          .add(c.incoming_hlc)
          .add(c.current_ms)
          .add(c.incoming_ms));
}

void PgTxn::resolve_conflict(std::uint64_t id, std::uint64_t by_version, std::int64_t at_ms,
                             std::string_view device) {
  conn_.queue(
      "UPDATE conflicts SET resolved_version = $1, resolved_ms = $2, resolved_device = $3 "
      "WHERE id = $4 AND resolved_version IS NULL",
      Params().add(by_version).add(at_ms).add(device).add(id));
}

void PgTxn::record_change_set(const StoredChangeSet& cs) {
  auto moved =
      conn_.run("UPDATE devices SET last_seq = $1, last_hash = $2 WHERE id = $3 AND last_seq = $4",
                Params().add(cs.seq).add_bytes(cs.hash).add(cs.device).add(
                    static_cast<std::int64_t>(cs.seq) - 1));
  if (moved.affected() != 1)
    throw Error(Errc::protocol, "change set " + std::to_string(cs.seq) + " of device " + cs.device +
                                    " is not the next on its chain");
  conn_.run(
      "INSERT INTO change_sets(device, seq, hash, bytes, signature, unit, author, received_ms, "
      "status, result) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      Params()
          .add(cs.device)
          .add(cs.seq)
          .add_bytes(cs.hash)
          .add_bytes(cs.bytes)
          .add_bytes(cs.signature)
          .add(cs.unit)
          .add(cs.author)
          .add(cs.received_ms)
          .add(cs.status)
          .add(result_text(cs.result)));
}

void PgTxn::record_review(const ReviewEntry& r) {
  conn_.queue(
      "INSERT INTO review(version, event_seq, unit, action, state, device, author, comment, "
      "override, data_hash, signed_ms, received_ms, deadline, on_time, plausible) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, ''), nullif($9, ''), nullif($10, ''), "
      "$11, $12, $13, $14, $15)",
      Params()
          .add(r.version)
          .add(r.event_seq)
          .add(r.unit)
          .add(r.action)
          .add(r.state)
          .add(r.device)
          .add(r.author)
          .add(r.comment)
          .add(r.override_reason)
          .add(r.data_hash)
          .add(r.signed_ms)
          .add(r.received_ms)
          .add(r.deadline)
          .add_opt(r.on_time ? std::optional<std::int64_t>(*r.on_time ? 1 : 0) : std::nullopt)
          .add(std::int64_t{r.plausible ? 1 : 0}));
}

}  // namespace tongket::server::pg
