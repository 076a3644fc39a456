#include "tongket/server/sqlite_store.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <set>
#include <unordered_map>

#include "store/schema.hpp"
#include "store/sqlite_db.hpp"
#include "store/stored_values.hpp"
#include "tongket/error.hpp"
#include "tongket/server/packed.hpp"
#include "tongket/sync/admin_events.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::server {

namespace {

using sqlite::Db;
using sqlite::Stmt;

// A cached prepared statement in use; reset when the scope ends so no read snapshot stays
// open on the connection (an un-reset statement would hide other processes' commits).
class Query {
 public:
  explicit Query(Stmt& s) : s_(s) {}
  ~Query() { s_.reset(); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Stmt* operator->() { return &s_; }
  Stmt& operator*() { return s_; }

 private:
  Stmt& s_;
};

using stored::level_or_throw;
using stored::parse_json;
using stored::parse_result;
using stored::result_text;
using stored::role_or_throw;
using stored::to_hash;

// A value as schema v6 keeps it: its JSON text, or (long texts) '' and the text gzipped.
nlohmann::json read_value(Stmt& q, int text_col, int packed_col) {
  return unpack_value(q.text(text_col), q.blob(packed_col));
}

// Columns: seq, kind, unit, field, value, version, device, author, hlc, extra, hash, zvalue.
sync::PullEvent read_event(Stmt& q) {
  sync::PullEvent e;
  e.seq = static_cast<std::uint64_t>(q.int64(0));
  e.kind = q.text(1);
  e.unit = q.text(2);
  e.field = q.text(3);
  e.value = read_value(q, 4, 11);
  e.version = static_cast<std::uint64_t>(q.int64(5));
  e.device = q.text(6);
  e.author = q.text(7);
  e.hlc = static_cast<std::uint64_t>(q.int64(8));
  if (auto x = q.opt_text(9)) e.extra = parse_json(*x);
  return e;
}

using stored::stored_int;

class SqliteStore;

class SqliteTxn final : public WriteTxn {
 public:
  explicit SqliteTxn(SqliteStore& store) : store_(store) {}
  std::optional<Device> device(std::string_view id) override;
  std::optional<FieldState> field(std::string_view unit, std::string_view field) override;
  std::vector<std::pair<std::string, nlohmann::json>> unit_fields(std::string_view unit) override;
  std::vector<HistoryEntry> current_writes_after(std::string_view unit, std::string_view field,
                                                 std::uint64_t after) override;
  nlohmann::json value_at(std::string_view unit, std::string_view field,
                          std::uint64_t version) override;
  std::optional<ConflictRecord> conflict(std::uint64_t id) override;
  sync::Cursor log_head() override;
  using WriteTxn::append_event;
  void append_event(const sync::PullEvent& event, const Hash& log_hash,
                    const PackedValue& value) override;
  CounterCheck advance_counter(std::string_view device, std::uint64_t counter) override;
  void record_write(const HistoryEntry& write, bool becomes_current) override;
  void open_conflict(const ConflictRecord& conflict) override;
  void resolve_conflict(std::uint64_t id, std::uint64_t by_version, std::int64_t at_ms,
                        std::string_view device) override;
  void record_change_set(const StoredChangeSet& cs) override;
  void record_review(const ReviewEntry& review) override;
  std::optional<UnitInfo> unit(std::string_view code) override;
  void add_unit(const UnitInfo& unit, std::string_view type) override;
  void set_deadline(UnitLevel level, std::string_view value, std::int64_t now_ms) override;

 private:
  // True when field() found (unit, field) never written in this transaction and nothing was
  // written to it since: then it has no history either (every applied, merged or resolving
  // write also becomes its current value), so the history reads can be skipped.
  bool known_unwritten(std::string_view unit, std::string_view field) const {
    return unwritten_ && unwritten_->first == unit && unwritten_->second == field;
  }

  SqliteStore& store_;
  std::optional<std::pair<std::string, std::string>> unwritten_;
  // The event appended last: record_write of the same version leaves out what it repeats
  // (schema v5), and the value is not serialised twice.
  std::uint64_t last_event_seq_ = 0;
  nlohmann::json last_event_value_;
  std::string last_event_author_;
  std::string last_event_device_;
  std::uint64_t last_event_hlc_ = 0;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::filesystem::path& file) : db_(file, sqlite::OpenMode::existing) {
    schema::configure(db_);
    schema::check_and_migrate(db_, false);
  }

  Stmt& stmt(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end())
      it = cache_.emplace(std::string(sql), std::make_unique<Stmt>(db_, sql)).first;
    return *it->second;
  }

  ServerIdentity identity() override {
    outside_write("identity");
    ServerIdentity id;
    Query q(stmt("SELECT key, value FROM meta"));
    while (q->step()) {
      auto key = q->text(0);
      if (key == "server_id") id.server_id = q->text(1);
      if (key == "created_ms") id.created_ms = stored_int(q->text(1), "meta created_ms");
      if (key == "template") id.template_json = q->text(1);
    }
    Query c(stmt("SELECT count(*) FROM units"));
    c->step();
    id.unit_count = static_cast<std::size_t>(c->int64(0));
    if (id.server_id.empty()) throw Error(Errc::store_corrupt, "store: no server id");
    return id;
  }

  std::optional<UnitInfo> unit(std::string_view code) override {
    outside_write("unit");
    return unit_row(code);
  }

