// The PostgreSQL Store and its WriteTxn (postgresql_store.hpp has the contract).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "store/pg/pg_conn.hpp"
#include "tongket/server/store.hpp"

namespace tongket::server::pg {

class PgStore;

class PgTxn final : public WriteTxn {
 public:
  explicit PgTxn(Conn& conn) : conn_(conn) {}
  std::optional<Device> device(std::string_view id) override;
  std::optional<FieldState> field(std::string_view unit, std::string_view field) override;
  // One statement for all the fields; field() then answers from what it read until a write.
  void prefetch_fields(std::string_view unit, const std::vector<std::string>& fields) override;
  std::vector<std::pair<std::string, nlohmann::json>> unit_fields(std::string_view unit) override;
  std::vector<HistoryEntry> current_writes_after(std::string_view unit, std::string_view field,
                                                 std::uint64_t after) override;
  nlohmann::json value_at(std::string_view unit, std::string_view field,
                          std::uint64_t version) override;
  std::optional<ConflictRecord> conflict(std::uint64_t id) override;
  sync::Cursor log_head() override;
  using WriteTxn::append_event;
  // Stores value.json: PostgreSQL compresses long texts itself (TOAST).
  void append_event(const sync::PullEvent& event, const Hash& log_hash,
                    const PackedValue& value) override;
  Store::CounterCheck advance_counter(std::string_view device, std::uint64_t counter) override;
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
  // True when field() found (unit, field) without a current value in this transaction and
  // nothing was written to it since: then it has no history either (every applied, merged or
  // resolving write also becomes current), so the history reads need no round trip.
  bool known_unwritten(std::string_view unit, std::string_view field) const {
    if (unwritten_ && unwritten_->first == unit && unwritten_->second == field) return true;
    auto it = prefetched_.find(std::pair(std::string(unit), std::string(field)));
    return it != prefetched_.end() && !it->second;
  }

  Conn& conn_;
  std::optional<sync::Cursor> head_;  // read once under the write lock, then kept up here
  std::optional<std::pair<std::string, std::string>> unwritten_;
  // prefetch_fields' answers, each dropped when its field is written in this transaction.
  std::map<std::pair<std::string, std::string>, std::optional<FieldState>> prefetched_;
};

// Shared by the Store and its WriteTxn: one statement each, on the given connection.
std::optional<Device> query_device(Conn& conn, std::string_view id);
sync::Cursor query_log_head(Conn& conn);
std::vector<std::pair<std::string, nlohmann::json>> query_unit_fields(Conn& conn,
                                                                      std::string_view unit);
Store::CounterCheck update_counter(Conn& conn, std::string_view device, std::uint64_t counter);
std::optional<UnitInfo> query_unit(Conn& conn, std::string_view code);

}  // namespace tongket::server::pg
