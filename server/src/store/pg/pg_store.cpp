#include "store/pg/pg_store.hpp"
#include "store/stored_values.hpp"

#include <algorithm>
#include <charconv>

#include "store/pg/pg_codec.hpp"
#include "store/pg/pg_schema.hpp"
#include "store/pg/postgresql_store.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/admin_events.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::server::pg {

namespace {

using stored::stored_int;

std::string select(const char* columns, const char* rest) {
  return std::string("SELECT ") + columns + " " + rest;
}

}  // namespace

class PgStore final : public Store {
 public:
  explicit PgStore(const std::string& url) : conn_(url) { schema::check_and_migrate(conn_, false); }

  ServerIdentity identity() override {
    outside_write("identity");
    ServerIdentity id;
    auto r = conn_.run("SELECT key, value FROM meta");
    for (int i = 0; i < r.rows(); ++i) {
      auto key = r.text(i, 0);
      if (key == "server_id") id.server_id = r.text(i, 1);
      if (key == "created_ms") id.created_ms = stored_int(r.text(i, 1), "meta created_ms");
      if (key == "template") id.template_json = r.text(i, 1);
    }
    id.unit_count = static_cast<std::size_t>(conn_.run("SELECT count(*) FROM units").int64(0, 0));
    if (id.server_id.empty()) throw Error(Errc::store_corrupt, "store: no server id");
    return id;
  }

  std::optional<UnitInfo> unit(std::string_view code) override {
    outside_write("unit");
    return query_unit(conn_, code);
  }

  void add_token(const EnrollToken& t) override {
    outside_write("add_token");
    conn_.run(
        "INSERT INTO enroll_tokens(token_hash, unit, role, created_ms, expires_ms) "
        "VALUES ($1, $2, $3, $4, $5)",
        Params()
            .add_bytes(t.token_hash)
            .add(t.unit)
            .add(role_name(t.role))
            .add(t.created_ms)
            .add(t.expires_ms));
  }

  std::optional<EnrollToken> token(const Hash& token_hash) override {
    outside_write("token");
    return read_token(token_hash);
  }

  EnrollOutcome enroll(const Hash& token_hash, const Device& d, std::int64_t now_ms) override {
    outside_write("enroll");
    // Under the write lock: two processes cannot both use one token, nor add one device twice.
    Transaction txn(conn_, Transaction::Kind::write);
    auto t = read_token(token_hash);
    if (!t) return EnrollOutcome::unknown_token;
    if (t->used_ms) return EnrollOutcome::used_token;
    if (now_ms >= t->expires_ms) return EnrollOutcome::expired_token;
    if (query_device(conn_, d.id)) return EnrollOutcome::device_exists;
    conn_.run(
        "UPDATE enroll_tokens SET used_ms = $1, used_by = $2 "
        "WHERE token_hash = $3 AND used_ms IS NULL",
        Params().add(now_ms).add(d.id).add_bytes(token_hash));
    Hash zero{};
    conn_.run(
        "INSERT INTO devices(id, unit, role, public_key, label, enrolled_ms, last_hash) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        Params()
            .add(d.id)
            .add(t->unit)
            .add(role_name(t->role))
            .add_bytes(d.public_key)
            .add(d.label)
            .add(now_ms)
            .add_bytes(zero));
    txn.commit();
    return EnrollOutcome::enrolled;
  }

  std::optional<Device> device(std::string_view id) override {
    outside_write("device");
    return query_device(conn_, id);
  }

