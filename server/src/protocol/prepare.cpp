// prepare(): the stateless stages of a request, for the HTTP edge's request threads.
#include "protocol/internal.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/request_auth.hpp"

namespace tongket::server {

namespace {

void prepare_push(const Request& request, const HandlerContext& ctx, detail::PreparedRequest& out) {
  out.is_push = true;
  try {
    out.push = sync::decode_push_pull_request(detail::open_request_body(request, ctx));
  } catch (const Error& e) {
    out.body_error_code = e.code() == Errc::too_large ? "too_large" : "malformed";
    out.body_error = e.what();
    return;
  }
  for (const auto& scs : out.push->batch) {
    detail::PreparedChangeSet p;
    try {
      p.cs = sync::decode(scs.bytes);
    } catch (const Error& e) {
      p.decode_error = e.what();
      out.change_sets.push_back(std::move(p));
      return;  // the batch ends at the first that does not decode
    }
    p.hash = scs.hash();
    if (out.key) p.signature_ok = sync::verify_change_set(scs, *out.key);
    p.values.reserve(p.cs->ops.size());
    for (const auto& op : p.cs->ops) p.values.push_back(pack_value(op.value));
    p.packed = pack_change_set(scs.bytes);
    out.change_sets.push_back(std::move(p));
  }
}

}  // namespace

Prepared prepare(const Request& request, const HandlerContext& ctx) {
  return detail::prepare_as(request, ctx,
                            request.method == "POST" && request.path == sync::kPathPush);
}

namespace detail {

Prepared prepare_as(const Request& request, const HandlerContext& ctx, bool push) {
  auto out = std::make_shared<detail::PreparedRequest>();
  try {
    const std::string device = header(request, sync::kHeaderDevice);
    const std::string counter_text = header(request, sync::kHeaderCounter);
    const std::string signature = header(request, sync::kHeaderSignature);
    if (!device.empty() && !counter_text.empty() && !signature.empty()) {
      out->key = ctx.keys->find(device);
      if (out->key) {
        try {
          out->request_signature_ok =
              sync::verify_request(*out->key, signature, request.method, request.path, device,
                                   sync::parse_counter(counter_text), request.body);
        } catch (const Error&) {
          // A counter that does not parse: authenticate() answers it in its order.
        }
      }
    }
    if (push) prepare_push(request, ctx, *out);
  } catch (...) {
    return nullptr;  // the store thread does it all again and answers whatever this was
  }
  return out;
}

}  // namespace detail

}  // namespace tongket::server
