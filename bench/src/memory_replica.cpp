#include "memory_replica.hpp"

#include <algorithm>

namespace tongket::bench {

namespace {
constexpr const char* kAuthor = "Bench Clerk";
}  // namespace

MemoryReplica::MemoryReplica(std::string device_id, std::string unit, sync::SigningKey key)
    : device_(std::move(device_id)), unit_(std::move(unit)), key_(std::move(key)) {}

void MemoryReplica::add_pending(std::vector<sync::Operation> ops) {
  for (auto& op : ops) {
    next_op_id_ = std::max(next_op_id_, op.id + 1);
    pending_.push_back(std::move(op));
  }
}

std::uint64_t MemoryReplica::version_of(const std::string& field) const {
  for (auto it = versions_.rbegin(); it != versions_.rend(); ++it)
    if (it->first == field) return it->second;
  return 0;
}

std::uint64_t MemoryReplica::next_counter(std::uint64_t at_least) {
  counter_ = std::max(counter_, at_least) + 1;
  return counter_;
}

void MemoryReplica::pack_pending() {
  if (pending_.empty()) return;
  std::uint64_t hlc = pending_.front().hlc;
  for (const auto& op : pending_)
    packed_[op.id] = {op.unit.empty() ? unit_ : op.unit, op.field, op.value, op.hlc, kAuthor};
  auto built =
      sync::build_change_sets(head_, device_, unit_, kAuthor, hlc, std::move(pending_), key_);
  pending_.clear();
  std::uint64_t seq = head_.last_seq - built.size();
  for (auto& scs : built) outbox_.push_back({++seq, std::move(scs), false});
}

std::vector<sync::SignedChangeSet> MemoryReplica::unacknowledged(std::size_t max_count,
                                                                 std::size_t max_bytes) {
  std::vector<sync::SignedChangeSet> out;
  std::size_t bytes = 0;
  for (const auto& o : outbox_) {
    if (o.acked) continue;
    std::size_t size = o.scs.bytes.size() + o.scs.signature.size();
    if (out.size() >= max_count || (!out.empty() && bytes + size > max_bytes)) break;
    out.push_back(o.scs);
    bytes += size;
  }
  return out;
}

void MemoryReplica::record_result(const sync::PushResult& result) {
  for (auto& o : outbox_)
    if (o.seq == result.seq) o.acked = true;
}

std::optional<std::size_t> MemoryReplica::requeue_from(std::uint64_t from_seq) {
  std::size_t n = 0;
  for (auto& o : outbox_)
    if (o.seq >= from_seq && o.acked) {
      o.acked = false;
      ++n;
    }
  return n;
}

void MemoryReplica::apply_page(const sync::PullPage& page) {
  for (const auto& ev : page.events) {
    ++events_seen_;
    if (ev.unit == unit_ && ev.kind == "value") versions_.emplace_back(ev.field, ev.version);
  }
  cursor_ = page.cursor;
  server_id_ = page.server_id;
}

std::optional<sync::OwnOperation> MemoryReplica::own_operation(std::uint64_t op_id) {
  auto it = packed_.find(op_id);
  if (it == packed_.end()) return std::nullopt;
  return it->second;
}

void MemoryReplica::reset_cursor() {
  cursor_ = {};
  server_id_.clear();
}

}  // namespace tongket::bench
