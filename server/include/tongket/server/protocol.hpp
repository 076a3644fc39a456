// The server side of the sync protocol (docs/protocol.md) as plain functions from a Request to
// a Reply: no sockets, no HTTP library types, the clock injected. The HTTP edge
// (http_server.hpp) only moves bytes in and out of these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tongket/report_template.hpp"
#include "tongket/server/key_cache.hpp"
#include "tongket/server/metrics.hpp"
#include "tongket/server/security_log.hpp"
#include "tongket/server/store.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::server {

struct Request {
  std::string method;                          // "POST"
  std::string path;                            // "/v1/push" (no query string)
  std::map<std::string, std::string> headers;  // names in any case
  sync::Bytes body;  // as sent (possibly gzip): the request signature covers these bytes
  // Where the request came from, as the HTTP edge knows it: the peer address, or behind the
  // production proxy the client address it passes. For the security log and rate limits only;
  // never trusted for authentication. Empty when unknown.
  std::string source{};  // (an initializer: aggregate inits may leave it out)
  // The id the HTTP edge gave the request (X-Request-Id), for log lines; empty when unknown.
  std::string request_id{};
};

struct Reply {
  int status = 200;
  std::map<std::string, std::string> headers;
  sync::Bytes body;
};

struct Limits {
  std::size_t max_body_bytes = 4 * 1024 * 1024;              // as sent (the edge checks first)
  std::size_t max_decompressed_bytes = sync::kMaxBodyBytes;  // after gunzip
};

struct HandlerContext {
  Store& store;
  const ReportTemplate& report_template;
  std::function<std::int64_t()> now_ms;  // server clock, ms since 1970
  std::string server_id;                 // store.identity().server_id, read once
  Limits limits;
  // Refusal counts and enrollment failures per source (shared with the HTTP edge's threads).
  std::shared_ptr<SecurityLog> security = std::make_shared<SecurityLog>();
  // Devices' parsed public keys, shared with the request threads (key_cache.hpp).
  std::shared_ptr<KeyCache> keys = std::make_shared<KeyCache>();
  // Counters for GET /metrics, shared with the HTTP edge's threads (metrics.hpp).
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
};

namespace detail {
struct PreparedRequest;
}
// What prepare() worked out for a request; opaque to the edge.
using Prepared = std::shared_ptr<const detail::PreparedRequest>;

// Case-insensitive header lookup; empty when absent.
std::string header(const Request& request, std::string_view name);

// POST /v1/enroll: a one-time token (bound to a unit and role) registers a device key.
Reply handle_enroll(const Request& request, HandlerContext& ctx);
// POST /v1/push: signed batch of signed change sets; checks and applies them in order.
Reply handle_push(const Request& request, HandlerContext& ctx, const Prepared& prepared = nullptr);
// POST /v1/pull: the events of the device's scope after its cursor, one bounded page.
Reply handle_pull(const Request& request, HandlerContext& ctx, const Prepared& prepared = nullptr);
// GET /v1/status (signed, empty body): server id, log head, and the device's own state
// (its chain head and counter), as JSON.
Reply handle_status(const Request& request, HandlerContext& ctx,
                    const Prepared& prepared = nullptr);

// For a refusal the HTTP edge answers itself (408, 411, 413, 503: `code` as on the wire):
// counted in the security log, written by the store's thread with a later flush. Any thread.
void note_edge_refusal(HandlerContext& ctx, const Request& request, const std::string& code,
                       const std::string& message);
// Writes the security log's closed windows (every pending count when `all`, e.g. at
// shutdown). The store's thread only; dispatch() calls it before each request.
void flush_security_log(HandlerContext& ctx, bool all = false);

// The stages of a request that need no stored state, for any thread, so that the HTTP edge runs
// them on its request threads in parallel and the store thread only does what needs the store:
// a push's body and change sets decoded and hashed; when the device's key is in ctx.keys, the
// request's and the change sets' signatures verified with it. Reads ctx.limits and ctx.keys
// only (never ctx.store). Never throws: a failure is kept and answered, in the protocol's order
// of checks, by dispatch(). docs/architecture.md, "threads".
Prepared prepare(const Request& request, const HandlerContext& ctx);

// Routes by method and path to the handlers above; unknown path -> 404, wrong method -> 405.
// Never throws: any failure becomes a JSON error reply (500 "internal" for a bug). The store
// thread. `prepared` is prepare()'s result for this request, or null (then the handler does
// that work itself). Whatever prepare() verified is checked again against the device as stored
// (known, not revoked, the same key) before it counts.
Reply dispatch(const Request& request, HandlerContext& ctx, const Prepared& prepared = nullptr);

struct Route {
  const char* method;
  const char* path;
};
// Every route dispatch() serves (the HTTP edge adds GET /healthz and GET /metrics).
std::vector<Route> routes();

// Administration through the pull log (docs/protocol.md, "Administrator events"): each
// writes its record and its event in one write transaction, so that every device in scope
// learns it at its next sync. `author` names the administrator (the OS user).
// Adds `unit` (code, name, type, parent) as a department of province `unit.parent` with its
// "unit" event (scope: that province). Bad input throws Error(invalid_argument) naming the
// option and what is wrong (code form, unknown parent or not a province, code taken, name,
// type), and nothing is written.
UnitInfo add_department(Store& store, const Unit& unit, const std::string& author,
                        std::int64_t now_ms);
// Replaces `level`'s deadline (value checked by the caller) with its "deadline" event (every
// scope).
void set_deadline(Store& store, UnitLevel level, const std::string& value,
                  const std::string& author, std::int64_t now_ms);

// A JSON error reply {"error": {"code", "message", ...}} with the code's HTTP status.
Reply error_reply(const sync::WireError& error);
Reply error_reply(std::string code, std::string message);

// Which part of the pull log a device sees, and whether it may write a unit (roles in
// docs/protocol.md). `own` is the device's unit.
Scope scope_of(Role role, const UnitInfo& own);
bool may_write(Role role, const UnitInfo& own, const UnitInfo& target);
// Whether a token for `role` may be bound to a unit of this level (reviewers to their level).
bool role_fits_unit(Role role, UnitLevel level);

}  // namespace tongket::server
