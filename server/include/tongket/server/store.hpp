// The server's storage contract. Protocol code (server/src/protocol) and the admin commands see
// storage only through this header; a backend (sqlite_store.hpp, postgresql_store.hpp) is opened
// from a URL by store_factory.hpp. A new backend must be writable from this header alone, and
// tests/conformance proves each one keeps it.
//
// Transactions
// - Store::write(fn) runs fn in ONE write transaction: everything fn does through the WriteTxn
//   commits together when fn returns, or not at all when it throws (the exception propagates).
// - Writes are serial store-wide, across threads and processes: write() takes the store's write
//   lock when it begins (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory
//   lock), so fn sees every write committed before it and none commits while fn runs. This is
//   what keeps the pull log one gapless hash chain with several server processes.
// - Inside fn, the WriteTxn is the only way in: calling any Store method on the same Store
//   (write() included: writes do not nest) throws Error(Errc::internal) and, if fn lets it
//   escape, rolls the transaction back.
// - Every other Store method that writes (add_token, enroll, revoke_device, advance_counter,
//   log_refusal(s)) is atomic on its own, in its own short transaction. An administrator's
//   deadline and added unit are WriteTxn writes: each goes with its pull event. Reads see
//   committed data only; events_after reads one consistent snapshot.
// - Protocol rules are not the backend's: the pull log's running hash is computed by the
//   protocol layer (pull_log.hpp, sync::next_log_hash) and stored as given; the conflict rule is
//   sync::decide. A backend stores, indexes and returns.
// - Packing is not the store thread's work either: append_event gets the value's JSON text and
//   gzipped form (packed.hpp, pack_value) and record_change_set may get the change set's packed
//   bytes, both computed by the caller before write() (prepare(), on the request threads). A
//   backend keeps whichever form it likes and returns the plain value.
//
// Threads and ownership: a Store object is used by one thread at a time (the server's store
// executor, or an admin command's main thread); it is not copyable and owns its connection.
// Several Store objects, in one process or many, may open the same store at once.
// The WriteTxn passed to fn is valid only during fn.
//
// Errors: tongket::Error. Errc::not_found for an unknown unit or device where a method says so,
// Errc::protocol for a broken device chain, Errc::internal for a broken rule of this contract,
// Errc::store_* for a store that cannot be opened, is foreign, newer or damaged, Errc::io_error
// when the storage cannot be reached. Messages name what failed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/hierarchy.hpp"
#include "tongket/server/packed.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::server {

using sync::Bytes;
using sync::Hash;

enum class Role { clerk, district_reviewer, province_reviewer, admin };
std::string_view role_name(Role role);  // "clerk", ...
std::optional<Role> parse_role(std::string_view name);

// A unit as the store keeps it, with its ancestors resolved for scope queries.
struct UnitInfo {
  std::string code;
  std::string name;
  UnitLevel level = UnitLevel::commune;
  std::string parent;    // empty for a province
  std::string province;  // its province (itself for a province)
  std::string district;  // its district (itself for a district); empty above or beside districts
};

struct ServerIdentity {
  std::string server_id;  // random, made once per data directory
  std::int64_t created_ms = 0;
  std::string template_json;  // the report template the store was initialised with
  std::size_t unit_count = 0;
};

struct EnrollToken {
  Hash token_hash{};  // sha256 of the token text: the store never holds a usable token
  std::string unit;
  Role role = Role::clerk;
  std::int64_t created_ms = 0;
  std::int64_t expires_ms = 0;
  std::optional<std::int64_t> used_ms;
  std::string used_by;  // device id
};

struct Device {
  std::string id;
  std::string unit;
  Role role = Role::clerk;
  Bytes public_key;  // raw Ed25519, 32 bytes
  std::string label;
  std::int64_t enrolled_ms = 0;
  std::optional<std::int64_t> revoked_ms;
  std::uint64_t last_counter = 0;  // highest request counter accepted
  std::uint64_t last_seq = 0;      // chain head: last change set accepted (applied or refused)
  Hash last_hash{};
};

enum class EnrollOutcome { enrolled, unknown_token, expired_token, used_token, device_exists };

