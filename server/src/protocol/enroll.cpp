#include "protocol/internal.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::server {

Reply handle_enroll(const Request& request, HandlerContext& ctx) {
  if (auto limited = detail::enroll_rate_limit(request, ctx)) return *limited;
  sync::EnrollRequest er;
  try {
    er = sync::decode_enroll_request(detail::open_request_body(request, ctx));
  } catch (const Error& e) {
    if (e.code() == Errc::too_large)
      return detail::refuse(ctx, request, "", {"too_large", e.what(), {}, {}});
    return detail::refuse(ctx, request, "", {"malformed", e.what(), {}, {}});
  }
  if (er.public_key.size() != 32)
    return detail::refuse(
        ctx, request, "",
        {"malformed", "enroll: public_key must be 32 bytes (raw Ed25519)", {}, {}});

  const sync::Hash token_hash = sync::sha256(sync::as_bytes(er.token));
  // A token typed on the wrong store is refused before it is spent: the right store can still
  // use it. (Its role was checked against its unit when it was made.)
  if (auto token = ctx.store.token(token_hash);
      token && !token->used_ms && !er.unit.empty() && token->unit != er.unit)
    return detail::refuse(
        ctx, request, "",
        {"forbidden",
         "this token is for unit " + token->unit + ", but this store reports for " + er.unit +
             ": use it on the store of " + token->unit + " (the token is still valid)",
         {},
         {}});
  Device d;
  d.id = sync::random_id();
  d.public_key = er.public_key;
  d.label = er.label;
  switch (ctx.store.enroll(token_hash, d, ctx.now_ms())) {
    case EnrollOutcome::enrolled:
      break;
    case EnrollOutcome::unknown_token:
      return detail::refuse(ctx, request, "",
                            {"unauthorized",
                             "unknown enrollment token: ask the administrator "
                             "for a new one",
                             {},
                             {}});
    case EnrollOutcome::expired_token:
      return detail::refuse(ctx, request, "",
                            {"unauthorized",
                             "the enrollment token has expired: ask the "
                             "administrator for a new one",
                             {},
                             {}});
    case EnrollOutcome::used_token:
      return detail::refuse(ctx, request, "",
                            {"unauthorized",
                             "the enrollment token was already used: a token "
                             "enrolls one device only",
                             {},
                             {}});
    case EnrollOutcome::device_exists:
      // 128 random bits collided: not the client's fault, and retrying makes a new id.
      return error_reply("unavailable", "please retry the enrollment");
  }
  auto device = ctx.store.device(d.id);
  if (!device) throw Error(Errc::internal, "enrolled device " + d.id + " is not in the store");
  sync::EnrollReply reply{device->id, device->unit, std::string(role_name(device->role)),
                          ctx.server_id};
  return detail::body_reply(request, 200, sync::encode_enroll_reply(reply), "application/json");
}

}  // namespace tongket::server
