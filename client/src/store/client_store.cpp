#include "tongket/client_store.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>

#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "tongket/error.hpp"
#include "tongket/platform.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/time_text.hpp"

namespace tongket {

namespace fs = std::filesystem;
using store::Database;
using store::Statement;
using store::Transaction;

namespace {

constexpr int kBusyTimeoutMs = 5000;

// A tongket store is an SQLite file; anything else is refused before SQLite touches it.
void check_is_sqlite(const fs::path& file) {
  std::error_code ec;
  auto status = fs::status(file, ec);
  if (!fs::exists(status)) {
    throw Error(Errc::io_error, "no tongket store at " + platform::path_to_utf8(file) +
                                    ": run `tongket init --unit <code>` first, or pass "
                                    "--store PATH");
  }
  if (!fs::is_regular_file(status))
    throw Error(Errc::store_foreign,
                platform::path_to_utf8(file) + " is not a file, so not a tongket store");
  // Read through SQLite, never a plain file handle: closing a plain handle on a database file
  // drops every POSIX lock this process holds on it (e.g. the web app's other connection), and
  // another process closing its connection then deletes the WAL under it (disk I/O errors,
  // lost writes). A read that finds no database header fails with SQLITE_NOTADB and writes
  // nothing.
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(platform::path_to_utf8(file).c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  if (rc == SQLITE_NOTADB) {
    throw Error(Errc::store_foreign, platform::path_to_utf8(file) +
                                         " is not a tongket store (not an SQLite database); "
                                         "it was left unchanged");
  }
  if (rc != SQLITE_OK) throw Error(Errc::io_error, "cannot read " + platform::path_to_utf8(file));
}

void configure(Database& db) {
  sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA journal_mode = WAL");
  // Every write must survive a power cut: the outbox is the only copy of unsent edits.
  db.exec("PRAGMA synchronous = FULL");
}

std::int64_t pragma_int(Database& db, const char* pragma) {
  Statement st(db, pragma);
  st.step();
  return st.int64(0);
}

// Before anything writes to the file: is it ours, and not from a newer tongket?
void check_identity(Database& db) {
  const auto app_id = pragma_int(db, "PRAGMA application_id");
  if (app_id != kClientStoreApplicationId) {
    throw Error(Errc::store_foreign,
                db.file() + " is an SQLite database of another application (application_id " +
                    std::to_string(app_id) +
                    "), not a tongket client store; it was left "
                    "unchanged");
  }
  const int version = store::user_version(db);
  if (version > store::schema_version()) {
    throw Error(Errc::store_newer, db.file() + " was written by a newer tongket (schema " +
                                       std::to_string(version) + ", this program knows up to " +
                                       std::to_string(store::schema_version()) +
                                       "): install the newer tongket to use it");
  }
}

void quick_check(Database& db) {
  std::string problems;
  try {
    Statement st(db, "PRAGMA quick_check");
    while (st.step()) {
      std::string line = st.text(0);
      if (line == "ok") continue;
      if (!problems.empty()) problems += "; ";
      problems += line;
    }
  } catch (const Error& e) {
    // Damage bad enough that the check itself cannot read a page.
    if (e.code() != Errc::store_corrupt) throw;
    problems = "database disk image is malformed";
  }
  if (!problems.empty()) {
    throw Error(Errc::store_corrupt,
                db.file() + " is damaged (" + problems + "): restore it from a backup");
  }
}

// Why the damage check must run at this open, or nullptr. `left_wal`: a WAL file with frames
// lay beside the store before anything opened it (SQLite removes it when the last connection
// closes).
const char* check_reason(Database& db, StoreCheck policy, bool left_wal, std::uint64_t now_ms) {
  if (policy == StoreCheck::always) return "requested";
  if (left_wal) return "unclean";
  Statement st(db, "SELECT value FROM meta WHERE key = 'check_at'");
  if (!st.step()) return "due";
  constexpr std::uint64_t kPeriodMs = std::uint64_t{kStoreCheckDays} * 24 * 3600 * 1000;
  const auto last = std::strtoull(st.text(0).c_str(), nullptr, 10);
  return last > now_ms || now_ms - last >= kPeriodMs ? "due" : nullptr;
}

void record_check(Database& db, const char* reason, std::uint64_t now_ms) {
  Transaction tx(db);
  Statement count(db, "SELECT value FROM meta WHERE key = 'check_count'");
  const auto n = count.step() ? std::strtoull(count.text(0).c_str(), nullptr, 10) : 0;
  Statement put(db,
                "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  const std::pair<const char*, std::string> rows[] = {
      {"check_at", std::to_string(now_ms)},
      {"check_reason", reason},
      {"check_count", std::to_string(n + 1)},
  };
  for (const auto& [key, value] : rows) {
    put.reset();
    put.bind(1, key).bind(2, value).run();
  }
  tx.commit();
}

std::optional<std::string> json_text(const nlohmann::json& value, const std::string& field) {
  if (value.is_null()) return std::nullopt;
  try {
    return value.dump();
  } catch (const nlohmann::json::exception& e) {
    throw Error(Errc::invalid_argument, "field " + field + ": the value cannot be stored (" +
                                            e.what() + "); text must be UTF-8");
  }
}

nlohmann::json parse_stored(const Statement& st, int column, const Database& db) {
  if (st.is_null(column)) return nullptr;
  auto parsed = nlohmann::json::parse(st.text(column), nullptr, false);
  if (parsed.is_discarded())
    throw Error(Errc::store_corrupt, db.file() + ": a stored value is not JSON");
  return parsed;
}

FieldKey parse_key(const std::string& text, const Database& db) {
  auto key = FieldKey::parse(text);
  if (!key) throw Error(Errc::store_corrupt, db.file() + ": bad field key '" + text + "'");
  return *key;
}

// The first letter of FieldKey::str() for each kind.

OpState parse_op_state(const std::string& s) {
  for (auto st : {OpState::pending, OpState::packed, OpState::acked, OpState::refused}) {
    if (op_state_name(st) == s) return st;
  }
  throw Error(Errc::store_corrupt, "unknown outbox state '" + s + "'");
}

// Binds a "no limit" as SQLite's -1.
std::int64_t sql_limit(std::size_t limit) {
  return limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
             ? -1
             : static_cast<std::int64_t>(limit);
}

// The statements of one write transaction, prepared once for a whole batch.
class FieldWriter {
 public:
  explicit FieldWriter(Database& db)
      : base_(db, "SELECT version FROM field WHERE unit = ?1 AND key = ?2"),
        upsert_(db,
                "INSERT INTO field (unit, key, value, dirty, hlc, author) "
                "VALUES (?1, ?2, ?3, 1, ?4, ?5) ON CONFLICT (unit, key) DO UPDATE SET "
                "value = excluded.value, dirty = 1, hlc = excluded.hlc, author = excluded.author"),
        append_(db,
                "INSERT INTO outbox (unit, key, value, base, hlc, author, local_time, resolves) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        clock_(db, "UPDATE sync_state SET hlc = max(hlc, ?1) WHERE id = 1"),
        db_(db),
        now_(utc_iso(system_time_ms())) {}

  std::uint64_t write(const std::string& unit, const FieldKey& key, const nlohmann::json& value,
                      const std::string& author, std::uint64_t hlc,
                      std::optional<std::uint64_t> resolves = std::nullopt) {
    const std::string k = key.str();
    const auto text = json_text(value, k);
    base_.reset();
    base_.bind(1, unit).bind(2, k);
    const std::uint64_t base = base_.step() ? base_.uint64(0) : 0;
    base_.reset();
    upsert_.reset();
    upsert_.bind(1, unit).bind(2, k).bind(3, text).bind(4, hlc).bind(5, author).run();
    append_.reset();
    append_.bind(1, unit).bind(2, k).bind(3, text).bind(4, base).bind(5, hlc).bind(6, author);
    append_.bind(7, now_);
    if (resolves) {
      append_.bind(8, *resolves);
    } else {
      append_.bind_null(8);
    }
    append_.run();
    clock_.reset();
    clock_.bind(1, hlc).run();
    return static_cast<std::uint64_t>(sqlite3_last_insert_rowid(db_.handle()));
  }

 private:
  Statement base_, upsert_, append_, clock_;
  Database& db_;
  std::string now_;
};

std::uint64_t stored_hlc(Database& db) {
  Statement st(db, "SELECT hlc FROM sync_state WHERE id = 1");
  if (!st.step()) throw Error(Errc::store_corrupt, db.file() + ": the sync state row is missing");
  return st.uint64(0);
}

void save_hlc(Database& db, std::uint64_t hlc) {
  Statement st(db, "UPDATE sync_state SET hlc = max(hlc, ?1) WHERE id = 1");
  st.bind(1, hlc).run();
}

}  // namespace

std::string_view op_state_name(OpState state) {
  switch (state) {
    case OpState::pending:
      return "pending";
    case OpState::packed:
      return "packed";
    case OpState::acked:
      return "acked";
    case OpState::refused:
      return "refused";
  }
  return "pending";
}

int client_store_schema_version() {
  return store::schema_version();
}

std::uint64_t system_time_ms() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

namespace {

// The stores this process has open, and how many times: a WAL file beside a store this
// process holds is its own connection's, not the trace of an unclean shutdown (the web app
// opens a second connection for each sync while its first stays open).
class OpenInProcess {
 public:
  explicit OpenInProcess(const fs::path& file) : key_(key_of(file)) {
    std::lock_guard lock(mutex());
    ++counts()[key_];
  }
  ~OpenInProcess() {
    std::lock_guard lock(mutex());
    if (--counts()[key_] == 0) counts().erase(key_);
  }
  OpenInProcess(const OpenInProcess&) = delete;
  OpenInProcess& operator=(const OpenInProcess&) = delete;
  static bool held(const fs::path& file) {
    std::lock_guard lock(mutex());
    return counts().count(key_of(file)) > 0;
  }

 private:
  static std::string key_of(const fs::path& file) {
    std::error_code ec;
    auto canonical = fs::weakly_canonical(file, ec);
    return platform::path_to_utf8(ec ? file : canonical);
  }
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::map<std::string, int>& counts() {
    static std::map<std::string, int> m;
    return m;
  }
  std::string key_;
};

}  // namespace

struct ClientStore::Impl {
  fs::path file;
  std::unique_ptr<Database> db;
  std::string unit;
  std::unique_ptr<OpenInProcess> open_here;  // set once the store is open
};

ClientStore::ClientStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClientStore::ClientStore(ClientStore&&) noexcept = default;
ClientStore& ClientStore::operator=(ClientStore&&) noexcept = default;
ClientStore::~ClientStore() = default;

ClientStore ClientStore::create(const fs::path& file, const std::string& unit,
                                const std::string& template_id, int template_version) {
  // Never overwrite anything, even a file that appears between a check and the create.
  if (!platform::write_new_private_file(file, "")) {
    throw Error(Errc::io_error, platform::path_to_utf8(file) +
                                    " already exists; tongket will not overwrite it (choose "
                                    "another --store path)");
  }
  try {
    auto impl = std::make_unique<Impl>();
    impl->file = file;
    impl->db = std::make_unique<Database>(file);
    impl->unit = unit;
    Database& db = *impl->db;
    configure(db);
    Transaction tx(db);
    db.exec(("PRAGMA application_id = " + std::to_string(kClientStoreApplicationId)).c_str());
    store::migrate(db);
    Statement meta(db, "INSERT INTO meta (key, value) VALUES (?1, ?2)");
    const std::pair<const char*, std::string> initial[] = {
        {"unit", unit},
        {"template_id", template_id},
        {"template_version", std::to_string(template_version)},
        {"created_at", utc_iso(system_time_ms())},
        {"check_at", std::to_string(system_time_ms())},  // new: nothing to check yet
    };
    for (const auto& [key, value] : initial) {
      meta.reset();
      meta.bind(1, key).bind(2, value).run();
    }
    tx.commit();
    impl->open_here = std::make_unique<OpenInProcess>(file);
    return ClientStore(std::move(impl));
  } catch (...) {
    // Only what this call made is removed.
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      fs::remove(fs::path(file) += suffix, ec);
    throw;
  }
}

ClientStore ClientStore::open(const fs::path& file, StoreCheck check) {
  // Looked at before anything here opens the file: opening and closing it removes the WAL.
  // A WAL holding frames is a writer's that did not close (a clean close checkpoints and
  // removes it); an empty one is a reader's (read-only connections cannot remove it).
  std::error_code ec;
  const auto wal_bytes = fs::file_size(fs::path(file) += "-wal", ec);
  const bool left_wal = !ec && wal_bytes > 0 && !OpenInProcess::held(file);
  check_is_sqlite(file);
  auto impl = std::make_unique<Impl>();
  impl->file = file;
  impl->db = std::make_unique<Database>(file);
  Database& db = *impl->db;
  sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
  check_identity(db);
  const std::uint64_t now = system_time_ms();
  const char* reason = check_reason(db, check, left_wal, now);
  if (reason) quick_check(db);
  configure(db);
  if (store::user_version(db) < store::schema_version()) {
    // A migration may rebuild a table others reference (SQLite's way to change a CHECK):
    // foreign keys are off meanwhile (they cannot change inside a transaction) and checked
    // before the commit.
    db.exec("PRAGMA foreign_keys = OFF");
    {
      Transaction tx(db);
      check_identity(db);  // another process may have migrated meanwhile
      store::migrate(db);
      {
        Statement fk(db, "PRAGMA foreign_key_check");
        if (fk.step())
          throw Error(Errc::store_corrupt, platform::path_to_utf8(file) +
                                               ": the schema upgrade broke a reference in table " +
                                               fk.text(0) + "; the store was left unchanged");
      }
      tx.commit();
    }
    db.exec("PRAGMA foreign_keys = ON");
  }
  Statement unit(db, "SELECT value FROM meta WHERE key = 'unit'");
  if (!unit.step() || unit.text(0).empty())
    throw Error(Errc::store_corrupt,
                platform::path_to_utf8(file) + " has no unit: run `tongket init` again");
  impl->unit = unit.text(0);
  if (reason) record_check(db, reason, now);
  impl->open_here = std::make_unique<OpenInProcess>(file);
  return ClientStore(std::move(impl));
}

const fs::path& ClientStore::file() const {
  return impl_->file;
}
const std::string& ClientStore::unit() const {
  return impl_->unit;
}
store::Database& ClientStore::database() {
  return *impl_->db;
}

std::optional<std::string> ClientStore::meta(std::string_view key) const {
  Statement st(*impl_->db, "SELECT value FROM meta WHERE key = ?1");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

void ClientStore::set_meta(std::string_view key, std::string_view value) {
  Statement st(*impl_->db,
               "INSERT INTO meta (key, value) VALUES (?1, ?2) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  st.bind(1, key).bind(2, value).run();
  if (key == "unit") impl_->unit = std::string(value);
}

std::uint64_t ClientStore::set_field(const std::string& unit, const FieldKey& key,
                                     const nlohmann::json& value, const std::string& author,
                                     std::uint64_t hlc, std::optional<std::uint64_t> resolves) {
  Transaction tx(*impl_->db);
  FieldWriter writer(*impl_->db);
  auto op = writer.write(unit, key, value, author, hlc, resolves);
  tx.commit();
  return op;
}

std::vector<std::uint64_t> ClientStore::set_fields(const std::vector<FieldWrite>& writes,
                                                   const std::string& author,
                                                   std::uint64_t physical_ms) {
  std::vector<std::uint64_t> ops;
  ops.reserve(writes.size());
  Transaction tx(*impl_->db);
  sync::HybridClock clock(stored_hlc(*impl_->db));
  FieldWriter writer(*impl_->db);
  for (const auto& w : writes) {
    ops.push_back(writer.write(w.unit, w.key, w.value, author, clock.now(physical_ms)));
  }
  tx.commit();
  return ops;
}

std::optional<nlohmann::json> ClientStore::get_field(const std::string& unit,
                                                     const FieldKey& key) const {
  auto f = field(unit, key);
  if (!f || f->value.is_null()) return std::nullopt;
  return std::move(f->value);
}

namespace {
constexpr const char* kFieldColumns = "unit, key, value, version, dirty, hlc, author";

StoredField read_field(const Statement& st, const Database& db) {
  StoredField f;
  f.unit = st.text(0);
  f.key = parse_key(st.text(1), db);
  f.value = parse_stored(st, 2, db);
  f.version = st.uint64(3);
  f.dirty = st.int64(4) != 0;
  f.hlc = st.uint64(5);
  f.author = st.text(6);
  return f;
}
}  // namespace

std::optional<StoredField> ClientStore::field(const std::string& unit, const FieldKey& key) const {
  Statement st(*impl_->db,
               std::string("SELECT ") + kFieldColumns + " FROM field WHERE unit = ?1 AND key = ?2");
  st.bind(1, unit).bind(2, key.str());
  if (!st.step()) return std::nullopt;
  return read_field(st, *impl_->db);
}

std::vector<StoredField> ClientStore::fields(const std::string& unit, FieldKind kind,
                                             std::string_view item_prefix) const {
  // Keys starting with `low` are exactly those in [low, low with its last byte + 1).
  std::string low = std::string(1, field_kind_letter(kind)) + ":" + std::string(item_prefix);
  std::string high = low;
  high.back() = static_cast<char>(static_cast<unsigned char>(high.back()) + 1);
  Statement st(*impl_->db, std::string("SELECT ") + kFieldColumns +
                               " FROM field WHERE unit = ?1 AND key >= ?2 AND key < ?3 "
                               "ORDER BY key");
  st.bind(1, unit).bind(2, low).bind(3, high);
  std::vector<StoredField> out;
  while (st.step()) out.push_back(read_field(st, *impl_->db));
  return out;
}

std::vector<OutboxOp> ClientStore::pending_ops(std::size_t limit) const {
  Statement st(*impl_->db,
               "SELECT op_id, unit, key, value, base, hlc, author, local_time, state, "
               "change_set, refusal FROM outbox WHERE state = 'pending' ORDER BY op_id LIMIT ?1");
  st.bind(1, sql_limit(limit));
  std::vector<OutboxOp> out;
  while (st.step()) {
    OutboxOp op;
    op.id = st.uint64(0);
    op.unit = st.text(1);
    op.key = parse_key(st.text(2), *impl_->db);
    op.value = parse_stored(st, 3, *impl_->db);
    op.base = st.uint64(4);
    op.hlc = st.uint64(5);
    op.author = st.text(6);
    op.local_time = st.text(7);
    op.state = parse_op_state(st.text(8));
    if (!st.is_null(9)) op.change_set = st.uint64(9);
    op.refusal = st.text(10);
    out.push_back(std::move(op));
  }
  return out;
}

std::size_t ClientStore::outbox_count(std::optional<OpState> state) const {
  Statement st(*impl_->db, "SELECT count(*) FROM outbox WHERE ?1 IS NULL OR state = ?1");
  if (state) {
    st.bind(1, op_state_name(*state));
  } else {
    st.bind_null(1);
  }
  st.step();
  return static_cast<std::size_t>(st.int64(0));
}

std::vector<OutboxOp> ClientStore::refused_ops() const {
  Statement st(*impl_->db,
               "SELECT r.op_id, r.unit, r.key, r.value, o.base, o.hlc, r.author, r.local_time, "
               "r.change_set, r.reason FROM refused_op r JOIN outbox o ON o.op_id = r.op_id "
               "ORDER BY r.op_id");
  std::vector<OutboxOp> out;
  while (st.step()) {
    OutboxOp op;
    op.id = st.uint64(0);
    op.unit = st.text(1);
    op.key = parse_key(st.text(2), *impl_->db);
    op.value = parse_stored(st, 3, *impl_->db);
    op.base = st.uint64(4);
    op.hlc = st.uint64(5);
    op.author = st.text(6);
    op.local_time = st.text(7);
    op.state = OpState::refused;
    if (!st.is_null(8)) op.change_set = st.uint64(8);
    op.refusal = st.optional_text(9).value_or("");
    out.push_back(std::move(op));
  }
  return out;
}

std::size_t ClientStore::retry_refused(std::uint64_t physical_ms) {
  auto refused = refused_ops();
  Transaction tx(*impl_->db);
  sync::HybridClock clock(stored_hlc(*impl_->db));
  FieldWriter writer(*impl_->db);
  Statement link(*impl_->db, "UPDATE outbox SET retried_as = ?2 WHERE op_id = ?1");
  std::size_t n = 0;
  for (const auto& op : refused) {
    if (op.key.kind == FieldKind::review) continue;
    auto again = writer.write(op.unit, op.key, op.value, op.author, clock.now(physical_ms));
    link.bind(1, op.id).bind(2, again).run();
    link.reset();
    ++n;
  }
  tx.commit();
  return n;
}

namespace {

// A new device's chain starts at seq 1: what the old device packed moves out of its way.
std::size_t start_new_chain(Database& db) {
  Statement unpack(db,
                   "UPDATE outbox SET state = 'pending', change_set = NULL WHERE change_set IN "
                   "(SELECT seq FROM change_set WHERE state = 'sent')");
  unpack.run();
  const auto unpacked = static_cast<std::size_t>(sqlite3_changes(db.handle()));
  Statement drop(db, "DELETE FROM change_set WHERE state = 'sent'");
  drop.run();
  // Kept as history above any seq the new chain will reach (2^32 change sets); the outbox
  // follows (checked at commit).
  db.exec("PRAGMA defer_foreign_keys = ON");
  Statement shift(db,
                  "UPDATE change_set SET seq = seq + (SELECT coalesce(max(seq), 0) FROM "
                  "change_set) + 4294967296");
  Statement follow(db,
                   "UPDATE outbox SET change_set = change_set + ?1 + 4294967296 "
                   "WHERE change_set IS NOT NULL");
  Statement top(db, "SELECT coalesce(max(seq), 0) FROM change_set");
  top.step();
  const auto max = top.int64(0);
  top.reset();
  follow.bind(1, max).run();
  shift.run();
  Statement reset(db,
                  "UPDATE sync_state SET chain_seq = 0, chain_hash = zeroblob(32), "
                  "request_counter = 0 WHERE id = 1");
  reset.run();
  return unpacked;
}

}  // namespace

std::size_t ClientStore::record_enrollment(const std::string& device_id, const std::string& role,
                                           const std::string& server_url,
                                           const std::string& ca_file) {
  Transaction tx(*impl_->db);
  std::size_t unpacked = 0;
  if (auto old = meta("device_id"); old && !old->empty() && *old != device_id)
    unpacked = start_new_chain(*impl_->db);
  set_meta("device_id", device_id);
  set_meta("role", role);
  set_meta("server_url", server_url);
  set_meta("ca_file", ca_file);
  tx.commit();
  return unpacked;
}

std::uint64_t ClientStore::next_hlc(std::uint64_t physical_ms) {
  Transaction tx(*impl_->db);
  sync::HybridClock clock(stored_hlc(*impl_->db));
  const auto value = clock.now(physical_ms);
  save_hlc(*impl_->db, value);
  tx.commit();
  return value;
}

void ClientStore::observe_hlc(std::uint64_t remote) {
  Transaction tx(*impl_->db);
  save_hlc(*impl_->db, remote);
  tx.commit();
}

}  // namespace tongket
