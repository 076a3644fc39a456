// Helpers shared by the handlers: replies, refusals (always logged), request authentication.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tongket/server/packed.hpp"
#include "tongket/server/protocol.hpp"

namespace tongket::server::detail {

// One change set of a push as prepare() left it: decoded (or why not), hashed, and its
// signature checked when the device's key was cached.
struct PreparedChangeSet {
  std::optional<sync::ChangeSet> cs;  // nullopt: did not decode (decode_error says why)
  std::string decode_error;
  sync::Hash hash{};
  std::optional<bool> signature_ok;  // checked with PreparedRequest::key
  // What the store keeps (packed.hpp), worked out here so that the store thread only writes:
  // pack_value of each operation's value (one per cs->ops) and pack_change_set of the bytes.
  std::vector<PackedValue> values;
  Bytes packed;
};

// protocol.hpp, prepare(). Immutable once made; read by the store thread.
struct PreparedRequest {
  // The cached key the verdicts below used; nullptr when none was cached (nothing verified).
  std::shared_ptr<const sync::VerifyKey> key;
  std::optional<bool> request_signature_ok;
  // POST /v1/push: the body decoded, or the error it gives ("malformed" or "too_large").
  bool is_push = false;
  std::optional<sync::PushRequest> push;
  std::string body_error_code, body_error;
  // One per change set of push->batch, up to the first that does not decode.
  std::vector<PreparedChangeSet> change_sets;

  // The verdicts count only for the device's key as stored now.
  bool verified_with(const Device& device) const { return key && key->raw() == device.public_key; }
};

// prepare(), with the push stages done or not whatever the path (a handler called directly).
Prepared prepare_as(const Request& request, const HandlerContext& ctx, bool push);

bool accepts_gzip(const Request& request);
// A reply of `content_type`, gzipped when the client accepts it and it is worth it.
Reply body_reply(const Request& request, int status, sync::Bytes body,
                 const std::string& content_type);

// Logs the refusal in the store's security log, then returns its error reply.
Reply refuse(HandlerContext& ctx, const Request& request, const std::string& device,
             const sync::WireError& error, std::uint64_t cs_seq = 0);
void log_refusal(HandlerContext& ctx, const Request& request, const std::string& device,
                 const std::string& code, const std::string& message, std::uint64_t cs_seq = 0);
// The security log's row for a refusal: bounded, valid UTF-8 fields, the request's source.
Refusal refusal_of(HandlerContext& ctx, const Request& request, const std::string& device,
                   const std::string& code, const std::string& message, std::uint64_t cs_seq = 0);
// POST /v1/enroll from a source with too many failed enrollments lately: the (logged) 429
// rate_limited refusal; nothing otherwise (docs/protocol.md).
std::optional<Reply> enroll_rate_limit(const Request& request, HandlerContext& ctx);

// The body as sent, un-gzipped per Content-Encoding within the limits. Throws
// Error(protocol) for a bad encoding, Error(too_large) when it inflates past the limit.
sync::Bytes open_request_body(const Request& request, const HandlerContext& ctx);

struct Authenticated {
  std::optional<Device> device;  // set when the request is authentic and fresh
  std::uint64_t counter = 0;     // the request's counter
  Reply refusal;                 // otherwise: the (logged) refusal to send
};
// consume: record the counter now (its own commit). check: only check that it is fresh; the
// caller must then consume it with consume_counter(), in its first write transaction or alone.
enum class CounterUse { consume, check };
// Headers present, device known and active, signature valid, counter fresh (in that order;
// the counter is consumed only by a correctly signed request).
// `prepared` (may be null): a request signature verdict made off the store thread, used when it
// was made with the device's stored key.
Authenticated authenticate(const Request& request, HandlerContext& ctx,
                           CounterUse use = CounterUse::consume,
                           const PreparedRequest* prepared = nullptr);
// Records the counter of an authenticated request, in its own transaction (never inside a
// store write: a push consumes it through its WriteTxn, apply.hpp). A request whose counter
// another request consumed meanwhile is a replay: the (logged) stale_counter refusal is
// returned and nothing must be written for it.
std::optional<Reply> consume_counter(const Request& request, HandlerContext& ctx,
                                     const Authenticated& auth);
// The (logged) stale_counter refusal: `counter` is not above the device's `last`.
Reply stale_counter(const Request& request, HandlerContext& ctx, const std::string& device,
                    std::uint64_t counter, std::uint64_t last);

// The page a pull request asks for, in the device's scope; or why there is none:
// cursor_reset (another server, or a cursor the log does not hold) or forbidden.
struct PageOrError {
  std::optional<sync::PullPage> page;
  sync::WireError error;  // when there is no page
};
PageOrError read_page(HandlerContext& ctx, const Device& device, const sync::PullRequest& pr);
// For a push that pulls: the page, or nothing (the client then pulls on its own and meets the
// error there).
inline std::optional<sync::PullPage> pull_page(HandlerContext& ctx, const Device& device,
                                               const sync::PullRequest& pr) {
  return read_page(ctx, device, pr).page;
}

}  // namespace tongket::server::detail
