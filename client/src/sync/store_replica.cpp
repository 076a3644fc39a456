#include "sync/store_replica.hpp"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "review/review_log.hpp"
#include "store/server_records.hpp"
#include "store/sqlite.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/changeset.hpp"
#include "tongket/sync/conflict.hpp"
#include "tongket/sync/messages.hpp"
#include "tongket/time_text.hpp"

namespace tongket::client {

namespace {

using store::Statement;
using store::Transaction;

sync::Hash to_hash(const std::vector<std::uint8_t>& blob) {
  sync::Hash h{};
  if (blob.size() == h.size()) std::copy(blob.begin(), blob.end(), h.begin());
  return h;
}

std::string dump_or_null(const nlohmann::json& v) {
  return v.dump();
}

// Makes the field show the server's value again once nothing of ours is outstanding for it.
void settle_field(store::Database& db, const std::string& unit, const std::string& key) {
  Statement st(db,
               "UPDATE field SET value = server_value, dirty = 0 WHERE unit = ?1 AND key = ?2 "
               "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.unit = ?1 AND o.key = ?2 "
               "AND o.state IN ('pending', 'packed'))");
  st.bind(1, unit).bind(2, key).run();
}

}  // namespace

StoreReplica::StoreReplica(ClientStore& store, sync::SigningKey& key) : store_(store), key_(key) {}

std::string StoreReplica::device_id() {
  auto id = store_.meta("device_id");
  if (!id || id->empty()) {
    throw Error(Errc::unauthorized, "this store is not enrolled yet: run `tongket enroll` first");
  }
  return *id;
}

sync::Bytes StoreReplica::sign(std::span<const std::uint8_t> message) {
  return key_.sign(message);
}

std::uint64_t StoreReplica::next_counter(std::uint64_t at_least) {
  auto& db = store_.database();
  Transaction tx(db);
  Statement get(db, "SELECT request_counter FROM sync_state WHERE id = 1");
  get.step();
  std::uint64_t next = std::max(get.uint64(0), at_least) + 1;
  get.reset();
  Statement set(db, "UPDATE sync_state SET request_counter = ?1 WHERE id = 1");
  set.bind(1, next).run();
  tx.commit();
  return next;
}

void StoreReplica::pack_pending() {
  auto& db = store_.database();
  const std::string device = device_id();
  Transaction tx(db);
  Statement ops(db,
                "SELECT op_id, unit, key, value, base, hlc, author, resolves FROM outbox "
                "WHERE state = 'pending' ORDER BY op_id");
  Statement chain(db, "SELECT chain_seq, chain_hash FROM sync_state WHERE id = 1");
  chain.step();
  std::uint64_t seq = chain.uint64(0);
  sync::Hash prev = to_hash(chain.blob(1));
  chain.reset();

  Statement insert_cs(db,
                      "INSERT INTO change_set (seq, bytes, signature, hash, op_count, state, "
                      "packed_at) VALUES (?1, ?2, ?3, ?4, ?5, 'sent', ?6)");
  Statement mark(db,
                 "UPDATE outbox SET state = 'packed', change_set = ?1 "
                 "WHERE state = 'pending' AND op_id BETWEEN ?2 AND ?3");
  const std::string packed_at = utc_iso(system_time_ms());

  sync::ChangeSet cs;
  std::size_t value_bytes = 0;
  // Under the server's stated body limit too: values, keys and ~40 bytes per operation of
  // encoding, beside the signature and the change set's header.
  std::size_t value_cap = kValueBytesPerChangeSet;
  if (auto budget = body_budget())
    value_cap = std::min(value_cap, budget > 512 ? budget - 256 : 256);
  auto flush = [&] {
    if (cs.ops.empty()) return;
    cs.device = device;
    cs.unit = store_.unit();
    cs.seq = ++seq;
    cs.prev = prev;
    for (const auto& op : cs.ops) cs.hlc = std::max(cs.hlc, op.hlc);
    auto signed_cs = sync::sign_change_set(cs, key_);
    prev = signed_cs.hash();
    insert_cs.bind(1, cs.seq)
        .bind_blob(2, signed_cs.bytes)
        .bind_blob(3, signed_cs.signature)
        .bind_blob(4, prev)
        .bind(5, static_cast<std::uint64_t>(cs.ops.size()))
        .bind(6, packed_at);
    insert_cs.run();
    insert_cs.reset();
    mark.bind(1, cs.seq).bind(2, cs.ops.front().id).bind(3, cs.ops.back().id).run();
    mark.reset();
    cs = sync::ChangeSet{};
    value_bytes = 0;
  };

  while (ops.step()) {
    sync::Operation op;
    op.id = ops.uint64(0);
    const std::string unit = ops.text(1);
    op.unit = unit == store_.unit() ? std::string{} : unit;
    op.field = ops.text(2);
    op.value = ops.is_null(3) ? nlohmann::json(nullptr) : nlohmann::json::parse(ops.text(3));
    op.base = ops.uint64(4);
    op.hlc = ops.uint64(5);
    const std::string author = ops.text(6);
    if (!ops.is_null(7)) op.resolves = ops.uint64(7);
    const std::size_t size = ops.is_null(3) ? 4 : ops.text(3).size();
    // One author per change set; bounded size so it stays far below the decoder's limit.
    if (!cs.ops.empty() && (author != cs.author || cs.ops.size() >= kOpsPerChangeSet ||
                            value_bytes + size > value_cap)) {
      flush();
    }
    cs.author = author;
    value_bytes += size + op.field.size() + 40;
    cs.ops.push_back(std::move(op));
  }
  flush();
  Statement save(db, "UPDATE sync_state SET chain_seq = ?1, chain_hash = ?2 WHERE id = 1");
  save.bind(1, seq).bind_blob(2, prev).run();
  tx.commit();
}

std::vector<sync::SignedChangeSet> StoreReplica::unacknowledged(std::size_t max_count,
                                                                std::size_t max_bytes) {
  auto& db = store_.database();
  Statement st(db, "SELECT bytes, signature FROM change_set WHERE state = 'sent' ORDER BY seq");
  std::vector<sync::SignedChangeSet> out;
  std::size_t bytes = 0;
  while (out.size() < max_count && st.step()) {
    sync::SignedChangeSet scs{st.blob(0), st.blob(1)};
    const std::size_t size = scs.bytes.size() + scs.signature.size();
    if (!out.empty() && bytes + size > max_bytes) break;
    bytes += size;
    out.push_back(std::move(scs));
  }
  return out;
}

void StoreReplica::record_result(const sync::PushResult& result) {
  auto& db = store_.database();
  const bool refused = result.status == sync::PushStatus::refused;
  Transaction tx(db);
  Statement cs(db, "UPDATE change_set SET state = ?2, result = ?3, result_at = ?4 WHERE seq = ?1");
  cs.bind(1, result.seq)
      .bind(2, refused ? "refused" : "acked")
      .bind(3, sync::to_json(result).dump())
      .bind(4, utc_iso(system_time_ms()))
      .run();
  // Every operation of the change set as the server judged it: refused ones with their own
  // reason (a server before 1.2 refused all of them with the change set's reason).
  Statement ops(db,
                "UPDATE outbox SET state = ?2, refusal = ?3 WHERE change_set = ?1 "
                "AND state = 'packed'");
  ops.bind(1, result.seq).bind(2, refused ? "refused" : "acked");
  if (refused) {
    ops.bind(3, result.reason);
  } else {
    ops.bind_null(3);
  }
  ops.run();
  Statement one(db,
                "UPDATE outbox SET state = 'refused', refusal = ?3 WHERE change_set = ?1 "
                "AND op_id = ?2");
  for (const auto& r : result.refused_ops) {
    one.bind(1, result.seq).bind(2, r.op).bind(3, r.reason).run();
    one.reset();
  }
  // A refused edit never reaches the server: the field shows the server's value again, and
  // the edit stays in the outbox as refused, with its reason and value (refused_op, `tongket
  // status`), until it is sent again (ClientStore::retry_refused) or typed over.
  if (refused || !result.refused_ops.empty()) {
    Statement fields(db,
                     "SELECT DISTINCT unit, key FROM outbox WHERE change_set = ?1 "
                     "AND state = 'refused'");
    fields.bind(1, result.seq);
    std::vector<std::pair<std::string, std::string>> touched;
    while (fields.step()) touched.emplace_back(fields.text(0), fields.text(1));
    for (const auto& [unit, key] : touched) settle_field(db, unit, key);
  }
  tx.commit();
}

std::optional<std::size_t> StoreReplica::requeue_from(std::uint64_t from_seq) {
  auto& db = store_.database();
  Transaction tx(db);
  Statement has(db, "SELECT 1 FROM change_set WHERE seq = ?1");
  has.bind(1, from_seq);
  if (!has.step()) return std::nullopt;
  has.reset();
  // Only this device's chain: a re-enrolled store keeps its old device's change sets as
  // history past chain_seq (ClientStore::record_enrollment).
  Statement cs(db,
               "UPDATE change_set SET state = 'sent', result = NULL, result_at = NULL "
               "WHERE seq >= ?1 AND seq <= (SELECT chain_seq FROM sync_state WHERE id = 1)");
  cs.bind(1, from_seq).run();
  const auto count = static_cast<std::size_t>(sqlite3_changes(db.handle()));
  Statement ops(db,
                "UPDATE outbox SET state = 'packed', refusal = NULL WHERE change_set >= ?1 AND "
                "change_set <= (SELECT chain_seq FROM sync_state WHERE id = 1)");
  ops.bind(1, from_seq).run();
  tx.commit();
  return count;
}

void StoreReplica::repack_from(std::uint64_t from_seq) {
  auto& db = store_.database();
  {
    Transaction tx(db);
    Statement prev(db, "SELECT hash FROM change_set WHERE seq = ?1");
    prev.bind(1, from_seq - 1);
    const sync::Hash head = from_seq > 1 && prev.step() ? to_hash(prev.blob(0)) : sync::Hash{};
    prev.reset();
    Statement unpack(db,
                     "UPDATE outbox SET state = 'pending', change_set = NULL WHERE change_set IN "
                     "(SELECT seq FROM change_set WHERE state = 'sent' AND seq >= ?1)");
    unpack.bind(1, from_seq).run();
    Statement drop(db, "DELETE FROM change_set WHERE state = 'sent' AND seq >= ?1");
    drop.bind(1, from_seq).run();
    Statement save(db, "UPDATE sync_state SET chain_seq = ?1, chain_hash = ?2 WHERE id = 1");
    save.bind(1, from_seq - 1).bind_blob(2, head).run();
    tx.commit();
  }
  // A crash in between leaves the operations pending: the next sync packs them.
  pack_pending();
}

std::size_t StoreReplica::repair_unacknowledged() {
  auto& db = store_.database();
  Statement st(db,
               "SELECT seq, bytes, signature, hash FROM change_set WHERE state = 'sent' "
               "AND seq <= (SELECT chain_seq FROM sync_state WHERE id = 1) ORDER BY seq");
  std::optional<std::uint64_t> damaged;
  std::size_t count = 0;
  while (st.step()) {
    sync::SignedChangeSet scs{st.blob(1), st.blob(2)};
    bool sound = scs.signature.size() == 64 && to_hash(st.blob(3)) == scs.hash() &&
                 sync::verify_change_set(scs, key_.public_key());
    if (sound) {
      try {
        sound = sync::decode(scs.bytes).seq == st.uint64(0);
      } catch (const Error&) {
        sound = false;
      }
    }
    if (!sound && !damaged) damaged = st.uint64(0);
    if (damaged) ++count;
  }
  st.reset();
  // Never sent as they are now: the chain from the first damaged one is rebuilt (the server
  // refused or never saw them; it answers `duplicate` only for the bytes it holds).
  if (damaged) repack_from(*damaged);
  return count;
}

std::size_t StoreReplica::body_budget() {
  auto v = store_.meta("server_body_budget");
  return v ? static_cast<std::size_t>(std::stoull(*v)) : 0;
}

void StoreReplica::set_body_budget(std::size_t bytes, std::uint64_t from_seq) {
  store_.set_meta("server_body_budget", std::to_string(bytes));
  auto& db = store_.database();
  Statement big(db,
                "SELECT min(seq) FROM change_set WHERE state = 'sent' AND seq >= ?1 AND "
                "length(bytes) + length(signature) > ?2 AND "
                "seq <= (SELECT chain_seq FROM sync_state WHERE id = 1)");
  big.bind(1, from_seq).bind(2, static_cast<std::uint64_t>(bytes));
  if (big.step() && !big.is_null(0)) {
    const auto seq = big.uint64(0);
    big.reset();
    repack_from(seq);
  }
}

std::string StoreReplica::server_id() {
  Statement st(store_.database(), "SELECT server_id FROM sync_state WHERE id = 1");
  st.step();
  return st.text(0);
}

sync::Cursor StoreReplica::cursor() {
  Statement st(store_.database(), "SELECT cursor_seq, cursor_hash FROM sync_state WHERE id = 1");
  st.step();
  return sync::Cursor{st.uint64(0), to_hash(st.blob(1))};
}

void StoreReplica::apply_page(const sync::PullPage& page) {
  auto& db = store_.database();
  Transaction tx(db);
  Statement upsert(db,
                   "INSERT INTO field (unit, key, value, version, server_value, dirty, hlc, "
                   "author) VALUES (?1, ?2, ?3, ?4, ?3, 0, ?5, ?6) "
                   "ON CONFLICT (unit, key) DO UPDATE SET version = excluded.version, "
                   "server_value = excluded.server_value, hlc = excluded.hlc, "
                   "author = excluded.author WHERE excluded.version >= field.version");
  Statement conflict(db,
                     "INSERT INTO conflict (id, unit, key, current_value, other_value, "
                     "current_author, other_author, current_device, other_device, current_hlc, "
                     "other_hlc, current_time, other_time, state) VALUES (?1, ?2, ?3, ?4, ?5, "
                     "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'open') ON CONFLICT (id) DO UPDATE SET "
                     "current_value = excluded.current_value, other_value = "
                     "excluded.other_value");
  Statement resolved(db, "UPDATE conflict SET state = 'resolved' WHERE id = ?1");
  std::set<std::pair<std::string, std::string>> touched;
  std::uint64_t max_hlc = 0;
  for (const auto& e : page.events) {
    max_hlc = std::max(max_hlc, e.hlc);
    if (e.kind == "value") {
      upsert.bind(1, e.unit)
          .bind(2, e.field)
          .bind(3, dump_or_null(e.value))
          .bind(4, e.version)
          .bind(5, e.hlc)
          .bind(6, e.author);
      upsert.run();
      upsert.reset();
      touched.emplace(e.unit, e.field);
    } else if (e.kind == "conflict") {
      touched.emplace(e.unit, e.field);
      // The server's details (sync::ConflictDetails); an event without them keeps what it has.
      sync::ConflictDetails d;
      d.id = e.seq;
      if (auto details = sync::conflict_details(e.extra)) d = *details;
      auto time = [](std::int64_t ms) -> std::optional<std::string> {
        if (ms <= 0) return std::nullopt;
        return utc_iso(static_cast<std::uint64_t>(ms));
      };
      conflict.bind(1, d.id)
          .bind(2, e.unit)
          .bind(3, e.field)
          .bind(4, d.current_value.dump())
          .bind(5, dump_or_null(e.value))
          .bind(6, std::optional<std::string>(d.current_author))
          .bind(7, std::optional<std::string>(e.author))
          .bind(8, std::optional<std::string>(d.current_device))
          .bind(9, std::optional<std::string>(e.device))
          .bind(10, d.current_hlc)
          .bind(11, e.hlc)
          .bind(12, time(d.current_ms))
          .bind(13, time(d.incoming_ms));
      conflict.run();
      conflict.reset();
    } else if (e.kind == "resolved") {
      if (e.extra.is_object() && e.extra.contains("conflict") &&
          e.extra["conflict"].is_number_unsigned()) {
        resolved.bind(1, e.extra["conflict"].get<std::uint64_t>()).run();
        resolved.reset();
      }
    }
    // A workflow transition (a "review" event, or a "value" of w:report from a server that
    // predates the workflow) also goes into the review log. Unknown kinds are skipped: a
    // newer server may send more.
    if (is_review_event(e)) apply_review_event(db, e);
    // An administrator's unit or deadline (protocol 1.3; a client before it skips them).
    apply_admin_event(db, store_.unit(), e);
  }
  for (const auto& [unit, key] : touched) settle_field(db, unit, key);
  Statement save(db,
                 "UPDATE sync_state SET server_id = ?1, cursor_seq = ?2, cursor_hash = ?3, "
                 "hlc = max(hlc, ?4) WHERE id = 1");
  save.bind(1, page.server_id)
      .bind(2, page.cursor.seq)
      .bind_blob(3, page.cursor.hash)
      .bind(4, max_hlc)
      .run();
  tx.commit();
}

std::optional<sync::OwnOperation> StoreReplica::own_operation(std::uint64_t op_id) {
  Statement st(store_.database(),
               "SELECT unit, key, value, hlc, author FROM outbox WHERE op_id = ?1");
  st.bind(1, op_id);
  if (!st.step()) return std::nullopt;
  sync::OwnOperation op;
  op.unit = st.text(0);
  op.field = st.text(1);
  op.value = st.is_null(2) ? nlohmann::json(nullptr) : nlohmann::json::parse(st.text(2));
  op.hlc = st.uint64(3);
  op.author = st.text(4);
  return op;
}

void StoreReplica::reset_cursor() {
  Statement st(store_.database(),
               "UPDATE sync_state SET server_id = '', cursor_seq = 0, "
               "cursor_hash = zeroblob(32) WHERE id = 1");
  st.run();
}

}  // namespace tongket::client
