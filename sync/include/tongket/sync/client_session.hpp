// The client's push/pull logic as a state machine over two injected interfaces: the network
// (Transport) and the local store (Replica). No sleeping, no clocks: the caller retries a
// thrown retryable Error after backoff_delay().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tongket/sync/bytes.hpp"
#include "tongket/sync/changeset.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::sync {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in any case
  Bytes body;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // POST to the server. No link, timeout, reset: throw Error(network).
  virtual HttpReply post(const std::string& path, const std::map<std::string, std::string>& headers,
                         const Bytes& body) = 0;
  // GET from the server (GET /v1/status). A transport that cannot: Error(protocol).
  virtual HttpReply get(const std::string& path, const std::map<std::string, std::string>& headers);
};

// One of this device's operations as its outbox keeps it: what the session needs to rebuild the
// device's own value event that a push reply lists instead of sending (protocol 1.4).
struct OwnOperation {
  std::string unit;  // the unit it wrote (the full code, also for the device's own unit)
  std::string field;
  nlohmann::json value;
  std::uint64_t hlc = 0;
  std::string author;
};

// The local store as the session needs it. Every mutating call must be durable on return.
class Replica {
 public:
  virtual ~Replica() = default;
  virtual std::string device_id() = 0;
  // Ed25519 signature by the device key (request signatures).
  virtual Bytes sign(std::span<const std::uint8_t> message) = 0;
  // Bumps the request counter to a value > max(last used, at_least), stores and returns it.
  virtual std::uint64_t next_counter(std::uint64_t at_least) = 0;

  // Packs all pending operations into chained, signed change sets (see build_change_sets) and
  // records them in the outbox, in one transaction. The signed bytes are kept so that a retry
  // sends exactly the same bytes.
  virtual void pack_pending() = 0;
  // Outbox change sets without a result, lowest seq first, at most max_count and (unless the
  // first alone is larger) max_bytes of cs + sig.
  virtual std::vector<SignedChangeSet> unacknowledged(std::size_t max_count,
                                                      std::size_t max_bytes) = 0;
  // Stores the server's result for the change set result.seq (applied, duplicate, refused).
  virtual void record_result(const PushResult& result) = 0;
  // The server lost change sets >= from_seq (restored from a backup): forget their results so
  // that they are sent again. Returns how many were requeued, or nullopt if the outbox no
  // longer holds from_seq (then the session fails with Error(protocol)).
  virtual std::optional<std::size_t> requeue_from(std::uint64_t from_seq) = 0;
  // Checks every unacknowledged change set against the device's own key (signature, hash,
  // encoding); from the first damaged one on they are rebuilt from the outbox's operations,
  // chained and signed again. Returns how many change sets were damaged (0: all sound).
  virtual std::size_t repair_unacknowledged() { return 0; }
  // The server's body budget for change sets (cs + sig bytes of one push), remembered across
  // syncs; 0 = not known. Setting it also rebuilds unacknowledged change sets from `from_seq`
  // on that are larger than it (none the server may hold: the caller asks the server first).
  virtual std::size_t body_budget() { return 0; }
  virtual void set_body_budget(std::size_t /*bytes*/, std::uint64_t /*from_seq*/) {}

  // True when own_operation() finds every operation this store packed (it never forgets them):
  // only then does sync() ask the server to leave the device's own values out of push replies.
  virtual bool keeps_operations() { return false; }
  // The outbox's operation `op_id` (one this device sent), or nothing.
  virtual std::optional<OwnOperation> own_operation(std::uint64_t /*op_id*/) {
    return std::nullopt;
  }

  virtual std::string server_id() = 0;  // empty before the first pull
  virtual Cursor cursor() = 0;
  // Applies the page's events and saves page.cursor and page.server_id in ONE transaction.
  virtual void apply_page(const PullPage& page) = 0;
  // Cursor back to seq 0 (and server id forgotten); the outbox is kept.
  virtual void reset_cursor() = 0;
};

struct SyncOptions {
  std::size_t batch_change_sets = kMaxBatchChangeSets;
  std::size_t batch_bytes = kMaxBatchBytes;
  std::uint32_t pull_limit = kDefaultPullLimit;
  // sync(): each push request also asks for the page after it (protocol 1.1).
  bool pull_with_push = true;
  // What sync is doing now, for the user ("pushing 3 change sets", "pulled page 2").
  std::function<void(std::string_view)> on_progress;
};

struct SyncSummary {
  std::size_t sent = 0;  // change sets sent (re-sends included)
  std::size_t applied = 0;
  std::size_t duplicates = 0;            // already applied by the server (a reply was lost earlier)
  std::vector<PushResult> refused;       // refused, or applied with refused_ops; with reasons
  std::vector<std::uint64_t> conflicts;  // conflict ids opened by our change sets
  std::size_t requeued = 0;              // change sets sent again after a gap (server restored)
  std::size_t repaired = 0;     // damaged stored change sets rebuilt from the outbox and re-signed
  std::size_t body_budget = 0;  // the server's body limit learnt after a 413 (0 = none)
  std::size_t pulled_events = 0;
  std::size_t pages = 0;
  bool cursor_reset = false;
};

// Adds what a later attempt did to what earlier ones did, so that a sync retried after a
// dropped link reports everything it sent and pulled, not just its last attempt.
SyncSummary& operator+=(SyncSummary& total, const SyncSummary& more);

class ClientSession {
 public:
  ClientSession(Transport& transport, Replica& replica, SyncOptions options = {});

  // Push every pending change set, then pull until the server has no more. Throws
  // tongket::Error: network/unavailable (retry later), unauthorized, forbidden, protocol
  // (fork, malformed reply), too_large. summary() holds what was done before the throw.
  SyncSummary sync();
  SyncSummary push();
  SyncSummary pull();

  const SyncSummary& summary() const { return summary_; }

 private:
  HttpReply post_signed(const std::string& path, const Bytes& plain_body,
                        const std::string& content_type);
  // After a 413 on a push: asks GET /v1/status for the server's body limit and this device's
  // chain head, and sizes the change sets not yet on the server to it. False if it cannot.
  bool fit_body_limit();
  // True when the push replies carried the pull to its end (no page left to fetch).
  bool do_push(bool with_pull);
  void do_pull();
  void accept_page(const PullRequest& request, PullPage page);
  // The page with its `own` references turned back into this device's events (from the outbox).
  void rebuild_own_events(PullPage& page);
  void progress(const std::string& what);

  Transport& transport_;
  Replica& replica_;
  SyncOptions options_;
  SyncSummary summary_;
};

// Exponential backoff with "equal jitter": full = min(1 s * 2^attempt, 5 min);
// delay = full/2 + jitter_fraction * full/2, jitter_fraction in [0, 1] (clamped) from the caller.
std::chrono::milliseconds backoff_delay(unsigned attempt, double jitter_fraction);

}  // namespace tongket::sync
