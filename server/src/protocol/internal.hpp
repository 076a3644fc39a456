// Helpers shared by the handlers: replies, refusals (always logged), request authentication.
#pragma once

#include <optional>
#include <string>

#include "tongket/server/protocol.hpp"

namespace tongket::server::detail {

bool accepts_gzip(const Request& request);
// A reply of `content_type`, gzipped when the client accepts it and it is worth it.
Reply body_reply(const Request& request, int status, sync::Bytes body,
                 const std::string& content_type);

// Logs the refusal in the store's security log, then returns its error reply.
Reply refuse(HandlerContext& ctx, const Request& request, const std::string& device,
             const sync::WireError& error, std::uint64_t cs_seq = 0);
void log_refusal(HandlerContext& ctx, const Request& request, const std::string& device,
                 const std::string& code, const std::string& message, std::uint64_t cs_seq = 0);

// The body as sent, un-gzipped per Content-Encoding within the limits. Throws
// Error(protocol) for a bad encoding, Error(too_large) when it inflates past the limit.
sync::Bytes open_request_body(const Request& request, const HandlerContext& ctx);

struct Authenticated {
  std::optional<Device> device;  // set when the request is authentic and fresh
  Reply refusal;                 // otherwise: the (logged) refusal to send
};
// Headers present, device known and active, signature valid, counter fresh (in that order;
// the counter is consumed only by a correctly signed request).
Authenticated authenticate(const Request& request, HandlerContext& ctx);

}  // namespace tongket::server::detail
