#include "protocol/apply.hpp"
#include "protocol/internal.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/chain.hpp"

namespace tongket::server {

namespace {

// Checks 1-4 of one change set; a WireError ends the batch.
std::optional<sync::WireError> check_one(HandlerContext& ctx, const Device& requester,
                                         const sync::SignedChangeSet& scs, std::size_t index,
                                         sync::ChangeSet& cs, sync::ChainVerdict& verdict,
                                         std::optional<StoredChangeSet>& stored) {
  const std::string at = "change set " + std::to_string(index + 1) + " of the batch";
  try {
    cs = sync::decode(scs.bytes);
  } catch (const Error& e) {
    return sync::WireError{"malformed", at + ": " + e.what(), {}, {}};
  }
  if (cs.device != requester.id)
    return sync::WireError{
        "unauthorized", at + " is from device " + cs.device + ", not from " + requester.id, {}, {}};
  if (!sync::verify_change_set(scs, requester.public_key))
    return sync::WireError{
        "bad_signature",
        at + " (seq " + std::to_string(cs.seq) + ") does not verify with this device's key",
        {},
        {}};
  // The chain head as stored now (earlier change sets of this batch advanced it).
  auto device = ctx.store.device(requester.id);
  if (!device)
    return sync::WireError{"unauthorized", "device " + requester.id + " vanished", {}, {}};
  if (device->revoked_ms)
    return sync::WireError{"revoked", "device " + requester.id + " was revoked", {}, {}};
  std::optional<sync::Hash> stored_hash;
  if (cs.seq <= device->last_seq) {
    stored = ctx.store.change_set(requester.id, cs.seq);
    if (stored) stored_hash = stored->hash;
  }
  verdict = sync::check_chain({device->last_seq, device->last_hash}, cs, scs.hash(), stored_hash);
  switch (verdict) {
    case sync::ChainVerdict::next:
    case sync::ChainVerdict::duplicate:
      return std::nullopt;
    case sync::ChainVerdict::gap:
      return sync::WireError{"gap",
                             "change set " + std::to_string(cs.seq) + " came before " +
                                 std::to_string(device->last_seq + 1),
                             device->last_seq + 1,
                             {}};
    case sync::ChainVerdict::fork:
      return sync::WireError{"fork",
                             "change set " + std::to_string(cs.seq) +
                                 " does not continue this device's history on the server",
                             {},
                             {}};
  }
  return std::nullopt;
}

}  // namespace

Reply handle_push(const Request& request, HandlerContext& ctx) {
  // The counter is checked here and consumed in the first change set's own transaction: one
  // commit (one fsync) per change set instead of two. A push that writes nothing (a bad body,
  // only duplicates, a batch that fails checks 1-4 at once) consumes it on its own below.
  auto auth = detail::authenticate(request, ctx, detail::CounterUse::check);
  if (!auth.device) return auth.refusal;
  const Device& device = *auth.device;
  bool counter_consumed = false;
  auto consume_alone = [&]() -> std::optional<Reply> {
    if (counter_consumed) return std::nullopt;
    counter_consumed = true;
    return detail::consume_counter(request, ctx, auth);
  };

  sync::PushRequest push;
  try {
    push = sync::decode_push_pull_request(detail::open_request_body(request, ctx));
  } catch (const Error& e) {
    if (auto stale = consume_alone()) return *stale;
    std::string code = e.code() == Errc::too_large ? "too_large" : "malformed";
    return detail::refuse(ctx, request, device.id, {code, e.what(), {}, {}});
  }

  sync::PushReply reply;
  for (std::size_t i = 0; i < push.batch.size(); ++i) {
    const sync::SignedChangeSet& scs = push.batch[i];
    sync::ChangeSet cs;
    sync::ChainVerdict verdict = sync::ChainVerdict::next;
    std::optional<StoredChangeSet> stored;
    if (auto error = check_one(ctx, device, scs, i, cs, verdict, stored)) {
      detail::log_refusal(ctx, request, device.id, error->code, error->message, cs.seq);
      reply.error = std::move(error);
      break;
    }
    if (verdict == sync::ChainVerdict::duplicate) {
      // The same answer as the first time; "duplicate" says nothing was applied now.
      sync::PushResult r = stored->result;
      if (r.status == sync::PushStatus::applied) r.status = sync::PushStatus::duplicate;
      reply.results.push_back(std::move(r));
      continue;
    }
    // The first change set that writes also consumes the request's counter, in its own
    // transaction: both commit together or not at all, so the same request may be sent again.
    detail::ApplyOutcome outcome = detail::apply_change_set(
        ctx, device, cs, scs, scs.hash(),
        counter_consumed ? std::nullopt : std::optional<std::uint64_t>(auth.counter));
    if (outcome.stale_counter)  // another request with this counter came first: a replay
      return detail::stale_counter(request, ctx, device.id, auth.counter, *outcome.stale_counter);
    counter_consumed = true;
    if (!outcome.refusal_code.empty())
      detail::log_refusal(ctx, request, device.id, outcome.refusal_code, outcome.result.reason,
                          cs.seq);
    reply.results.push_back(std::move(outcome.result));
  }
  if (auto stale = consume_alone()) return *stale;
  if (push.pull) {
    reply.page = detail::pull_page(ctx, device, *push.pull);
    // A device past seq 0 has the server id already: 43 bytes less on every edit.
    if (reply.page && push.pull->cursor.seq > 0) reply.page->server_id.clear();
  }
  return detail::body_reply(request, 200, sync::encode_push_reply(reply),
                            reply.page ? "application/cbor" : "application/json");
}

}  // namespace tongket::server