  // unit() without the guard: for SqliteTxn, inside a write.
  std::optional<UnitInfo> unit_row(std::string_view code) {
    Query q(
        stmt("SELECT code, name, level, coalesce(parent,''), province, coalesce(district,'') "
             "FROM units WHERE code = ?"));
    q->bind(1, code);
    if (!q->step()) return std::nullopt;
    return UnitInfo{q->text(0), q->text(1), level_or_throw(q->text(2)),
                    q->text(3), q->text(4), q->text(5)};
  }

  void add_token(const EnrollToken& t) override {
    outside_write("add_token");
    Query q(
        stmt("INSERT INTO enroll_tokens(token_hash, unit, role, created_ms, expires_ms) "
             "VALUES (?, ?, ?, ?, ?)"));
    q->bind_blob(1, t.token_hash).bind(2, t.unit).bind(3, role_name(t.role));
    q->bind(4, t.created_ms).bind(5, t.expires_ms);
    q->run();
  }

  std::optional<EnrollToken> token(const Hash& token_hash) override {
    outside_write("token");
    Query q(
        stmt("SELECT unit, role, created_ms, expires_ms, used_ms, coalesce(used_by,'') "
             "FROM enroll_tokens WHERE token_hash = ?"));
    q->bind_blob(1, token_hash);
    if (!q->step()) return std::nullopt;
    EnrollToken t;
    t.token_hash = token_hash;
    t.unit = q->text(0);
    t.role = role_or_throw(q->text(1));
    t.created_ms = q->int64(2);
    t.expires_ms = q->int64(3);
    t.used_ms = q->opt_int64(4);
    t.used_by = q->text(5);
    return t;
  }

  EnrollOutcome enroll(const Hash& token_hash, const Device& d, std::int64_t now_ms) override {
    outside_write("enroll");
    sqlite::Transaction txn(db_);
    auto t = token(token_hash);
    if (!t) return EnrollOutcome::unknown_token;
    if (t->used_ms) return EnrollOutcome::used_token;
    if (now_ms >= t->expires_ms) return EnrollOutcome::expired_token;
    if (device(d.id)) return EnrollOutcome::device_exists;
    {
      Query q(
          stmt("UPDATE enroll_tokens SET used_ms = ?, used_by = ? "
               "WHERE token_hash = ? AND used_ms IS NULL"));
      q->bind(1, now_ms).bind(2, d.id).bind_blob(3, token_hash);
      q->run();
    }
    {
      Hash zero{};
      Query q(
          stmt("INSERT INTO devices(id, unit, role, public_key, label, enrolled_ms, last_hash) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)"));
      q->bind(1, d.id).bind(2, t->unit).bind(3, role_name(t->role)).bind_blob(4, d.public_key);
      q->bind(5, d.label).bind(6, now_ms).bind_blob(7, zero);
      q->run();
    }
    txn.commit();
    return EnrollOutcome::enrolled;
  }

  std::optional<Device> device(std::string_view id) override {
    outside_write("device");
    return device_row(id);
  }

  std::optional<Device> device_row(std::string_view id) {
    Query q(
        stmt("SELECT id, unit, role, public_key, label, enrolled_ms, revoked_ms, "
             "last_counter, last_seq, last_hash FROM devices WHERE id = ?"));
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    return read_device(*q);
  }

  std::vector<Device> devices() override {
    outside_write("devices");
    Query q(
        stmt("SELECT id, unit, role, public_key, label, enrolled_ms, revoked_ms, "
             "last_counter, last_seq, last_hash FROM devices ORDER BY unit, enrolled_ms"));
    std::vector<Device> out;
    while (q->step()) out.push_back(read_device(*q));
    return out;
  }

  bool revoke_device(std::string_view id, std::int64_t now_ms) override {
    outside_write("revoke_device");
    Query q(stmt("UPDATE devices SET revoked_ms = coalesce(revoked_ms, ?) WHERE id = ?"));
    q->bind(1, now_ms).bind(2, id);
    q->run();
    return db_.changes() > 0;
  }

  CounterCheck advance_counter(std::string_view device_id, std::uint64_t counter) override {
    outside_write("advance_counter");
    sqlite::Transaction txn(db_);
    CounterCheck check = counter_row(device_id, counter);
    txn.commit();
    return check;
  }

  CounterCheck counter_row(std::string_view device_id, std::uint64_t counter) {
    // Counters are stored as SQLite's signed 64-bit integers: larger ones are never fresh.
    if (counter > static_cast<std::uint64_t>(INT64_MAX)) counter = 0;
    {
      Query q(stmt("UPDATE devices SET last_counter = ? WHERE id = ? AND last_counter < ?"));
      q->bind(1, static_cast<std::int64_t>(counter)).bind(2, device_id);
      q->bind(3, static_cast<std::int64_t>(counter));
      q->run();
      if (db_.changes() > 0) return {true, counter};
    }
    Query q(stmt("SELECT last_counter FROM devices WHERE id = ?"));
    q->bind(1, device_id);
    return {false, q->step() ? static_cast<std::uint64_t>(q->int64(0)) : 0};
  }

  std::optional<StoredChangeSet> change_set(std::string_view device_id,
                                            std::uint64_t seq) override {
    outside_write("change_set");
    Query q(
        stmt("SELECT device, seq, hash, bytes, signature, unit, author, received_ms, status, "
             "result, plain_size FROM change_sets WHERE device = ? AND seq = ?"));
    q->bind(1, device_id).bind(2, static_cast<std::int64_t>(seq));
    if (!q->step()) return std::nullopt;
    return read_change_set(*q);
  }