  std::vector<Device> devices() override {
    outside_write("devices");
    static const std::string sql =
        select(kDeviceColumns, "FROM devices ORDER BY unit, enrolled_ms");
    auto r = conn_.run(sql);
    std::vector<Device> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_device(r, i));
    return out;
  }

  bool revoke_device(std::string_view id, std::int64_t now_ms) override {
    outside_write("revoke_device");
    return conn_
               .run("UPDATE devices SET revoked_ms = coalesce(revoked_ms, $1) WHERE id = $2",
                    Params().add(now_ms).add(id))
               .affected() > 0;
  }

  CounterCheck advance_counter(std::string_view device_id, std::uint64_t counter) override {
    outside_write("advance_counter");
    return update_counter(conn_, device_id, counter);
  }

  std::optional<StoredChangeSet> change_set(std::string_view device_id,
                                            std::uint64_t seq) override {
    outside_write("change_set");
    static const std::string sql =
        select(kChangeSetColumns, "FROM change_sets WHERE device = $1 AND seq = $2");
    auto r = conn_.run(sql, Params().add(device_id).add(seq));
    if (r.rows() == 0) return std::nullopt;
    return read_change_set(r, 0);
  }

  void write(const std::function<void(WriteTxn&)>& fn) override {
    outside_write("write");
    struct InWrite {
      bool& flag;
      explicit InWrite(bool& f) : flag(f) { flag = true; }
      ~InWrite() { flag = false; }
    };
    Transaction txn(conn_, Transaction::Kind::write);
    InWrite in_write(in_write_);
    PgTxn w(conn_);
    fn(w);
    txn.commit();
  }

  sync::Cursor log_head() override {
    outside_write("log_head");
    return query_log_head(conn_);
  }

  std::optional<Hash> log_hash_at(std::uint64_t seq) override {
    outside_write("log_hash_at");
    if (seq == 0) return Hash{};
    auto r = conn_.run("SELECT hash FROM pull_log WHERE seq = $1", Params().add(seq));
    if (r.rows() == 0) return std::nullopt;
    return to_hash(r.bytes(0, 0), "pull log");
  }

  EventPage events_after(const Scope& scope, std::uint64_t after_seq, std::size_t limit) override;

  void log_refusal(const Refusal& r) override {
    outside_write("log_refusal");
    insert_refusal(r, true);
  }

  void log_refusals(const std::vector<Refusal>& rows) override {
    outside_write("log_refusals");
    if (rows.empty()) return;
    // One transaction, one trim at the end (not one per row).
    Transaction txn(conn_, Transaction::Kind::plain);
    for (const auto& r : rows) insert_refusal(r, false);
    trim_refusals();
    txn.commit();
  }

  std::vector<Refusal> refusals(std::size_t limit) override {
    outside_write("refusals");
    auto r = conn_.run(
        "SELECT at_ms, device, endpoint, code, message, cs_seq, source, count, last_ms "
        "FROM refusals ORDER BY id DESC LIMIT $1",
        Params().add(static_cast<std::uint64_t>(limit)));
    std::vector<Refusal> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({r.int64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                     static_cast<std::uint64_t>(r.int64(i, 5)), r.text(i, 6),
                     static_cast<std::uint64_t>(r.int64(i, 7)), r.int64(i, 8)});
    return out;
  }

  std::vector<HistoryEntry> history(std::string_view unit_code) override {
    outside_write("history");
    static const std::string sql =
        select(kHistoryColumns, "FROM field_history WHERE unit = $1 ORDER BY version");
    auto r = conn_.run(sql, Params().add(unit_code));
    std::vector<HistoryEntry> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_history(r, i));
    return out;
  }

  std::vector<StoredChangeSet> change_sets_of_unit(std::string_view unit_code) override {
    outside_write("change_sets_of_unit");
    static const std::string sql =
        select(kChangeSetColumns,
               "FROM change_sets WHERE unit = $1 OR (device, seq) IN "
               "(SELECT device, cs_seq FROM field_history WHERE unit = $1) "
               "ORDER BY received_ms, device, seq");
    auto r = conn_.run(sql, Params().add(unit_code));
    std::vector<StoredChangeSet> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_change_set(r, i));
    return out;
  }

  std::vector<ConflictRecord> conflicts(const std::optional<std::string>& unit_code,
                                        bool open_only) override {
    outside_write("conflicts");
    static const std::string sql =
        select(kConflictColumns,
               "FROM conflicts WHERE ($1::text IS NULL OR unit = $1) "
               "AND (NOT $2::boolean OR resolved_version IS NULL) ORDER BY id");
    auto r = conn_.run(sql, Params().add_opt(unit_code).add(open_only ? "true" : "false"));
    std::vector<ConflictRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_conflict(r, i));
    return out;
  }

  std::vector<UnitInfo> children(std::string_view code) override {
    outside_write("children");
    static const std::string sql =
        select(kUnitColumns, "FROM units WHERE parent = $1 ORDER BY code");
    auto r = conn_.run(sql, Params().add(code));
    std::vector<UnitInfo> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_unit(r, i));
    return out;
  }

  std::vector<std::pair<std::string, nlohmann::json>> unit_fields(
      std::string_view unit_code) override {
    outside_write("unit_fields");
    return query_unit_fields(conn_, unit_code);
  }

  std::vector<ReviewEntry> reviews(std::string_view unit_code) override;

  // The "unit" events of the log: the units that did not come from the units files.
  std::vector<Unit> added_units() override {
    outside_write("added_units");
    static const std::string sql =
        select(kEventColumns, "FROM pull_log WHERE kind = 'unit' ORDER BY seq");
    auto r = conn_.run(sql);
    std::vector<Unit> out;
    for (int i = 0; i < r.rows(); ++i)
      if (auto u = sync::unit_of_event(read_event(r, i))) out.push_back(std::move(*u));
    return out;
  }

  std::vector<DeadlineOverride> deadlines() override {
    outside_write("deadlines");
    auto r = conn_.run("SELECT level, value, set_ms FROM deadlines ORDER BY level");
    std::vector<DeadlineOverride> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({level_or_throw(r.text(i, 0)), r.text(i, 1), r.int64(i, 2)});
    return out;
  }

  std::int64_t previous_receipt_ms(std::string_view device_id, std::uint64_t seq,
                                   std::int64_t received_before_ms) override {
    outside_write("previous_receipt_ms");
    return conn_
        .run(
            "SELECT coalesce(max(received_ms), 0) FROM change_sets "
            "WHERE device = $1 AND seq < $2 AND received_ms < $3",
            Params().add(device_id).add(seq).add(received_before_ms))
        .int64(0, 0);
  }

 private:
  // The contract: inside write(fn) everything goes through the WriteTxn. A Store call there
  // would run outside the transaction's meaning (or deadlock on its own lock).
  void outside_write(const char* method) const {
    if (in_write_)
      throw Error(Errc::internal, std::string("store: Store::") + method +
                                      " called inside write(): use the WriteTxn (a bug)");
  }

  std::optional<EnrollToken> read_token(const Hash& token_hash) {
    auto r = conn_.run(
        "SELECT unit, role, created_ms, expires_ms, used_ms, coalesce(used_by,'') "
        "FROM enroll_tokens WHERE token_hash = $1",
        Params().add_bytes(token_hash));
    if (r.rows() == 0) return std::nullopt;
    EnrollToken t;
    t.token_hash = token_hash;
    t.unit = r.text(0, 0);
    t.role = role_or_throw(r.text(0, 1));
    t.created_ms = r.int64(0, 2);
    t.expires_ms = r.int64(0, 3);
    t.used_ms = r.opt_int64(0, 4);
    t.used_by = r.text(0, 5);
    return t;
  }

  // With `trim`, one statement: the row and the trim commit together. Bounded: the newest
  // kMaxRefusalRows rows stay (ids only grow), so a flood cannot fill the disk.
  void insert_refusal(const Refusal& r, bool trim) {
    static const std::string insert =
        "INSERT INTO refusals(at_ms, device, endpoint, code, message, cs_seq, source, count, "
        "last_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    static const std::string insert_and_trim =
        "WITH added AS (" + insert +
        ") DELETE FROM refusals WHERE id <= (SELECT id FROM added) - $10";
    Params p;
    p.add(r.at_ms).add(r.device).add(r.endpoint).add(r.code).add(r.message).add(r.cs_seq);
    p.add(r.source).add(std::max<std::uint64_t>(r.count, 1)).add(std::max(r.last_ms, r.at_ms));
    if (!trim) {
      conn_.run(insert, p);
      return;
    }
    conn_.run(insert_and_trim, p.add(static_cast<std::uint64_t>(kMaxRefusalRows)));
  }

  void trim_refusals() {
    conn_.run("DELETE FROM refusals WHERE id <= (SELECT max(id) FROM refusals) - $1",
              Params().add(static_cast<std::uint64_t>(kMaxRefusalRows)));
  }

  Conn conn_;
  bool in_write_ = false;
};

