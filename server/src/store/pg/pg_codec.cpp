#include "store/pg/pg_codec.hpp"

#include <cstring>

#include "tongket/error.hpp"

namespace tongket::server::pg {

namespace {
std::uint64_t u64(const Result& r, int row, int col) {
  return static_cast<std::uint64_t>(r.int64(row, col));
}
}  // namespace

Device read_device(const Result& r, int row) {
  Device d;
  d.id = r.text(row, 0);
  d.unit = r.text(row, 1);
  d.role = role_or_throw(r.text(row, 2));
  d.public_key = r.bytes(row, 3);
  d.label = r.text(row, 4);
  d.enrolled_ms = r.int64(row, 5);
  d.revoked_ms = r.opt_int64(row, 6);
  d.last_counter = u64(r, row, 7);
  d.last_seq = u64(r, row, 8);
  d.last_hash = to_hash(r.bytes(row, 9), "device chain");
  return d;
}

StoredChangeSet read_change_set(const Result& r, int row) {
  StoredChangeSet cs;
  cs.device = r.text(row, 0);
  cs.seq = u64(r, row, 1);
  cs.hash = to_hash(r.bytes(row, 2), "change set");
  cs.bytes = r.bytes(row, 3);
  cs.signature = r.bytes(row, 4);
  cs.unit = r.text(row, 5);
  cs.author = r.text(row, 6);
  cs.received_ms = r.int64(row, 7);
  cs.status = r.text(row, 8);
  cs.result = parse_result(r.text(row, 9));
  return cs;
}

HistoryEntry read_history(const Result& r, int row) {
  HistoryEntry h;
  h.version = u64(r, row, 0);
  h.unit = r.text(row, 1);
  h.field = r.text(row, 2);
  h.value = parse_json(r.text(row, 3));
  h.base = u64(r, row, 4);
  h.device = r.text(row, 5);
  h.cs_seq = u64(r, row, 6);
  h.op_id = u64(r, row, 7);
  h.author = r.text(row, 8);
  h.hlc = u64(r, row, 9);
  h.received_ms = r.int64(row, 10);
  h.outcome = r.text(row, 11);
  if (auto c = r.opt_int64(row, 12)) h.conflict_id = static_cast<std::uint64_t>(*c);
  return h;
}

ConflictRecord read_conflict(const Result& r, int row) {
  ConflictRecord c;
  c.id = u64(r, row, 0);
  c.unit = r.text(row, 1);
  c.field = r.text(row, 2);
  c.current_version = u64(r, row, 3);
  c.incoming_version = u64(r, row, 4);
  c.current_value = parse_json(r.text(row, 5));
  c.incoming_value = parse_json(r.text(row, 6));
  c.current_device = r.text(row, 7);
  c.incoming_device = r.text(row, 8);
  c.current_author = r.text(row, 9);
  c.incoming_author = r.text(row, 10);
  c.current_hlc = u64(r, row, 11);
  c.incoming_hlc = u64(r, row, 12);
  c.current_ms = r.int64(row, 13);
  c.incoming_ms = r.int64(row, 14);
  if (auto v = r.opt_int64(row, 15)) c.resolved_version = static_cast<std::uint64_t>(*v);
  c.resolved_ms = r.opt_int64(row, 16);
  c.resolved_device = r.text(row, 17);
  return c;
}

sync::PullEvent read_event(const Result& r, int row) {
  sync::PullEvent e;
  e.seq = u64(r, row, 0);
  e.kind = r.text(row, 1);
  e.unit = r.text(row, 2);
  e.field = r.text(row, 3);
  e.value = parse_json(r.text(row, 4));
  e.version = u64(r, row, 5);
  e.device = r.text(row, 6);
  e.author = r.text(row, 7);
  e.hlc = u64(r, row, 8);
  if (auto x = r.opt_text(row, 9)) e.extra = parse_json(*x);
  return e;
}

UnitInfo read_unit(const Result& r, int row) {
  return UnitInfo{r.text(row, 0), r.text(row, 1), level_or_throw(r.text(row, 2)),
                  r.text(row, 3), r.text(row, 4), r.text(row, 5)};
}

}  // namespace tongket::server::pg
