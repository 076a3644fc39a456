#include <cctype>
#include <exception>
#include <string>

#include "protocol/internal.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/request_auth.hpp"

namespace tongket::server {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The wire code for an exception that escaped a handler.
sync::WireError wire_error_of(const Error& e) {
  switch (e.code()) {
    case Errc::protocol:
    case Errc::invalid_argument:
      return {"malformed", e.what(), {}, {}};
    case Errc::too_large:
      return {"too_large", e.what(), {}, {}};
    case Errc::unauthorized:
      return {"unauthorized", e.what(), {}, {}};
    case Errc::forbidden:
      return {"forbidden", e.what(), {}, {}};
    case Errc::unavailable:
      return {"unavailable", "the server is busy: try again later", {}, {}};
    case Errc::store_corrupt:
      // Not the client's fault and nothing it can fix: no path or detail of the store.
      return {"internal",
              "the server's store is damaged: tell the administrator (this request changed "
              "nothing)",
              {},
              {}};
    default:
      return {"internal", "internal error: " + std::string(e.what()), {}, {}};
  }
}

// Error messages may quote bytes of a malformed body; JSON needs valid UTF-8 (U+FFFD instead).
std::string valid_utf8(const std::string& text) {
  return nlohmann::json::parse(
             nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .get<std::string>();
}

}  // namespace

std::string header(const Request& request, std::string_view name) {
  for (const auto& [k, v] : request.headers)
    if (iequals(k, name)) return v;
  return {};
}

Reply error_reply(const sync::WireError& error) {
  Reply r;
  r.status = sync::http_status(error.code);
  r.headers["Content-Type"] = "application/json";
  sync::WireError safe = error;
  safe.message = valid_utf8(error.message.substr(0, 2000));
  r.body = sync::encode_error(safe);
  return r;
}

Reply error_reply(std::string code, std::string message) {
  return error_reply(sync::WireError{std::move(code), std::move(message), {}, {}});
}

namespace {

using Handler = Reply (*)(const Request&, HandlerContext&, const Prepared&);
struct Served {
  Route route;
  Handler handler;
};

const std::vector<Served>& served() {
  static const std::vector<Served> table = {
      {{"POST", sync::kPathEnroll},
       [](const Request& r, HandlerContext& c, const Prepared&) { return handle_enroll(r, c); }},
      {{"POST", sync::kPathPush}, handle_push},
      {{"POST", sync::kPathPull},
       [](const Request& r, HandlerContext& c, const Prepared& p) { return handle_pull(r, c, p); }},
      {{"GET", "/v1/status"}, [](const Request& r, HandlerContext& c, const Prepared& p) {
         return handle_status(r, c, p);
       }}};
  return table;
}

}  // namespace

std::vector<Route> routes() {
  std::vector<Route> out;
  for (const auto& s : served()) out.push_back(s.route);
  return out;
}

Reply dispatch(const Request& request, HandlerContext& ctx, const Prepared& prepared) {
  try {
    flush_security_log(ctx);
    for (const auto& [route, handler] : served()) {
      if (request.path != route.path) continue;
      if (request.method != route.method) {
        Reply r =
            error_reply("method_not_allowed", request.method + " is not allowed on " +
                                                  request.path + " (use " + route.method + ")");
        r.status = 405;
        r.headers["Allow"] = route.method;
        return r;
      }
      return handler(request, ctx, prepared);
    }
    Reply r = error_reply("not_found", "no such endpoint: " + request.path);
    r.status = 404;
    return r;
  } catch (const Error& e) {
    auto we = wire_error_of(e);
    if (we.code != "internal" && we.code != "unavailable")
      detail::log_refusal(ctx, request, header(request, sync::kHeaderDevice), we.code, we.message);
    return error_reply(we);
  } catch (const std::exception& e) {
    return error_reply("internal", std::string("internal error: ") + e.what());
  } catch (...) {
    return error_reply("internal", "internal error");
  }
}

namespace detail {

bool accepts_gzip(const Request& request) {
  return lower(header(request, "Accept-Encoding")).find("gzip") != std::string::npos;
}

Reply body_reply(const Request& request, int status, sync::Bytes body,
                 const std::string& content_type) {
  Reply r;
  r.status = status;
  r.headers["Content-Type"] = content_type;
  if (accepts_gzip(request) && body.size() > sync::kGzipThreshold) {
    r.body = sync::gzip(body);
    r.headers["Content-Encoding"] = "gzip";
  } else {
    r.body = std::move(body);
  }
  return r;
}

Refusal refusal_of(HandlerContext& ctx, const Request& request, const std::string& device,
                   const std::string& code, const std::string& message, std::uint64_t cs_seq) {
  Refusal r{ctx.now_ms(),
            valid_utf8(device.substr(0, 128)),
            valid_utf8(request.method.substr(0, 16) + " " + request.path.substr(0, 128)),
            valid_utf8(code.substr(0, 64)),
            valid_utf8(message.substr(0, 1000)),
            cs_seq,
            valid_utf8(request.source.substr(0, 64))};
  r.last_ms = r.at_ms;
  return r;
}

void log_refusal(HandlerContext& ctx, const Request& request, const std::string& device,
                 const std::string& code, const std::string& message, std::uint64_t cs_seq) {
  Refusal r = refusal_of(ctx, request, device, code, message, cs_seq);
  ctx.metrics->count_refusal(r.code);
  if (request.path == sync::kPathEnroll && code != "rate_limited")
    ctx.security->enroll_failed(r.source, r.at_ms);
  // A refusal of a signed change set is written on its own (the device is authentic and its
  // pushes are bounded); the rest once per source and kind per window (security_log.hpp).
  if (cs_seq == 0 && !ctx.security->note(r)) return;
  try {
    ctx.store.log_refusal(r);
  } catch (const std::exception&) {
    // The refusal itself still goes out; a busy store must not turn it into a 500.
  }
}

Reply refuse(HandlerContext& ctx, const Request& request, const std::string& device,
             const sync::WireError& error, std::uint64_t cs_seq) {
  log_refusal(ctx, request, device, error.code, error.message, cs_seq);
  return error_reply(error);
}

sync::Bytes open_request_body(const Request& request, const HandlerContext& ctx) {
  if (request.body.size() > ctx.limits.max_body_bytes)
    throw Error(Errc::too_large,
                "the body is over " + std::to_string(ctx.limits.max_body_bytes) + " bytes");
  return sync::open_body(lower(header(request, "Content-Encoding")), request.body,
                         ctx.limits.max_decompressed_bytes);
}

}  // namespace detail

}  // namespace tongket::server
