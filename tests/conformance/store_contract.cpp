#include "store_contract.hpp"

#include "tongket/sync/bytes.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::test::conformance {

StoreBackend backend_under_test() {
  return std::string(TONGKET_CONFORMANCE_BACKEND) == "postgresql" ? StoreBackend::postgresql
                                                                  : StoreBackend::sqlite;
}

std::string enroll_device(server::Store& store, const std::string& unit, std::int64_t now_ms) {
  server::EnrollToken t;
  std::string token = sync::random_id();
  t.token_hash = sync::sha256(sync::as_bytes(token));
  t.unit = unit;
  t.created_ms = now_ms;
  t.expires_ms = now_ms + 3'600'000;
  store.add_token(t);
  server::Device d;
  d.id = sync::random_id();
  d.public_key = sync::Bytes(32, 7);
  d.label = "conformance";
  if (store.enroll(t.token_hash, d, now_ms) != server::EnrollOutcome::enrolled)
    throw std::runtime_error("enroll_device: not enrolled");
  return d.id;
}

ChainedEvent next_event(const sync::Cursor& head, const std::string& unit, const std::string& field,
                        const nlohmann::json& value, const std::string& device) {
  ChainedEvent c;
  c.event.kind = "value";
  c.event.seq = head.seq + 1;
  c.event.unit = unit;
  c.event.field = field;
  c.event.value = value;
  c.event.version = c.event.seq;
  c.event.device = device;
  c.event.author = "Người thử";
  c.event.hlc = (std::uint64_t{1'700'000'000'000} << 16) + c.event.seq;
  c.hash = sync::next_log_hash(head.hash, sync::encode_event(c.event));
  return c;
}

std::uint64_t append_value(server::WriteTxn& txn, const std::string& unit, const std::string& field,
                           const nlohmann::json& value, const std::string& device,
                           std::uint64_t cs_seq) {
  auto c = next_event(txn.log_head(), unit, field, value, device);
  txn.append_event(c.event, c.hash);
  if (cs_seq == 0) return c.event.seq;
  server::HistoryEntry h;
  h.version = c.event.seq;
  h.unit = unit;
  h.field = field;
  h.value = value;
  h.device = device;
  h.cs_seq = cs_seq;
  h.op_id = c.event.seq;
  h.author = c.event.author;
  h.hlc = c.event.hlc;
  h.received_ms = 1'700'000'000'000;
  h.outcome = "applied";
  txn.record_write(h, true);
  return c.event.seq;
}

server::StoredChangeSet change_set_record(const std::string& device, const std::string& unit,
                                          std::uint64_t seq) {
  server::StoredChangeSet cs;
  cs.device = device;
  cs.seq = seq;
  const std::string text = "change set " + std::to_string(seq);
  const auto bytes = sync::as_bytes(text);
  cs.bytes.assign(bytes.begin(), bytes.end());
  cs.hash = sync::sha256(cs.bytes);
  cs.signature = sync::Bytes(64, 1);
  cs.unit = unit;
  cs.author = "Người thử";
  cs.received_ms = 1'700'000'000'000 + static_cast<std::int64_t>(seq);
  cs.status = "applied";
  cs.result.seq = seq;
  return cs;
}

std::vector<std::string> chain_problems(server::Store& store) {
  std::vector<std::string> problems;
  sync::Cursor at;
  for (;;) {
    auto page = store.events_after(server::Scope{server::Scope::Kind::all, "all"}, at.seq, 500);
    for (const auto& e : page.events) {
      if (e.seq != at.seq + 1)
        problems.push_back("gap: " + std::to_string(at.seq) + " then " + std::to_string(e.seq));
      at.hash = sync::next_log_hash(at.hash, sync::encode_event(e));
      at.seq = e.seq;
      auto stored = store.log_hash_at(e.seq);
      if (!stored || *stored != at.hash)
        problems.push_back("hash of seq " + std::to_string(e.seq) + " does not chain");
    }
    if (!page.more) break;
  }
  if (store.log_head() != at) problems.push_back("the head is not the last event read");
  return problems;
}

}  // namespace tongket::test::conformance
