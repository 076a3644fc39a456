// The client store as the sync session sees it (sync::Replica): packs the outbox into signed,
// chained change sets, records the server's results, applies pulled pages with the cursor in
// the same transaction.
#pragma once

#include <optional>

#include "tongket/client_store.hpp"
#include "tongket/sync/client_session.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::client {

class StoreReplica final : public sync::Replica {
 public:
  StoreReplica(ClientStore& store, sync::SigningKey& key);

  std::string device_id() override;
  sync::Bytes sign(std::span<const std::uint8_t> message) override;
  std::uint64_t next_counter(std::uint64_t at_least) override;
  void pack_pending() override;
  std::vector<sync::SignedChangeSet> unacknowledged(std::size_t max_count,
                                                    std::size_t max_bytes) override;
  void record_result(const sync::PushResult& result) override;
  std::optional<std::size_t> requeue_from(std::uint64_t from_seq) override;
  std::string server_id() override;
  sync::Cursor cursor() override;
  void apply_page(const sync::PullPage& page) override;
  // The outbox keeps every operation (AUTOINCREMENT ids, rows never deleted).
  bool keeps_operations() override { return true; }
  std::optional<sync::OwnOperation> own_operation(std::uint64_t op_id) override;
  void reset_cursor() override;
  std::size_t repair_unacknowledged() override;
  std::size_t body_budget() override;
  void set_body_budget(std::size_t bytes, std::uint64_t from_seq) override;

 private:
  // Unpacks the unacknowledged change sets from `from_seq` on (their operations pending again,
  // the chain head back to from_seq - 1) and packs again, in one transaction.
  void repack_from(std::uint64_t from_seq);
  ClientStore& store_;
  sync::SigningKey& key_;
};

// How many operations and how many bytes of values go into one change set at most, so that a
// change set stays well under sync::kMaxChangeSetBytes and a lost one costs little to resend.
inline constexpr std::size_t kOpsPerChangeSet = 2000;
inline constexpr std::size_t kValueBytesPerChangeSet = 128 * 1024;

}  // namespace tongket::client
