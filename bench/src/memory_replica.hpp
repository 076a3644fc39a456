// A client replica held in memory (sync::Replica): the bench's many simulated devices need
// the real ClientSession and wire format, not thousands of SQLite files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tongket/sync/chain.hpp"
#include "tongket/sync/client_session.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::bench {

class MemoryReplica final : public sync::Replica {
 public:
  MemoryReplica(std::string device_id, std::string unit, sync::SigningKey key);

  // Queues operations for the next pack (ids must continue the previous ones).
  void add_pending(std::vector<sync::Operation> ops);
  std::uint64_t next_op_id() const { return next_op_id_; }
  // The version of a field as last pulled (0 if never seen), for edits' base.
  std::uint64_t version_of(const std::string& field) const;
  std::size_t events_seen() const { return events_seen_; }

  std::string device_id() override { return device_; }
  sync::Bytes sign(std::span<const std::uint8_t> message) override { return key_.sign(message); }
  std::uint64_t next_counter(std::uint64_t at_least) override;
  void pack_pending() override;
  std::vector<sync::SignedChangeSet> unacknowledged(std::size_t max_count,
                                                    std::size_t max_bytes) override;
  void record_result(const sync::PushResult& result) override;
  std::optional<std::size_t> requeue_from(std::uint64_t from_seq) override;
  std::string server_id() override { return server_id_; }
  sync::Cursor cursor() override { return cursor_; }
  void apply_page(const sync::PullPage& page) override;
  bool keeps_operations() override { return true; }
  std::optional<sync::OwnOperation> own_operation(std::uint64_t op_id) override;
  void reset_cursor() override;

 private:
  struct Outgoing {
    std::uint64_t seq = 0;
    sync::SignedChangeSet scs;
    bool acked = false;
  };
  std::string device_;
  std::string unit_;
  sync::SigningKey key_;
  std::uint64_t counter_ = 0;
  std::uint64_t next_op_id_ = 1;
  std::vector<sync::Operation> pending_;
  std::map<std::uint64_t, sync::OwnOperation> packed_;  // every operation packed, by id
  sync::ChainState head_;
  std::vector<Outgoing> outbox_;
  std::string server_id_;
  sync::Cursor cursor_;
  std::vector<std::pair<std::string, std::uint64_t>> versions_;  // field -> version (own unit)
  std::size_t events_seen_ = 0;
};

}  // namespace tongket::bench
