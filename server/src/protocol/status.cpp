#include "protocol/internal.hpp"
#include "tongket/paths.hpp"
#include "tongket/sync/bytes.hpp"

namespace tongket::server {

Reply handle_status(const Request& request, HandlerContext& ctx, const Prepared& prepared) {
  auto auth = detail::authenticate(request, ctx, detail::CounterUse::consume, prepared.get());
  if (!auth.device) return auth.refusal;
  const Device& d = *auth.device;
  sync::Cursor head = ctx.store.log_head();
  nlohmann::json j = {{"server_id", ctx.server_id},
                      {"version", std::string(version())},
                      {"log", {{"seq", head.seq}, {"hash", sync::to_hex(head.hash)}}},
                      // So that a client can size its change sets after a 413 (protocol 1.2).
                      {"limits", {{"max_body", ctx.limits.max_body_bytes}}},
                      {"device",
                       {{"id", d.id},
                        {"unit", d.unit},
                        {"role", role_name(d.role)},
                        {"last_seq", d.last_seq},
                        {"last_hash", sync::to_hex(d.last_hash)},
                        {"last_counter", d.last_counter}}}};
  std::string text = j.dump();
  return detail::body_reply(request, 200, sync::Bytes(text.begin(), text.end()),
                            "application/json");
}

}  // namespace tongket::server
