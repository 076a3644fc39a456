#include <algorithm>

#include "protocol/internal.hpp"
#include "tongket/error.hpp"

namespace tongket::server {

Reply handle_pull(const Request& request, HandlerContext& ctx, const Prepared& prepared) {
  auto auth = detail::authenticate(request, ctx, detail::CounterUse::consume, prepared.get());
  if (!auth.device) return auth.refusal;
  const Device& device = *auth.device;

  sync::PullRequest pr;
  try {
    pr = sync::decode_pull_request(detail::open_request_body(request, ctx));
  } catch (const Error& e) {
    std::string code = e.code() == Errc::too_large ? "too_large" : "malformed";
    return detail::refuse(ctx, request, device.id, {code, e.what(), {}, {}});
  }

  auto result = detail::read_page(ctx, device, pr);
  if (!result.page) return detail::refuse(ctx, request, device.id, result.error);
  return detail::body_reply(request, 200, sync::encode_pull_page(*result.page), "application/cbor");
}

namespace detail {

PageOrError read_page(HandlerContext& ctx, const Device& device, const sync::PullRequest& pr) {
  // A cursor from another server, or one this server's log does not hold (restored from a
  // backup, or replaced): the client starts again from 0 and keeps its outbox.
  if (!pr.server_id.empty() && pr.server_id != ctx.server_id)
    return {{},
            {"cursor_reset",
             "this is server " + ctx.server_id + ", not " + pr.server_id.substr(0, 64),
             {},
             {}}};
  if (pr.cursor.seq > 0) {
    auto hash = ctx.store.log_hash_at(pr.cursor.seq);
    if (!hash || *hash != pr.cursor.hash)
      return {{},
              {"cursor_reset",
               "the server's log does not hold cursor " + std::to_string(pr.cursor.seq) +
                   " (restored from a backup?)",
               {},
               {}}};
  }
  auto own = ctx.store.unit(device.unit);
  if (!own)
    return {{}, {"forbidden", "this device's unit " + device.unit + " is not known", {}, {}}};
  std::size_t limit = std::clamp<std::size_t>(pr.limit, 1, sync::kMaxPullLimit);
  EventPage page = ctx.store.events_after(scope_of(device.role, *own), pr.cursor.seq, limit);
  sync::PullPage out;
  out.server_id = ctx.server_id;
  out.events = std::move(page.events);
  out.cursor = page.cursor;
  out.more = page.more;
  return {std::move(out), {}};
}

}  // namespace detail

}  // namespace tongket::server
