// The client's local store: one SQLite file per installation holding the unit's report
// fields, the outbox of local edits waiting to be sent, and the sync state. Readable with the
// sqlite3 tool (values are JSON text). The store checks nothing about the values: callers
// validate (tongket::check_field) first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/field.hpp"

namespace tongket {

namespace store {
class Database;
}
namespace client {
class StoreReplica;
struct StoreAccess;
}  // namespace client

// "TKCL" in PRAGMA application_id marks a tongket client store.
inline constexpr std::int32_t kClientStoreApplicationId = 0x544B434C;
// The schema version this build writes (PRAGMA user_version).
int client_store_schema_version();

struct StoredField {
  std::string unit;
  FieldKey key;
  nlohmann::json value;       // null when cleared
  std::uint64_t version = 0;  // server version the value is based on; 0 = never synced
  bool dirty = false;         // has local edits not yet acknowledged by the server
  std::uint64_t hlc = 0;      // clock of the last write
  std::string author;         // of the last write
};

struct FieldWrite {
  std::string unit;
  FieldKey key;
  nlohmann::json value;  // null clears
};

enum class OpState { pending, packed, acked, refused };
std::string_view op_state_name(OpState state);

struct OutboxOp {
  std::uint64_t id = 0;  // the protocol's operation id
  std::string unit;
  FieldKey key;
  nlohmann::json value;    // null clears
  std::uint64_t base = 0;  // server version the edit was based on
  std::uint64_t hlc = 0;
  std::string author;
  std::string local_time;  // ISO 8601 UTC, for display
  OpState state = OpState::pending;
  std::optional<std::uint64_t> change_set;  // seq it was packed into
  std::string refusal;                      // why the server refused it
};

// When open() runs SQLite's `PRAGMA quick_check` (about 2.5 ms per MB of store): it reads
// every page, so it runs when it matters, not on every command.
enum class StoreCheck {
  when_due,  // after an unclean shutdown (a WAL file with frames was left beside the store:
             // a connection that wrote did not close; also while another process that wrote
             // has the store open, but not when this process has), or when the last check is
             // older than kStoreCheckDays (or was never recorded)
  always,    // on demand (`tongket check`)
};
inline constexpr int kStoreCheckDays = 7;

class ClientStore {
 public:
  // Makes a new store at `file`. Refuses (Error io_error) if anything exists there.
  static ClientStore create(const std::filesystem::path& file, const std::string& unit,
                            const std::string& template_id, int template_version);
  // Opens an existing store, migrating an older schema. Refuses a file that is not a tongket
  // client store (store_foreign), is damaged (store_corrupt) or is from a newer tongket
  // (store_newer), without changing it. The damage check runs as `check` says; when it ran
  // and passed, meta "check_at" (ms since 1970), "check_reason" ("unclean", "due",
  // "requested") and "check_count" record it (a damaged store is refused before any write).
  static ClientStore open(const std::filesystem::path& file,
                          StoreCheck check = StoreCheck::when_due);

  ClientStore(ClientStore&&) noexcept;
  ClientStore& operator=(ClientStore&&) noexcept;
  ~ClientStore();

  const std::filesystem::path& file() const;
  const std::string& unit() const;  // the unit this installation reports for

  // Key/value settings: "unit", "template_id", "template_version", "device_id",
  // "server_url", "author", "created_at", ...
  std::optional<std::string> meta(std::string_view key) const;
  void set_meta(std::string_view key, std::string_view value);

  // Writes the field and appends its outbox operation (base = the field's current server
  // version) in ONE transaction. Returns the operation id.
  // `resolves`: the conflict this write settles (its id on the server).
  std::uint64_t set_field(const std::string& unit, const FieldKey& key, const nlohmann::json& value,
                          const std::string& author, std::uint64_t hlc,
                          std::optional<std::uint64_t> resolves = std::nullopt);
  // Many writes in one transaction (all or nothing), each with its own outbox operation and
  // a fresh HLC taken from the store's clock in the same transaction.
  std::vector<std::uint64_t> set_fields(const std::vector<FieldWrite>& writes,
                                        const std::string& author, std::uint64_t physical_ms);

  // The current value; nullopt when never set or cleared.
  std::optional<nlohmann::json> get_field(const std::string& unit, const FieldKey& key) const;
  std::optional<StoredField> field(const std::string& unit, const FieldKey& key) const;
  // A unit's fields of one kind whose item starts with `item_prefix` ("PL3." for appendix 3),
  // ordered by key. Cleared fields are included (value null).
  std::vector<StoredField> fields(const std::string& unit, FieldKind kind,
                                  std::string_view item_prefix = {}) const;

  // Outbox, oldest first.
  std::vector<OutboxOp> pending_ops(std::size_t limit = SIZE_MAX) const;
  std::size_t outbox_count(std::optional<OpState> state = std::nullopt) const;
  // Edits the server refused that are still outstanding (not sent again, not typed over),
  // oldest first, each with its own reason in `refusal`.
  std::vector<OutboxOp> refused_ops() const;
  // Sends those edits again (once the reason is gone, e.g. the report was returned): each
  // becomes a new outbox operation on the field's current server version, in one transaction.
  // Review transitions (w:report) are not repeated: they must be made again. Returns how many.
  std::size_t retry_refused(std::uint64_t physical_ms);

  // Records an enrollment (meta device_id, role, server_url, ca_file) in one transaction. When
  // the store was enrolled before (a revoked laptop enrolling again), the new device starts a
  // new chain: change sets the server never acknowledged are unpacked (their operations are
  // pending again, to be signed with the new key and chain at the next sync), acknowledged and
  // refused ones are kept as history with their seqs moved past the new chain's, and the chain
  // head and request counter start again from 0. No edit is lost. Returns the operations
  // unpacked.
  std::size_t record_enrollment(const std::string& device_id, const std::string& role,
                                const std::string& server_url, const std::string& ca_file);

  // The next hybrid-logical-clock value, persisted before it is returned.
  std::uint64_t next_hlc(std::uint64_t physical_ms);
  // Moves the persisted clock past a value seen from the server.
  void observe_hlc(std::uint64_t remote);

 private:
  // The connection, for the client's own modules only: the sync replica and, through
  // client/src/store/store_access.hpp, the review log and the client core. No adapter (CLI,
  // web app) reaches SQLite: they go through client::Workspace.
  friend class client::StoreReplica;
  friend struct client::StoreAccess;
  store::Database& database();

  struct Impl;
  explicit ClientStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Milliseconds since 1970 from the system clock (the physical time for next_hlc).
std::uint64_t system_time_ms();

}  // namespace tongket