// The audit log: every change set accepted onto a device's chain, as received.
struct StoredChangeSet {
  std::string device;
  std::uint64_t seq = 0;
  Hash hash{};
  Bytes bytes;      // exactly as signed
  Bytes packed;     // pack_change_set(bytes) when the caller has it; empty: not given
  Bytes signature;  // as received
  std::string unit;
  std::string author;
  std::int64_t received_ms = 0;
  std::string status;       // "applied" | "refused"
  sync::PushResult result;  // the result returned for it (returned again on duplicates)
};

// One accepted write of a field (every accepted operation is one, current or not).
struct HistoryEntry {
  std::uint64_t version = 0;  // = the pull log seq of its event
  std::string unit;
  std::string field;
  nlohmann::json value;
  std::uint64_t base = 0;
  std::string device;
  std::uint64_t cs_seq = 0;  // the change set it came in
  std::uint64_t op_id = 0;
  std::string author;
  std::uint64_t hlc = 0;
  std::int64_t received_ms = 0;
  // "applied" (became current), "merged" (a clean text merge became current),
  // "conflict" (stored in a conflict record), "resolved" (resolved a conflict, became current)
  std::string outcome;
  std::optional<std::uint64_t> conflict_id;
};

// A field's current value and the write that made it current.
struct FieldState {
  nlohmann::json value;
  std::uint64_t version = 0;
  std::string device;
  std::string author;
  std::uint64_t hlc = 0;
  std::int64_t received_ms = 0;
};

struct ConflictRecord {
  std::uint64_t id = 0;
  std::string unit;
  std::string field;
  std::uint64_t current_version = 0;   // the write that stayed current
  std::uint64_t incoming_version = 0;  // the write that lost (in history)
  nlohmann::json current_value;
  nlohmann::json incoming_value;
  std::string current_device, incoming_device;
  std::string current_author, incoming_author;
  std::uint64_t current_hlc = 0, incoming_hlc = 0;
  std::int64_t current_ms = 0, incoming_ms = 0;  // server receipt times
  std::optional<std::uint64_t> resolved_version;
  std::optional<std::int64_t> resolved_ms;
  std::string resolved_device;
};

// One accepted review transition (a write of w:report) as the server judged it on receipt
// (docs/protocol.md, "Review").
struct ReviewEntry {
  std::uint64_t version = 0;    // the w:report write's version (its field_history row)
  std::uint64_t event_seq = 0;  // its "review" pull event
  std::string unit;
  std::string action;  // "submit" | "accept" | "return" | "finalise"
  std::string state;   // the state it led to
  std::string device;
  std::string author;
  std::string comment;          // may be empty
  std::string override_reason;  // a submission's written reason for overridden warnings
  std::string data_hash;        // empty for a return
  std::int64_t signed_ms = 0;   // from the operation's HLC
  std::int64_t received_ms = 0;
  std::string deadline;  // in force on receipt: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC+7)
  std::optional<bool> on_time;  // judged for a submit or finalise only
  bool plausible = true;
};

// An administrator's deadline for a level, replacing the template's.
struct DeadlineOverride {
  UnitLevel level = UnitLevel::commune;
  std::string value;  // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC+7)
  std::int64_t set_ms = 0;
};

// The pull log: sync::PullEvent entries, chained by sync::next_log_hash; sync::Cursor points
// into it. An event's unit puts it in scopes: the scopes that hold that unit; an event whose
// unit is "" (a server-wide one: an administrator's "deadline") is in every scope.

// Which part of the pull log a device sees.
struct Scope {
  enum class Kind { unit, district, province, all } kind = Kind::unit;
  std::string code;
};

struct EventPage {
  std::vector<sync::PullEvent> events;
  sync::Cursor cursor;  // where the next page starts
  bool more = false;
};

struct Refusal {
  std::int64_t at_ms = 0;
  std::string device;    // may be empty (unknown device, enroll)
  std::string endpoint;  // "POST /v1/push"
  std::string code;      // "bad_signature", "forbidden", ...
  std::string message;
  std::uint64_t cs_seq = 0;  // the change set concerned, if any
  std::string source{};      // the client address the HTTP edge saw; empty when unknown
  // Refusals of one source and kind within one window are one row (security_log.hpp): how
  // many, the first at at_ms, the last at last_ms.
  std::uint64_t count = 1;
  std::int64_t last_ms = 0;
};
// The security log keeps this many newest rows; older ones are deleted as new ones come.
inline constexpr std::size_t kMaxRefusalRows = 10000;

