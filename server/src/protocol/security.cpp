// The protocol's side of the security log: edge refusals, flushing, the enrollment limit.
#include "protocol/internal.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::server {

void note_edge_refusal(HandlerContext& ctx, const Request& request, const std::string& code,
                       const std::string& message) {
  // The path is the client's choice: one key for every path that is not an endpoint, so
  // random paths cannot make a key (and a row) each.
  Request known{request.method.substr(0, 8), request.path, {}, {}, request.source};
  if (known.path != sync::kPathEnroll && known.path != sync::kPathPush &&
      known.path != sync::kPathPull && known.path != "/v1/status")
    known.path = "(other path)";
  ctx.metrics->count_refusal(code);
  ctx.security->note_counted(detail::refusal_of(ctx, known, "", code, message));
}

void flush_security_log(HandlerContext& ctx, bool all) {
  ctx.security->flush(ctx.store, ctx.now_ms(), all);
}

namespace detail {

std::optional<Reply> enroll_rate_limit(const Request& request, HandlerContext& ctx) {
  const std::int64_t now = ctx.now_ms();
  if (ctx.security->enroll_allowed(request.source, now)) return std::nullopt;
  const auto& o = ctx.security->options();
  const std::int64_t wait_s =
      (ctx.security->enroll_retry_at(request.source, now) - now + 999) / 1000;
  Reply r = refuse(
      ctx, request, "",
      {"rate_limited",
       "too many failed enrollments from this address (" + std::to_string(o.enroll_failures) +
           " within " + std::to_string(o.enroll_window_ms / 60'000) +
           " minutes): check the token with the administrator and try again in " +
           std::to_string((wait_s + 59) / 60) + " minute(s)",
       {},
       {}});
  r.headers["Retry-After"] = std::to_string(std::max<std::int64_t>(wait_s, 1));
  return r;
}

}  // namespace detail

}  // namespace tongket::server
