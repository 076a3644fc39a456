#include "tongket/server/pull_log.hpp"

namespace tongket::server {

PullLogWriter::PullLogWriter(WriteTxn& txn) : txn_(txn), head_(txn.log_head()) {}

void PullLogWriter::append(sync::PullEvent& event, const PackedValue* packed) {
  event.seq = head_.seq + 1;
  const Hash hash = sync::next_log_hash(head_.hash, sync::encode_event(event));
  if (packed)
    txn_.append_event(event, hash, *packed);
  else
    txn_.append_event(event, hash);
  head_ = {event.seq, hash};
}

}  // namespace tongket::server
