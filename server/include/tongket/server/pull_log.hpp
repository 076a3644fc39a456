// The pull log's hash chain, owned by the protocol layer: every event's running hash is
// sync::next_log_hash(previous hash, encode_event(event)), computed here and stored by the
// backend as given (store.hpp). Clients verify the same chain (docs/protocol.md, "Cursor").
#pragma once

#include <cstdint>

#include "tongket/server/store.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::server {

// Appends events to the pull log inside one Store::write. Reads the head once; owned by the
// write's fn and used only while its WriteTxn lives.
class PullLogWriter {
 public:
  explicit PullLogWriter(WriteTxn& txn);
  // The seq the next appended event gets: the version of the next write.
  std::uint64_t next_seq() const { return head_.seq + 1; }
  sync::Cursor head() const { return head_; }
  // Gives the event the next seq, chains its hash and appends it. `packed`, when given, is
  // pack_value(event.value) worked out beforehand (prepare()); else it is packed here.
  void append(sync::PullEvent& event, const PackedValue* packed = nullptr);

 private:
  WriteTxn& txn_;
  sync::Cursor head_;
};

}  // namespace tongket::server
