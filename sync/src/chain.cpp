#include "tongket/sync/chain.hpp"

#include "tongket/error.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::sync {

const char* chain_verdict_name(ChainVerdict v) {
  switch (v) {
    case ChainVerdict::next:
      return "next";
    case ChainVerdict::duplicate:
      return "duplicate";
    case ChainVerdict::fork:
      return "fork";
    case ChainVerdict::gap:
      return "gap";
  }
  return "fork";
}

ChainVerdict check_chain(const ChainState& state, const ChangeSet& cs, const Hash& received_hash,
                         const std::optional<Hash>& stored_hash_at_seq) {
  if (cs.seq <= state.last_seq)
    return stored_hash_at_seq && *stored_hash_at_seq == received_hash ? ChainVerdict::duplicate
                                                                      : ChainVerdict::fork;
  if (cs.seq > state.last_seq + 1) return ChainVerdict::gap;
  return cs.prev == state.last_hash ? ChainVerdict::next : ChainVerdict::fork;
}

namespace {

// Upper bound of one operation's share of the encoding: its own map plus the worst case of
// the id and clock deltas (9 bytes each) that depend on its neighbours.
std::size_t op_size_bound(const Operation& op) {
  nlohmann::json m = {{"u", op.unit}, {"f", op.field}, {"v", op.value},
                      {"b", op.base}, {"i", op.id},    {"t", op.hlc}};
  if (op.resolves) m["r"] = *op.resolves;
  return nlohmann::json::to_cbor(m).size() + 8;
}

// Envelope: magic, version, map header, the six scalar keys (ids up to 64, author up to 200
// bytes, 32-byte hash, two 9-byte integers), the "o" key and an array header.
std::size_t envelope_bound(const std::string& device, const std::string& unit,
                           const std::string& author) {
  return 5 + 1 + 7 * 2 + (device.size() + 2) + (unit.size() + 2) + (author.size() + 3) + 34 +
         9 * 2 + 9 + 16;
}

}  // namespace

std::vector<SignedChangeSet> build_change_sets(ChainState& head, const std::string& device,
                                               const std::string& unit, const std::string& author,
                                               std::uint64_t hlc, std::vector<Operation> ops,
                                               const SigningKey& key, std::size_t max_bytes) {
  if (max_bytes > kMaxChangeSetBytes) max_bytes = kMaxChangeSetBytes;
  const std::size_t envelope = envelope_bound(device, unit, author);
  std::vector<SignedChangeSet> out;
  ChainState next = head;
  std::size_t i = 0;
  while (i < ops.size()) {
    ChangeSet cs;
    cs.device = device;
    cs.unit = unit;
    cs.seq = next.last_seq + 1;
    cs.prev = next.last_hash;
    cs.hlc = hlc;
    cs.author = author;
    std::size_t size = envelope;
    while (i < ops.size() && cs.ops.size() < kMaxOpsPerChangeSet) {
      std::size_t s = op_size_bound(ops[i]);
      if (size + s > max_bytes && !cs.ops.empty()) break;
      if (size + s > max_bytes)
        throw Error(Errc::too_large, "the value of " + ops[i].field + " is too large to sync (" +
                                         std::to_string(s) + " bytes; a change set holds at most " +
                                         std::to_string(max_bytes) + ")");
      size += s;
      cs.ops.push_back(std::move(ops[i]));
      ++i;
    }
    SignedChangeSet scs = sign_change_set(cs, key);
    next = {cs.seq, scs.hash()};
    out.push_back(std::move(scs));
  }
  head = next;  // only once every change set was built and signed
  return out;
}

}  // namespace tongket::sync
