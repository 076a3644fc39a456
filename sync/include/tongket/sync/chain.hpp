// The per-device hash chain of change sets: building the next link, and checking a received one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tongket/sync/changeset.hpp"

namespace tongket::sync {

// The last change set accepted from (server) or made by (client) a device; {0, zeros} at start.
struct ChainState {
  std::uint64_t last_seq = 0;
  Hash last_hash{};
  bool operator==(const ChainState&) const = default;
};

enum class ChainVerdict {
  next,       // seq = last + 1 and prev = last hash: accept
  duplicate,  // seq <= last with the hash stored for that seq: return the stored result
  fork,       // seq <= last with another hash, or prev != last hash
  gap,        // seq > last + 1: the server wants last + 1 first
};

const char* chain_verdict_name(ChainVerdict v);

// stored_hash_at_seq: the hash the server stored for cs.seq, when cs.seq <= state.last_seq.
ChainVerdict check_chain(const ChainState& state, const ChangeSet& cs, const Hash& received_hash,
                         const std::optional<Hash>& stored_hash_at_seq);

// Packs ops (in order) into as many chained, signed change sets as needed, each within
// kMaxOpsPerChangeSet and max_bytes (<= kMaxChangeSetBytes). `head` is the device's chain head
// and is advanced past the new change sets. Throws Error(too_large) for an op that cannot fit
// alone.
std::vector<SignedChangeSet> build_change_sets(ChainState& head, const std::string& device,
                                               const std::string& unit, const std::string& author,
                                               std::uint64_t hlc, std::vector<Operation> ops,
                                               const SigningKey& key,
                                               std::size_t max_bytes = kMaxChangeSetBytes);

}  // namespace tongket::sync
