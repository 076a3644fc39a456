#include <cstdint>

#include "protocol/internal.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/request_auth.hpp"

namespace tongket::server::detail {

Reply stale_counter(const Request& request, HandlerContext& ctx, const std::string& device,
                    std::uint64_t counter, std::uint64_t last) {
  return refuse(
      ctx, request, device,
      sync::WireError{"stale_counter",
                      "counter " + std::to_string(counter) + " is not above the last accepted (" +
                          std::to_string(last) + ")",
                      {},
                      last});
}

std::optional<Reply> consume_counter(const Request& request, HandlerContext& ctx,
                                     const Authenticated& auth) {
  auto check = ctx.store.advance_counter(auth.device->id, auth.counter);
  if (check.accepted) return std::nullopt;
  return stale_counter(request, ctx, auth.device->id, auth.counter, check.last);
}

Authenticated authenticate(const Request& request, HandlerContext& ctx, CounterUse use,
                           const PreparedRequest* prepared) {
  Authenticated out;
  const std::string device_id = header(request, sync::kHeaderDevice);
  const std::string counter_text = header(request, sync::kHeaderCounter);
  const std::string signature = header(request, sync::kHeaderSignature);
  auto refuse_with = [&](std::string code, std::string message) {
    out.refusal = refuse(ctx, request, device_id,
                         sync::WireError{std::move(code), std::move(message), {}, {}});
    return out;
  };

  if (device_id.empty() || counter_text.empty() || signature.empty())
    return refuse_with("unauthorized", std::string("missing ") + sync::kHeaderDevice + ", " +
                                           sync::kHeaderCounter + " or " + sync::kHeaderSignature +
                                           " header");
  // Order as in docs/protocol.md: device, counter syntax, signature, counter freshness.
  auto device = ctx.store.device(device_id);
  if (!device) {
    ctx.keys->forget(device_id);
    return refuse_with("unauthorized", "unknown device " + device_id.substr(0, 64));
  }
  if (device->revoked_ms) {
    ctx.keys->forget(device_id);  // what request threads verified with it counts for nothing
    return refuse_with("revoked", "device " + device_id + " was revoked: enroll again");
  }
  std::uint64_t counter = 0;
  try {
    counter = sync::parse_counter(counter_text);
  } catch (const Error& e) {
    return refuse_with("malformed", std::string("bad ") + sync::kHeaderCounter + ": " + e.what());
  }
  bool signature_ok = false;
  if (prepared && prepared->request_signature_ok && prepared->verified_with(*device)) {
    signature_ok = *prepared->request_signature_ok;  // verified on a request thread
  } else if (auto key = ctx.keys->admit(*device)) {
    signature_ok = sync::verify_request(*key, signature, request.method, request.path, device_id,
                                        counter, request.body);
  }
  if (!signature_ok)
    return refuse_with("bad_signature",
                       "the request signature does not verify with device " + device_id + "'s key");
  // Counters are stored as SQLite's signed 64-bit integers: larger ones are never fresh.
  const bool fresh = counter <= static_cast<std::uint64_t>(INT64_MAX);
  if (use == CounterUse::check) {
    if (!fresh || counter <= device->last_counter) {
      out.refusal = stale_counter(request, ctx, device_id, counter, device->last_counter);
      return out;
    }
  } else {
    auto check = ctx.store.advance_counter(device_id, counter);
    if (!check.accepted) {
      out.refusal = stale_counter(request, ctx, device_id, counter, check.last);
      return out;
    }
    device->last_counter = counter;
  }
  out.counter = counter;
  out.device = std::move(device);
  return out;
}

}  // namespace tongket::server::detail