  // Writes do not nest (store.hpp): the push consumes its request counter through the WriteTxn,
  // so one commit (one fsync) covers both without a savepoint's sub-journal.
  void write(const std::function<void(WriteTxn&)>& fn) override {
    outside_write("write");
    struct Depth {
      SqliteStore& s;
      explicit Depth(SqliteStore& store) : s(store) { s.begin_write(); }
      ~Depth() { s.end_write(); }
    };
    sqlite::Transaction txn(db_);  // BEGIN IMMEDIATE: the store-wide write lock
    Depth depth(*this);
    SqliteTxn w(*this);
    fn(w);
    txn.commit();
  }

  // The pull log's head, read once per write transaction: only that transaction appends.
  sync::Cursor& cached_head() {
    if (!head_) head_ = log_head_row();
    return *head_;
  }

  // The pull log takes events of known units only; looked up once per write transaction.
  // A server-wide event (unit "") belongs to every scope.
  void check_unit(const std::string& code) {
    if (code.empty() || known_units_.count(code)) return;
    Query q(stmt("SELECT 1 FROM units WHERE code = ?"));
    q->bind(1, code);
    if (!q->step()) throw Error(Errc::not_found, "pull log: unknown unit '" + code + "'");
    known_units_.insert(code);
  }

  sync::Cursor log_head() override {
    outside_write("log_head");
    return log_head_row();
  }

  sync::Cursor log_head_row() {
    Query q(stmt("SELECT seq, hash FROM pull_log ORDER BY seq DESC LIMIT 1"));
    if (!q->step()) return {};
    return {static_cast<std::uint64_t>(q->int64(0)), to_hash(q->blob(1), "pull log")};
  }

  std::optional<Hash> log_hash_at(std::uint64_t seq) override {
    outside_write("log_hash_at");
    if (seq == 0) return Hash{};
    Query q(stmt("SELECT hash FROM pull_log WHERE seq = ?"));
    q->bind(1, static_cast<std::int64_t>(seq));
    if (!q->step()) return std::nullopt;
    return to_hash(q->blob(0), "pull log");
  }

  EventPage events_after(const Scope& scope, std::uint64_t after_seq, std::size_t limit) override {
    outside_write("events_after");
    // One read transaction: the page and the head it reports come from the same snapshot.
    sqlite::Transaction snapshot(db_, false);
    const char* sql = nullptr;
    switch (scope.kind) {
      // The unit's events and the server-wide ones (unit ''), both in seq order from the
      // (unit, seq) index, merged: no sort, and the limit stops the scan.
      case Scope::Kind::unit:
        sql =
            "SELECT seq, kind, unit, field, value, version, device, author, hlc, extra, hash, "
            "zvalue "
            "FROM pull_log WHERE seq IN (SELECT seq FROM pull_log WHERE unit = ?1 AND seq > ?2 "
            "UNION ALL SELECT seq FROM pull_log WHERE unit = '' AND seq > ?2 ORDER BY 1 "
            "LIMIT ?3) ORDER BY seq";
        break;
      // The scope's units first (CROSS JOIN keeps that order), each one's events by the
      // (unit, seq) index, then only the page's seqs sorted: never a scan of the whole log,
      // nor a sort of whole rows (schema v3 has no district or province index on the log).
      // Server-wide events (unit '') are in every scope, found by the same (unit, seq) index.
      case Scope::Kind::district:
        sql =
            "SELECT seq, kind, unit, field, value, version, device, author, hlc, extra, hash, "
            "zvalue "
            "FROM pull_log WHERE seq IN (SELECT seq FROM (SELECT p.seq FROM units u "
            "CROSS JOIN pull_log p ON p.unit = u.code WHERE u.district = ?1 AND p.seq > ?2 "
            "UNION ALL SELECT seq FROM pull_log WHERE unit = '' AND seq > ?2) "
            "ORDER BY seq LIMIT ?3) ORDER BY seq";
        break;
      case Scope::Kind::province:
        sql =
            "SELECT seq, kind, unit, field, value, version, device, author, hlc, extra, hash, "
            "zvalue "
            "FROM pull_log WHERE seq IN (SELECT seq FROM (SELECT p.seq FROM units u "
            "CROSS JOIN pull_log p ON p.unit = u.code WHERE u.province = ?1 AND p.seq > ?2 "
            "UNION ALL SELECT seq FROM pull_log WHERE unit = '' AND seq > ?2) "
            "ORDER BY seq LIMIT ?3) ORDER BY seq";
        break;
      case Scope::Kind::all:
        sql =
            "SELECT seq, kind, unit, field, value, version, device, author, hlc, extra, hash, "
            "zvalue "
            "FROM pull_log WHERE ?1 IS NOT NULL AND seq > ?2 ORDER BY seq LIMIT ?3";
        break;
    }
    EventPage page;
    {
      Query q(stmt(sql));
      q->bind(1, scope.code).bind(2, static_cast<std::int64_t>(after_seq));
      // One more than asked tells whether there is more.
      q->bind(3, static_cast<std::int64_t>(limit + 1));
      while (q->step()) {
        if (page.events.size() == limit) {
          page.more = true;
          break;
        }
        page.events.push_back(read_event(*q));
        page.cursor = {page.events.back().seq, to_hash(q->blob(10), "pull log")};
      }
    }
    // A last page moves the cursor to the head, so events outside the scope are not scanned
    // again next time.
    if (!page.more) {
      page.cursor = log_head_row();
      if (page.cursor.seq < after_seq)
        throw Error(Errc::not_found, "pull log: cursor " + std::to_string(after_seq) +
                                         " is past the log head " +
                                         std::to_string(page.cursor.seq));
    }
    snapshot.commit();
    return page;
  }

  void log_refusal(const Refusal& r) override {
    outside_write("log_refusal");
    sqlite::Transaction txn(db_);
    refusal_row(r);
    txn.commit();
  }