EventPage PgStore::events_after(const Scope& scope, std::uint64_t after_seq, std::size_t limit) {
  outside_write("events_after");
  // One snapshot: the page and the head it reports agree.
  Transaction snapshot(conn_, Transaction::Kind::snapshot);
  static const std::string base = select(kEventColumns, "FROM pull_log WHERE ");
  // A server-wide event (unit "", store.hpp) is in every scope.
  static const std::string by_unit =
      base + "(unit = $1 OR unit = '') AND seq > $2 ORDER BY seq LIMIT $3";
  static const std::string by_district =
      base + "(district = $1 OR unit = '') AND seq > $2 ORDER BY seq LIMIT $3";
  static const std::string by_province =
      base + "(province = $1 OR unit = '') AND seq > $2 ORDER BY seq LIMIT $3";
  static const std::string everything =
      base + "$1::text IS NOT NULL AND seq > $2 ORDER BY seq LIMIT $3";
  const std::string* sql = &everything;
  if (scope.kind == Scope::Kind::unit) sql = &by_unit;
  if (scope.kind == Scope::Kind::district) sql = &by_district;
  if (scope.kind == Scope::Kind::province) sql = &by_province;
  // One more than asked tells whether there is more.
  auto r = conn_.run(
      *sql, Params().add(scope.code).add(after_seq).add(static_cast<std::uint64_t>(limit) + 1));
  EventPage page;
  for (int i = 0; i < r.rows(); ++i) {
    if (page.events.size() == limit) {
      page.more = true;
      break;
    }
    page.events.push_back(read_event(r, i));
    page.cursor = {page.events.back().seq, to_hash(r.bytes(i, 10), "pull log")};
  }
  // A last page moves the cursor to the head, so events outside the scope are not read again.
  if (!page.more) {
    page.cursor = query_log_head(conn_);
    if (page.cursor.seq < after_seq)
      throw Error(Errc::not_found, "pull log: cursor " + std::to_string(after_seq) +
                                       " is past the log head " + std::to_string(page.cursor.seq));
  }
  snapshot.commit();
  return page;
}