// Reads and writes inside one Store::write transaction (see the contract at the top). Reads see
// this transaction's own writes. A write's failure may be thrown by that call or by a later one
// of the same transaction, or by write() itself before it commits (PostgreSQL sends the writes
// with the next read or the COMMIT): never after a commit, and nothing of the transaction stays.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;

  virtual std::optional<Device> device(std::string_view id) = 0;
  virtual std::optional<FieldState> field(std::string_view unit, std::string_view field) = 0;
  // A hint: field() will be asked for these fields of `unit` in this transaction. A backend that
  // pays a round trip per statement reads them at once; field() still answers exactly as without
  // the hint, writes made since in this transaction included. The default does nothing.
  virtual void prefetch_fields(std::string_view /*unit*/,
                               const std::vector<std::string>& /*fields*/) {}
  // Every current field of `unit` (key, value), for the review digest.
  virtual std::vector<std::pair<std::string, nlohmann::json>> unit_fields(
      std::string_view unit) = 0;
  // Writes of the field that became current (applied, merged, resolved) with version > after.
  virtual std::vector<HistoryEntry> current_writes_after(std::string_view unit,
                                                         std::string_view field,
                                                         std::uint64_t after) = 0;
  // The field's value as of `version` (the last current write at or before it); null if none.
  virtual nlohmann::json value_at(std::string_view unit, std::string_view field,
                                  std::uint64_t version) = 0;
  virtual std::optional<ConflictRecord> conflict(std::uint64_t id) = 0;

  // The pull log's last event (seq and running hash; {0, zero hash} when empty), including events
  // appended in this transaction. A write's version is the seq of its event.
  virtual sync::Cursor log_head() = 0;
  // Appends an event with its running hash as computed by the protocol layer (pull_log.hpp);
  // stored as given. `value` is pack_value(event.value), computed by the caller (perhaps on
  // another thread): the backend stores one of its forms and never serialises the value itself.
  // Throws Error(internal) unless event.seq is log_head().seq + 1, Error(not_found) for an
  // unknown unit. An event whose unit is "" is server-wide (an administrator's "deadline"):
  // events_after returns it in every scope.
  virtual void append_event(const sync::PullEvent& event, const Hash& log_hash,
                            const PackedValue& value) = 0;
  // The same, packing the value here.
  void append_event(const sync::PullEvent& event, const Hash& log_hash) {
    append_event(event, log_hash, pack_value(event.value));
  }
  // As Store::advance_counter, inside this transaction: the request counter of a push commits
  // with its first change set (one commit per change set), or not at all.
  struct CounterCheck {
    bool accepted = false;
    std::uint64_t last = 0;  // the device's last accepted counter after the call
  };
  virtual CounterCheck advance_counter(std::string_view device, std::uint64_t counter) = 0;
  // Records a write in the history. It becomes the field's current value exactly when its
  // outcome is not "conflict" (becomes_current must agree: Error(internal) otherwise).
  virtual void record_write(const HistoryEntry& write, bool becomes_current) = 0;
  virtual void open_conflict(const ConflictRecord& conflict) = 0;  // id = its incoming_version
  virtual void resolve_conflict(std::uint64_t id, std::uint64_t by_version, std::int64_t at_ms,
                                std::string_view device) = 0;
  // Adds the change set to the audit log and advances the device's chain to it.
  // Throws Error(protocol) if cs.seq is not the device's last_seq + 1.
  virtual void record_change_set(const StoredChangeSet& cs) = 0;
  // Records a review transition; its write (version) and event (event_seq) must be recorded.
  virtual void record_review(const ReviewEntry& review) = 0;

  // Administration (`tongket-server units add`, `deadline set`): the caller appends the
  // matching pull event (sync/admin_events.hpp) in the same transaction.
  virtual std::optional<UnitInfo> unit(std::string_view code) = 0;
  // Adds a unit below an existing one: `unit.province` and `unit.district` already resolved
  // by the caller (a department: its province, no district). From then on it is in scope
  // queries and may have tokens and devices. Throws Error(invalid_argument) if the code is
  // taken; the caller has checked the rest (shared added_department_problem).
  virtual void add_unit(const UnitInfo& unit, std::string_view type) = 0;
  // Replaces the level's deadline override (value already checked by the caller).
  virtual void set_deadline(UnitLevel level, std::string_view value, std::int64_t now_ms) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual ServerIdentity identity() = 0;
  virtual std::optional<UnitInfo> unit(std::string_view code) = 0;

  // Enrollment tokens and devices.
  virtual void add_token(const EnrollToken& token) = 0;
  // Atomically: the token must exist, be unused and unexpired at now_ms; then it is marked
  // used and the device is added with the token's unit and role (device.unit/role ignored).
  virtual EnrollOutcome enroll(const Hash& token_hash, const Device& device,
                               std::int64_t now_ms) = 0;
  virtual std::optional<EnrollToken> token(const Hash& token_hash) = 0;
  virtual std::optional<Device> device(std::string_view id) = 0;
  virtual std::vector<Device> devices() = 0;
  virtual bool revoke_device(std::string_view id, std::int64_t now_ms) = 0;  // false if unknown
  // Accepts `counter` iff it is greater than the device's last one and at most INT64_MAX, and
  // stores it; atomic against concurrent callers (one of two equal counters wins).
  using CounterCheck = WriteTxn::CounterCheck;
  virtual CounterCheck advance_counter(std::string_view device, std::uint64_t counter) = 0;

  // Change sets.
  virtual std::optional<StoredChangeSet> change_set(std::string_view device, std::uint64_t seq) = 0;
  // Runs fn in one write transaction; commits if fn returns, rolls back if it throws. Serial
  // store-wide; never nested (the contract at the top).
  virtual void write(const std::function<void(WriteTxn&)>& fn) = 0;

  // Pull log.
  virtual sync::Cursor log_head() = 0;
  virtual std::optional<Hash> log_hash_at(std::uint64_t seq) = 0;  // nullopt beyond the head
  virtual EventPage events_after(const Scope& scope, std::uint64_t after_seq,
                                 std::size_t limit) = 0;

  // Security log: one row (a refusal, or an aggregate of several with its count), in its own
  // small transaction, never a write()'s (a refused push must stay logged when its write rolls
  // back); keeps only the newest kMaxRefusalRows rows.
  virtual void log_refusal(const Refusal& refusal) = 0;
  // Several rows at once (the security log's flush), in one transaction.
  virtual void log_refusals(const std::vector<Refusal>& rows) = 0;
  // The newest rows first.
  virtual std::vector<Refusal> refusals(std::size_t limit) = 0;

  // Admin queries.
  virtual std::vector<HistoryEntry> history(std::string_view unit) = 0;
  virtual std::vector<StoredChangeSet> change_sets_of_unit(std::string_view unit) = 0;
  virtual std::vector<ConflictRecord> conflicts(const std::optional<std::string>& unit,
                                                bool open_only) = 0;

  // Review round.
  // The units whose parent is `code`, by code.
  virtual std::vector<UnitInfo> children(std::string_view code) = 0;
  // Every current field of `unit` (key, value), by key.
  virtual std::vector<std::pair<std::string, nlohmann::json>> unit_fields(
      std::string_view unit) = 0;
  // The unit's review transitions, oldest first.
  virtual std::vector<ReviewEntry> reviews(std::string_view unit) = 0;
  // Deadline overrides are set through WriteTxn::set_deadline, with their event.
  virtual std::vector<DeadlineOverride> deadlines() = 0;
  // The units added by WriteTxn::add_unit, as the "unit" events appended with them announce
  // them (sync/admin_events.hpp: unit_of_event over the pull log's "unit" events), oldest
  // first: the server's hierarchy is the units files plus these.
  virtual std::vector<Unit> added_units() = 0;
  // The latest receipt time of the device's change sets before `seq` that were received
  // before `received_before_ms`; 0 if none.
  virtual std::int64_t previous_receipt_ms(std::string_view device, std::uint64_t seq,
                                           std::int64_t received_before_ms) = 0;
};

}  // namespace tongket::server