  void log_refusals(const std::vector<Refusal>& rows) override {
    outside_write("log_refusals");
    sqlite::Transaction txn(db_);
    for (const auto& r : rows) refusal_row(r);
    txn.commit();
  }

  void refusal_row(const Refusal& r) {
    {
      Query q(
          stmt("INSERT INTO refusals(at_ms, device, endpoint, code, message, cs_seq, source, "
               "count, last_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      q->bind(1, r.at_ms).bind(2, r.device).bind(3, r.endpoint).bind(4, r.code);
      q->bind(5, r.message).bind(6, static_cast<std::int64_t>(r.cs_seq)).bind(7, r.source);
      q->bind(8, static_cast<std::int64_t>(std::max<std::uint64_t>(r.count, 1)));
      q->bind(9, std::max(r.last_ms, r.at_ms));
      q->run();
    }
    // Bounded: the newest kMaxRefusalRows rows stay (ids only grow), so a flood cannot fill the
    // disk and the newest rows are the ones an administrator reads. One range delete on the key.
    Query trim(stmt("DELETE FROM refusals WHERE id <= ? - ?"));
    trim->bind(1, db_.last_insert_rowid()).bind(2, static_cast<std::int64_t>(kMaxRefusalRows));
    trim->run();
  }

  std::vector<Refusal> refusals(std::size_t limit) override {
    outside_write("refusals");
    Query q(
        stmt("SELECT at_ms, device, endpoint, code, message, cs_seq, source, count, last_ms "
             "FROM refusals ORDER BY id DESC LIMIT ?"));
    q->bind(1, static_cast<std::int64_t>(limit));
    std::vector<Refusal> out;
    while (q->step())
      out.push_back({q->int64(0), q->text(1), q->text(2), q->text(3), q->text(4),
                     static_cast<std::uint64_t>(q->int64(5)), q->text(6),
                     static_cast<std::uint64_t>(q->int64(7)), q->int64(8)});
    return out;
  }

  std::vector<HistoryEntry> history(std::string_view unit_code) override {
    outside_write("history");
    Query q(
        stmt("SELECT version, unit, field, value, base, device, cs_seq, op_id, author, hlc, "
             "received_ms, outcome, conflict_id, zvalue FROM field_history_full WHERE unit = ? "
             "ORDER BY version"));
    q->bind(1, unit_code);
    std::vector<HistoryEntry> out;
    while (q->step()) out.push_back(read_history(*q));
    return out;
  }

  std::vector<StoredChangeSet> change_sets_of_unit(std::string_view unit_code) override {
    outside_write("change_sets_of_unit");
    Query q(
        stmt("SELECT device, seq, hash, bytes, signature, unit, author, received_ms, status, "
             "result, plain_size FROM change_sets WHERE unit = ?1 OR (device, seq) IN "
             "(SELECT device, cs_seq FROM field_history_full WHERE unit = ?1) "
             "ORDER BY received_ms, device, seq"));
    q->bind(1, unit_code);
    std::vector<StoredChangeSet> out;
    while (q->step()) out.push_back(read_change_set(*q));
    return out;
  }

  std::vector<ConflictRecord> conflicts(const std::optional<std::string>& unit_code,
                                        bool open_only) override {
    outside_write("conflicts");
    Query q(
        stmt("SELECT id, unit, field, current_version, incoming_version, current_value, "
             "incoming_value, current_device, incoming_device, current_author, "
             "incoming_author, current_hlc, incoming_hlc, current_ms, incoming_ms, "
             "resolved_version, resolved_ms, coalesce(resolved_device,'') FROM conflicts "
             "WHERE (?1 IS NULL OR unit = ?1) AND (?2 = 0 OR resolved_version IS NULL) "
             "ORDER BY id"));
    q->bind_opt(1, unit_code).bind(2, std::int64_t{open_only ? 1 : 0});
    std::vector<ConflictRecord> out;
    while (q->step()) out.push_back(read_conflict(*q));
    return out;
  }

  // Review round: defined at the end of this file.
  std::vector<UnitInfo> children(std::string_view code) override;
  std::vector<std::pair<std::string, nlohmann::json>> unit_fields(std::string_view unit) override;
  // unit_fields without the outside-a-write guard, for the WriteTxn too.
  std::vector<std::pair<std::string, nlohmann::json>> unit_field_rows(std::string_view unit);
  std::vector<ReviewEntry> reviews(std::string_view unit) override;
  std::vector<DeadlineOverride> deadlines() override;
  std::vector<Unit> added_units() override;
  std::int64_t previous_receipt_ms(std::string_view device, std::uint64_t seq,
                                   std::int64_t received_before_ms) override;

  // Shared with SqliteTxn.
  static Device read_device(Stmt& q) {
    Device d;
    d.id = q.text(0);
    d.unit = q.text(1);
    d.role = role_or_throw(q.text(2));
    d.public_key = q.blob(3);
    d.label = q.text(4);
    d.enrolled_ms = q.int64(5);
    d.revoked_ms = q.opt_int64(6);
    d.last_counter = static_cast<std::uint64_t>(q.int64(7));
    d.last_seq = static_cast<std::uint64_t>(q.int64(8));
    d.last_hash = to_hash(q.blob(9), "device chain");
    return d;
  }

  static StoredChangeSet read_change_set(Stmt& q) {
    StoredChangeSet cs;
    cs.device = q.text(0);
    cs.seq = static_cast<std::uint64_t>(q.int64(1));
    cs.hash = to_hash(q.blob(2), "change set");
    cs.bytes = unpack_change_set(q.blob(3), q.int64(10));
    cs.signature = q.blob(4);
    cs.unit = q.text(5);
    cs.author = q.text(6);
    cs.received_ms = q.int64(7);
    cs.status = q.text(8);
    cs.result = parse_result(q.text(9));
    return cs;
  }

  static HistoryEntry read_history(Stmt& q) {
    HistoryEntry h;
    h.version = static_cast<std::uint64_t>(q.int64(0));
    h.unit = q.text(1);
    h.field = q.text(2);
    h.value = read_value(q, 3, 13);
    h.base = static_cast<std::uint64_t>(q.int64(4));
    h.device = q.text(5);
    h.cs_seq = static_cast<std::uint64_t>(q.int64(6));
    h.op_id = static_cast<std::uint64_t>(q.int64(7));
    h.author = q.text(8);
    h.hlc = static_cast<std::uint64_t>(q.int64(9));
    h.received_ms = q.int64(10);
    h.outcome = q.text(11);
    if (auto c = q.opt_int64(12)) h.conflict_id = static_cast<std::uint64_t>(*c);
    return h;
  }

  static ConflictRecord read_conflict(Stmt& q) {
    ConflictRecord c;
    c.id = static_cast<std::uint64_t>(q.int64(0));
    c.unit = q.text(1);
    c.field = q.text(2);
    c.current_version = static_cast<std::uint64_t>(q.int64(3));
    c.incoming_version = static_cast<std::uint64_t>(q.int64(4));
    c.current_value = parse_json(q.text(5));
    c.incoming_value = parse_json(q.text(6));
    c.current_device = q.text(7);
    c.incoming_device = q.text(8);
    c.current_author = q.text(9);
    c.incoming_author = q.text(10);
    c.current_hlc = static_cast<std::uint64_t>(q.int64(11));
    c.incoming_hlc = static_cast<std::uint64_t>(q.int64(12));
    c.current_ms = q.int64(13);
    c.incoming_ms = q.int64(14);
    if (auto v = q.opt_int64(15)) c.resolved_version = static_cast<std::uint64_t>(*v);
    c.resolved_ms = q.opt_int64(16);
    c.resolved_device = q.text(17);
    return c;
  }

  Db& db() { return db_; }

 private:
  Db db_;
  // Store methods other than through the WriteTxn are refused inside a write (store.hpp).
  void outside_write(const char* method) const {
    if (depth_ > 0)
      throw Error(Errc::internal, std::string("store: ") + method +
                                      "() called inside a write transaction; use its WriteTxn");
  }
  void begin_write() {
    depth_ = 1;
    head_.reset();
    known_units_.clear();
  }
  void end_write() {
    depth_ = 0;
    head_.reset();
    known_units_.clear();
  }

  int depth_ = 0;                     // 1 while a write transaction is open
  std::optional<sync::Cursor> head_;  // pull log head within the open write transaction
  std::set<std::string, std::less<>> known_units_;
  // Keyed by the SQL text (not its address: two equal literals may have two addresses, and a
  // built string one address for different texts); looked up without a copy.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<Stmt>, TextHash, std::equal_to<>> cache_;
};

std::optional<Device> SqliteTxn::device(std::string_view id) {
  return store_.device_row(id);
}

std::optional<FieldState> SqliteTxn::field(std::string_view unit, std::string_view field) {
  Query q(
      store_.stmt("SELECT value, version, device, author, hlc, received_ms, zvalue "
                  "FROM field_history_full WHERE unit = ? AND field = ? "
                  "AND outcome <> 'conflict' ORDER BY version DESC LIMIT 1"));
  q->bind(1, unit).bind(2, field);
  if (!q->step()) {
    unwritten_.emplace(std::string(unit), std::string(field));
    return std::nullopt;
  }
  return FieldState{read_value(*q, 0, 6), static_cast<std::uint64_t>(q->int64(1)), q->text(2),
                    q->text(3),           static_cast<std::uint64_t>(q->int64(4)), q->int64(5)};
}

std::vector<std::pair<std::string, nlohmann::json>> SqliteTxn::unit_fields(std::string_view unit) {
  return store_.unit_field_rows(unit);
}

std::vector<HistoryEntry> SqliteTxn::current_writes_after(std::string_view unit,
                                                          std::string_view field,
                                                          std::uint64_t after) {
  if (known_unwritten(unit, field)) return {};
  Query q(
      store_.stmt("SELECT version, unit, field, value, base, device, cs_seq, op_id, author, "
                  "hlc, received_ms, outcome, conflict_id, zvalue FROM field_history_full "
                  "WHERE unit = ? AND field = ? AND version > ? "
                  "AND outcome <> 'conflict' ORDER BY version"));
  q->bind(1, unit).bind(2, field).bind(3, static_cast<std::int64_t>(after));
  std::vector<HistoryEntry> out;
  while (q->step()) out.push_back(SqliteStore::read_history(*q));
  return out;
}

nlohmann::json SqliteTxn::value_at(std::string_view unit, std::string_view field,
                                   std::uint64_t version) {
  if (known_unwritten(unit, field)) return nullptr;
  Query q(
      store_.stmt("SELECT value, zvalue FROM field_history_full WHERE unit = ? AND field = ? "
                  "AND version <= ? AND outcome <> 'conflict' "
                  "ORDER BY version DESC LIMIT 1"));
  q->bind(1, unit).bind(2, field).bind(3, static_cast<std::int64_t>(version));
  if (!q->step()) return nullptr;
  return read_value(*q, 0, 1);
}

std::optional<ConflictRecord> SqliteTxn::conflict(std::uint64_t id) {
  Query q(
      store_.stmt("SELECT id, unit, field, current_version, incoming_version, current_value, "
                  "incoming_value, current_device, incoming_device, current_author, "
                  "incoming_author, current_hlc, incoming_hlc, current_ms, incoming_ms, "
                  "resolved_version, resolved_ms, coalesce(resolved_device,'') "
                  "FROM conflicts WHERE id = ?"));
  q->bind(1, static_cast<std::int64_t>(id));
  if (!q->step()) return std::nullopt;
  return SqliteStore::read_conflict(*q);
}

sync::Cursor SqliteTxn::log_head() {
  return store_.cached_head();
}

WriteTxn::CounterCheck SqliteTxn::advance_counter(std::string_view device, std::uint64_t counter) {
  return store_.counter_row(device, counter);
}

void SqliteTxn::append_event(const sync::PullEvent& e, const Hash& h, const PackedValue& value) {
  sync::Cursor& head = store_.cached_head();
  if (e.seq != head.seq + 1)
    throw Error(Errc::internal, "pull log: event seq " + std::to_string(e.seq) +
                                    " is not the next one (" + std::to_string(head.seq + 1) + ")");
  last_event_seq_ = 0;
  // A plain one-row INSERT: an INSERT ... SELECT may write several rows, so SQLite would keep
  // a statement journal of every page it touches.
  store_.check_unit(e.unit);
  Query q(
      store_.stmt("INSERT INTO pull_log(seq, kind, unit, field, value, version, device, author, "
                  "hlc, extra, hash, zvalue) "
                  "VALUES (?1, ?2, ?11, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?12)"));
  q->bind(1, static_cast<std::int64_t>(e.seq)).bind(2, e.kind).bind(3, e.field);
  // A long text is kept gzipped (schema v6), its text column empty.
  const bool packed = !value.deflated.empty();
  q->bind(4, packed ? std::string_view("") : std::string_view(value.json));
  q->bind(5, static_cast<std::int64_t>(e.version)).bind(6, e.device);
  q->bind(7, e.author).bind(8, static_cast<std::int64_t>(e.hlc));
  q->bind_opt(9, e.extra.is_null() ? std::optional<std::string>() : e.extra.dump());
  q->bind_blob(10, h).bind(11, e.unit);
  if (packed)
    q->bind_blob(12, value.deflated);
  else
    q->bind_null(12);
  q->run();
  head = {e.seq, h};
  last_event_seq_ = e.seq;
  last_event_value_ = e.value;
  last_event_author_ = e.author;
  last_event_device_ = e.device;
  last_event_hlc_ = e.hlc;
}

void SqliteTxn::record_write(const HistoryEntry& w, bool becomes_current) {
  // The current value is the last write that is not a conflict (schema v5): nothing else says so.
  if (becomes_current != (w.outcome != "conflict"))
    throw Error(Errc::internal, "store: a write of " + w.field + " with outcome '" + w.outcome +
                                    "' cannot " + (becomes_current ? "" : "fail to ") +
                                    "become current");
  if (unwritten_ && unwritten_->first == w.unit && unwritten_->second == w.field)
    unwritten_.reset();
  // What the write's own event (appended just before, seq = version) holds is stored once, in
  // the pull log (schemas v5, v6); a column differing from it is kept here. Comparing is a
  // memcmp-like walk; dumping would escape every character of a long text again.
  const bool event = w.version == last_event_seq_;
  const bool same_value = event && w.value == last_event_value_;
  {
    Query q(
        store_.stmt("INSERT INTO field_history(version, unit, field, value, base, device, "
                    "cs_seq, op_id, author, hlc, received_ms, outcome, conflict_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q->bind(1, static_cast<std::int64_t>(w.version)).bind(2, w.unit).bind(3, w.field);
    if (same_value)
      q->bind_null(4);
    else
      q->bind(4, w.value.dump());
    q->bind(5, static_cast<std::int64_t>(w.base));
    if (event && w.device == last_event_device_)
      q->bind_null(6);
    else
      q->bind(6, w.device);
    q->bind(7, static_cast<std::int64_t>(w.cs_seq)).bind(8, static_cast<std::int64_t>(w.op_id));
    if (event && w.author == last_event_author_)
      q->bind_null(9);
    else
      q->bind(9, w.author);
    if (event && w.hlc == last_event_hlc_)
      q->bind_null(10);
    else
      q->bind(10, static_cast<std::int64_t>(w.hlc));
    q->bind(11, w.received_ms).bind(12, w.outcome);
    if (w.conflict_id)
      q->bind(13, static_cast<std::int64_t>(*w.conflict_id));
    else
      q->bind_null(13);
    q->run();
  }
}

void SqliteTxn::open_conflict(const ConflictRecord& c) {
  Query q(
      store_.stmt("INSERT INTO conflicts(id, unit, field, current_version, incoming_version, "
                  "current_value, incoming_value, current_device, incoming_device, "
                  "current_author, incoming_author, current_hlc, incoming_hlc, current_ms, "
                  "incoming_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  q->bind(1, static_cast<std::int64_t>(c.incoming_version)).bind(2, c.unit).bind(3, c.field);
  q->bind(4, static_cast<std::int64_t>(c.current_version));
  q->bind(5, static_cast<std::int64_t>(c.incoming_version));
  q->bind(6, c.current_value.dump()).bind(7, c.incoming_value.dump());
  q->bind(8, c.current_device).bind(9, c.incoming_device);
  q->bind(10, c.current_author).bind(11, c.incoming_author);
  q->bind(12, static_cast<std::int64_t>(c.current_hlc));
  q->bind(13, static_cast<std::int64_t>(c.incoming_hlc));
  q->bind(14, c.current_ms).bind(15, c.incoming_ms);
  q->run();
}

void SqliteTxn::resolve_conflict(std::uint64_t id, std::uint64_t by_version, std::int64_t at_ms,
                                 std::string_view device) {
  Query q(
      store_.stmt("UPDATE conflicts SET resolved_version = ?, resolved_ms = ?, "
                  "resolved_device = ? WHERE id = ? AND resolved_version IS NULL"));
  q->bind(1, static_cast<std::int64_t>(by_version)).bind(2, at_ms).bind(3, device);
  q->bind(4, static_cast<std::int64_t>(id));
  q->run();
}

void SqliteTxn::record_change_set(const StoredChangeSet& cs) {
  {
    Query q(
        store_.stmt("UPDATE devices SET last_seq = ?, last_hash = ? "
                    "WHERE id = ? AND last_seq = ?"));
    q->bind(1, static_cast<std::int64_t>(cs.seq)).bind_blob(2, cs.hash).bind(3, cs.device);
    q->bind(4, static_cast<std::int64_t>(cs.seq) - 1);
    q->run();
    if (store_.db().changes() != 1)
      throw Error(Errc::protocol, "change set " + std::to_string(cs.seq) + " of device " +
                                      cs.device + " is not the next on its chain");
  }
  Query q(
      store_.stmt("INSERT INTO change_sets(device, seq, hash, bytes, signature, unit, author, "
                  "received_ms, status, result, plain_size) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  q->bind(1, cs.device).bind(2, static_cast<std::int64_t>(cs.seq)).bind_blob(3, cs.hash);
  const Bytes packed_here = cs.packed.empty() ? pack_change_set(cs.bytes) : Bytes();
  q->bind_blob(4, cs.packed.empty() ? packed_here : cs.packed);
  q->bind_blob(5, cs.signature);
  q->bind(6, cs.unit).bind(7, cs.author);
  q->bind(8, cs.received_ms).bind(9, cs.status).bind(10, result_text(cs.result));
  q->bind(11, static_cast<std::int64_t>(cs.bytes.size()));
  q->run();
}

std::string province_of(const Hierarchy& h, const Unit& u) {
  auto path = h.path(u.code);
  return path.empty() ? u.code : path.front()->code;
}

// Review round (schema v2).

void SqliteTxn::record_review(const ReviewEntry& r) {
  Query q(store_.stmt(
      "INSERT INTO review(version, event_seq, unit, action, state, device, author, comment, "
      "override, data_hash, signed_ms, received_ms, deadline, on_time, plausible) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, nullif(?, ''), nullif(?, ''), nullif(?, ''), ?, ?, ?, ?, ?)"));
  q->bind(1, static_cast<std::int64_t>(r.version)).bind(2, static_cast<std::int64_t>(r.event_seq));
  q->bind(3, r.unit).bind(4, r.action).bind(5, r.state).bind(6, r.device).bind(7, r.author);
  q->bind(8, r.comment).bind(9, r.override_reason).bind(10, r.data_hash);
  q->bind(11, r.signed_ms).bind(12, r.received_ms).bind(13, r.deadline);
  q->bind_opt(14, r.on_time ? std::optional<std::int64_t>(*r.on_time ? 1 : 0) : std::nullopt);
  q->bind(15, std::int64_t{r.plausible ? 1 : 0});
  q->run();
}

std::vector<UnitInfo> SqliteStore::children(std::string_view code) {
  outside_write("children");
  Query q(
      stmt("SELECT code, name, level, coalesce(parent,''), province, coalesce(district,'') "
           "FROM units WHERE parent = ? ORDER BY code"));
  q->bind(1, code);
  std::vector<UnitInfo> out;
  while (q->step())
    out.push_back(UnitInfo{q->text(0), q->text(1), level_or_throw(q->text(2)), q->text(3),
                           q->text(4), q->text(5)});
  return out;
}

std::vector<std::pair<std::string, nlohmann::json>> SqliteStore::unit_fields(
    std::string_view unit) {
  outside_write("unit_fields");
  return unit_field_rows(unit);
}

std::vector<std::pair<std::string, nlohmann::json>> SqliteStore::unit_field_rows(
    std::string_view unit) {
  Query q(stmt("SELECT field, value, zvalue FROM field_values WHERE unit = ? ORDER BY field"));
  q->bind(1, unit);
  std::vector<std::pair<std::string, nlohmann::json>> out;
  while (q->step()) out.emplace_back(q->text(0), read_value(*q, 1, 2));
  return out;
}

std::vector<ReviewEntry> SqliteStore::reviews(std::string_view unit) {
  outside_write("reviews");
  Query q(
      stmt("SELECT version, event_seq, unit, action, state, device, author, coalesce(comment,''), "
           "coalesce(override,''), coalesce(data_hash,''), signed_ms, received_ms, deadline, "
           "on_time, plausible FROM review WHERE unit = ? ORDER BY version"));
  q->bind(1, unit);
  std::vector<ReviewEntry> out;
  while (q->step()) {
    ReviewEntry r;
    r.version = static_cast<std::uint64_t>(q->int64(0));
    r.event_seq = static_cast<std::uint64_t>(q->int64(1));
    r.unit = q->text(2);
    r.action = q->text(3);
    r.state = q->text(4);
    r.device = q->text(5);
    r.author = q->text(6);
    r.comment = q->text(7);
    r.override_reason = q->text(8);
    r.data_hash = q->text(9);
    r.signed_ms = q->int64(10);
    r.received_ms = q->int64(11);
    r.deadline = q->text(12);
    if (auto t = q->opt_int64(13)) r.on_time = *t != 0;
    r.plausible = q->int64(14) != 0;
    out.push_back(std::move(r));
  }
  return out;
}

void SqliteTxn::set_deadline(UnitLevel level, std::string_view value, std::int64_t now_ms) {
  Query q(store_.stmt(
      "INSERT INTO deadlines(level, value, set_ms) VALUES (?, ?, ?) "
      "ON CONFLICT (level) DO UPDATE SET value = excluded.value, set_ms = excluded.set_ms"));
  q->bind(1, level_name(level)).bind(2, value).bind(3, now_ms);
  q->run();
}

std::int64_t SqliteStore::previous_receipt_ms(std::string_view device, std::uint64_t seq,
                                              std::int64_t received_before_ms) {
  Query q(
      stmt("SELECT coalesce(max(received_ms), 0) FROM change_sets "
           "WHERE device = ? AND seq < ? AND received_ms < ?"));
  q->bind(1, device).bind(2, static_cast<std::int64_t>(seq)).bind(3, received_before_ms);
  q->step();
  return q->int64(0);
}

std::optional<UnitInfo> SqliteTxn::unit(std::string_view code) {
  return store_.unit_row(code);
}

void SqliteTxn::add_unit(const UnitInfo& u, std::string_view type) {
  if (store_.unit_row(u.code))
    throw Error(Errc::invalid_argument, "--code " + u.code + ": mã đã có (the code is taken)");
  Query q(
      store_.stmt("INSERT INTO units(code, name, type, level, parent, province, district) "
                  "VALUES (?, ?, ?, ?, ?, ?, nullif(?, ''))"));
  q->bind(1, u.code).bind(2, u.name).bind(3, type).bind(4, level_name(u.level));
  q->bind(5, u.parent).bind(6, u.province).bind(7, u.district);
  q->run();
}

// The "unit" events of the log: the units that did not come from the units files.
std::vector<Unit> SqliteStore::added_units() {
  Query q(
      stmt("SELECT seq, kind, unit, field, value, version, device, author, hlc, extra, hash, "
           "zvalue FROM pull_log WHERE kind = 'unit' ORDER BY seq"));
  std::vector<Unit> out;
  while (q->step())
    if (auto u = sync::unit_of_event(read_event(*q))) out.push_back(std::move(*u));
  return out;
}

std::vector<DeadlineOverride> SqliteStore::deadlines() {
  outside_write("deadlines");
  Query q(stmt("SELECT level, value, set_ms FROM deadlines ORDER BY level"));
  std::vector<DeadlineOverride> out;
  while (q->step()) out.push_back({level_or_throw(q->text(0)), q->text(1), q->int64(2)});
  return out;
}

}  // namespace

std::filesystem::path store_file(const std::filesystem::path& data_dir) {
  return data_dir / "tongket-server.db";
}

ServerIdentity init_sqlite_store(const std::filesystem::path& data_dir, const Hierarchy& units,
                                 const std::string& template_json, std::int64_t now_ms) {
  return init_sqlite_store_file(store_file(data_dir), units, template_json, now_ms);
}

ServerIdentity init_sqlite_store_file(const std::filesystem::path& file, const Hierarchy& units,
                                      const std::string& template_json, std::int64_t now_ms) {
  std::error_code ec;
  const auto dir = file.parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec)
    throw Error(Errc::io_error, "cannot create directory " + dir.string() + ": " + ec.message());
  {
    Db db(file, sqlite::OpenMode::create);
    schema::configure(db);
    schema::check_and_migrate(db, true);
    sqlite::Transaction txn(db);
    {
      Stmt s(db,
             "INSERT INTO meta(key, value) VALUES ('server_id', ?), ('created_ms', ?) "
             "ON CONFLICT(key) DO NOTHING");
      s.bind(1, sync::random_id()).bind(2, std::to_string(now_ms));
      s.run();
    }
    {
      Stmt s(db,
             "INSERT INTO meta(key, value) VALUES ('template', ?) "
             "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
      s.bind(1, template_json);
      s.run();
    }
    // Units are upserted, never deleted: devices, tokens and the log refer to them.
    Stmt s(db,
           "INSERT INTO units(code, name, type, level, parent, province, district) "
           "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
           "type = excluded.type, level = excluded.level, parent = excluded.parent, "
           "province = excluded.province, district = excluded.district");
    for (const Unit& u : units.units()) {
      std::optional<std::string> district;
      if (u.level == UnitLevel::district) district = u.code;
      if (u.level == UnitLevel::commune) district = u.parent;
      s.bind(1, u.code).bind(2, u.name).bind(3, u.type).bind(4, level_name(u.level));
      s.bind_opt(5, u.parent.empty() ? std::optional<std::string>() : u.parent);
      s.bind(6, province_of(units, u)).bind_opt(7, district);
      s.run();
      s.reset();
    }
    txn.commit();
  }
  return open_sqlite_store_file(file)->identity();
}

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& data_dir) {
  auto file = store_file(data_dir);
  if (!std::filesystem::exists(file))
    throw Error(Errc::io_error, "no server store in " + data_dir.string() +
                                    ": run `tongket-server init --data " + data_dir.string() +
                                    "` first");
  return std::make_unique<SqliteStore>(file);
}

std::unique_ptr<Store> open_sqlite_store_file(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file))
    throw Error(Errc::io_error, "no server store at " + file.string() +
                                    ": run `tongket-server init` with this database first");
  return std::make_unique<SqliteStore>(file);
}

}  // namespace tongket::server