std::vector<ReviewEntry> PgStore::reviews(std::string_view unit_code) {
  outside_write("reviews");
  auto r = conn_.run(
      "SELECT version, event_seq, unit, action, state, device, author, coalesce(comment,''), "
      "coalesce(override,''), coalesce(data_hash,''), signed_ms, received_ms, deadline, "
      "on_time, plausible FROM review WHERE unit = $1 ORDER BY version",
      Params().add(unit_code));
  std::vector<ReviewEntry> out;
  for (int i = 0; i < r.rows(); ++i) {
    ReviewEntry e;
    e.version = static_cast<std::uint64_t>(r.int64(i, 0));
    e.event_seq = static_cast<std::uint64_t>(r.int64(i, 1));
    e.unit = r.text(i, 2);
    e.action = r.text(i, 3);
    e.state = r.text(i, 4);
    e.device = r.text(i, 5);
    e.author = r.text(i, 6);
    e.comment = r.text(i, 7);
    e.override_reason = r.text(i, 8);
    e.data_hash = r.text(i, 9);
    e.signed_ms = r.int64(i, 10);
    e.received_ms = r.int64(i, 11);
    e.deadline = r.text(i, 12);
    if (auto t = r.opt_int64(i, 13)) e.on_time = *t != 0;
    e.plausible = r.int64(i, 14) != 0;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace tongket::server::pg

namespace tongket::server {

namespace {

std::string province_of(const Hierarchy& h, const Unit& u) {
  auto path = h.path(u.code);
  return path.empty() ? u.code : path.front()->code;
}

// Units are upserted, never deleted: devices, tokens and the log refer to them. Rows go in
// batches of up to kBatch per statement, so 11,000 units are ~60 round trips, not 11,000.
std::string upsert_units_sql(std::size_t rows) {
  constexpr std::size_t kColumns = 7;
  std::string sql =
      "INSERT INTO units(code, name, type, level, parent, province, district) VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (std::size_t c = 1; c <= kColumns; ++c)
      sql += (c > 1 ? ", $" : "$") + std::to_string(r * kColumns + c);
    sql += ")";
  }
  return sql +
         " ON CONFLICT (code) DO UPDATE SET name = excluded.name, type = excluded.type, "
         "level = excluded.level, parent = excluded.parent, province = excluded.province, "
         "district = excluded.district";
}

void upsert_units(pg::Conn& conn, const Hierarchy& units) {
  constexpr std::size_t kBatch = 200;
  const auto& all = units.units();
  for (std::size_t first = 0; first < all.size(); first += kBatch) {
    const std::size_t n = std::min(kBatch, all.size() - first);
    pg::Params params;
    for (std::size_t i = first; i < first + n; ++i) {
      const Unit& u = all[i];
      std::optional<std::string> district;
      if (u.level == UnitLevel::district) district = u.code;
      if (u.level == UnitLevel::commune) district = u.parent;
      params.add(u.code).add(u.name).add(u.type).add(level_name(u.level));
      params.add_opt(u.parent.empty() ? std::optional<std::string>() : u.parent);
      params.add(province_of(units, u)).add_opt(district);
    }
    conn.run(upsert_units_sql(n), params);
  }
}

}  // namespace

ServerIdentity init_postgresql_store(const std::string& url, const Hierarchy& units,
                                     const std::string& template_json, std::int64_t now_ms) {
  {
    pg::Conn conn(url);
    pg::schema::check_and_migrate(conn, true);
    pg::Transaction txn(conn, pg::Transaction::Kind::write);
    conn.run(
        "INSERT INTO meta(key, value) VALUES ('server_id', $1), ('created_ms', $2) "
        "ON CONFLICT (key) DO NOTHING",
        pg::Params().add(sync::random_id()).add(std::to_string(now_ms)));
    conn.run(
        "INSERT INTO meta(key, value) VALUES ('template', $1) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        pg::Params().add(template_json));
    upsert_units(conn, units);
    txn.commit();
  }
  return open_postgresql_store(url)->identity();
}

std::unique_ptr<Store> open_postgresql_store(const std::string& url) {
  return std::make_unique<pg::PgStore>(url);
}

}  // namespace tongket::server
