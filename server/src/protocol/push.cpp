#include <map>

#include "protocol/apply.hpp"
#include "protocol/internal.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/chain.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::server {

namespace {

// Checks 1-4 of one change set (decoded, hashed and perhaps verified by prepare()); a WireError
// ends the batch.
std::optional<sync::WireError> check_one(HandlerContext& ctx, const Device& requester,
                                         const detail::PreparedRequest& pre,
                                         const sync::SignedChangeSet& scs, std::size_t index,
                                         sync::ChainVerdict& verdict,
                                         std::optional<StoredChangeSet>& stored) {
  const std::string at = "change set " + std::to_string(index + 1) + " of the batch";
  const detail::PreparedChangeSet& p = pre.change_sets.at(index);
  if (!p.cs) return sync::WireError{"malformed", at + ": " + p.decode_error, {}, {}};
  const sync::ChangeSet& cs = *p.cs;
  if (cs.device != requester.id)
    return sync::WireError{
        "unauthorized", at + " is from device " + cs.device + ", not from " + requester.id, {}, {}};
  bool signature_ok = false;
  if (p.signature_ok && pre.verified_with(requester)) {
    signature_ok = *p.signature_ok;  // verified on a request thread
  } else if (auto key = ctx.keys->admit(requester)) {
    signature_ok = sync::verify_change_set(scs, *key);
  }
  if (!signature_ok)
    return sync::WireError{
        "bad_signature",
        at + " (seq " + std::to_string(cs.seq) + ") does not verify with this device's key",
        {},
        {}};
  // The chain head as stored now (earlier change sets of this batch advanced it).
  auto device = ctx.store.device(requester.id);
  if (!device)
    return sync::WireError{"unauthorized", "device " + requester.id + " vanished", {}, {}};
  if (device->revoked_ms) {
    ctx.keys->forget(requester.id);
    return sync::WireError{"revoked", "device " + requester.id + " was revoked", {}, {}};
  }
  std::optional<sync::Hash> stored_hash;
  if (cs.seq <= device->last_seq) {
    stored = ctx.store.change_set(requester.id, cs.seq);
    if (stored) stored_hash = stored->hash;
  }
  verdict = sync::check_chain({device->last_seq, device->last_hash}, cs, p.hash, stored_hash);
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

// Protocol 1.4: the device's own values this push wrote are not sent back; the page lists them
// by (seq, operation id) and the client rebuilds them from its outbox. The cursor stays the
// page's end, as a full page would have it.
void leave_out_own(sync::PullPage& page, const std::map<std::uint64_t, std::uint64_t>& written) {
  if (written.empty()) return;
  std::erase_if(page.events, [&](const sync::PullEvent& e) {
    auto it = written.find(e.seq);
    if (it == written.end() || e.kind != "value" || !e.extra.is_null()) return false;
    page.own.push_back({e.seq, it->second});
    return true;
  });
}

}  // namespace

Reply handle_push(const Request& request, HandlerContext& ctx, const Prepared& prepared) {
  // Decoding, hashing and (with a cached key) signatures happen off the store thread when the
  // edge prepared the request; otherwise here, the same way.
  const Prepared pre =
      prepared && prepared->is_push ? prepared : detail::prepare_as(request, ctx, true);
  if (!pre || !pre->is_push) throw Error(Errc::internal, "push: the request was not prepared");
  // The counter is checked here and consumed in the first change set's own transaction: one
  // commit (one fsync) per change set instead of two. A push that writes nothing (a bad body,
  // only duplicates, a batch that fails checks 1-4 at once) consumes it on its own below.
  auto auth = detail::authenticate(request, ctx, detail::CounterUse::check, pre.get());
  if (!auth.device) return auth.refusal;
  const Device& device = *auth.device;
  bool counter_consumed = false;
  auto consume_alone = [&]() -> std::optional<Reply> {
    if (counter_consumed) return std::nullopt;
    counter_consumed = true;
    return detail::consume_counter(request, ctx, auth);
  };

  if (!pre->push) {
    if (auto stale = consume_alone()) return *stale;
    return detail::refuse(ctx, request, device.id, {pre->body_error_code, pre->body_error, {}, {}});
  }
  const sync::PushRequest& push = *pre->push;

  sync::PushReply reply;
  std::map<std::uint64_t, std::uint64_t> written;  // seq -> operation id, this push's own values
  for (std::size_t i = 0; i < push.batch.size(); ++i) {
    const sync::SignedChangeSet& scs = push.batch[i];
    sync::ChainVerdict verdict = sync::ChainVerdict::next;
    std::optional<StoredChangeSet> stored;
    if (auto error = check_one(ctx, device, *pre, scs, i, verdict, stored)) {
      const auto& cs = pre->change_sets[i].cs;
      detail::log_refusal(ctx, request, device.id, error->code, error->message, cs ? cs->seq : 0);
      reply.error = std::move(error);
      break;
    }
    const detail::PreparedChangeSet& one = pre->change_sets[i];
    const sync::ChangeSet& cs = *one.cs;
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
        ctx, device, one, scs,
        counter_consumed ? std::nullopt : std::optional<std::uint64_t>(auth.counter));
    if (outcome.stale_counter)  // another request with this counter came first: a replay
      return detail::stale_counter(request, ctx, device.id, auth.counter, *outcome.stale_counter);
    counter_consumed = true;
    if (!outcome.refusal_code.empty())
      detail::log_refusal(ctx, request, device.id, outcome.refusal_code, outcome.result.reason,
                          cs.seq);
    for (const auto& o : outcome.own) written.emplace(o.seq, o.op);
    const bool applied = outcome.result.status != sync::PushStatus::refused;
    ctx.metrics->count_ingested(1, applied ? cs.ops.size() - outcome.result.refused_ops.size() : 0);
    reply.results.push_back(std::move(outcome.result));
  }
  if (auto stale = consume_alone()) return *stale;
  if (push.pull) {
    reply.page = detail::pull_page(ctx, device, *push.pull);
    // A device past seq 0 has the server id already: 43 bytes less on every edit.
    if (reply.page && push.pull->cursor.seq > 0) reply.page->server_id.clear();
    if (reply.page && push.pull->skip_own) leave_out_own(*reply.page, written);
  }
  return detail::body_reply(request, 200, sync::encode_push_reply(reply),
                            reply.page ? "application/cbor" : "application/json");
}

}  // namespace tongket::server
