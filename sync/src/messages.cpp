#include "tongket/sync/messages.hpp"

#include "tongket/error.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/crypto.hpp"
#include "wire.hpp"

namespace tongket::sync {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxMessageDepth = 8;
constexpr std::size_t kMaxEventDepth = 4 + kMaxValueDepth;  // page -> events -> event -> v/x
constexpr std::size_t kMaxText = 4096;                      // messages, reasons, tokens
constexpr std::size_t kMaxEventsPerPage = kMaxPullLimit;

json bin(std::span<const std::uint8_t> b) {
  return json::binary(Bytes(b.begin(), b.end()));
}

Bytes dump(const json& j) {
  return wire::to_bytes(j.dump());
}

json cursor_json(const Cursor& c, bool binary_hash) {
  return {{"seq", c.seq}, {"hash", binary_hash ? bin(c.hash) : json(to_hex(c.hash))}};
}

Cursor cursor_from(const json& j, bool binary_hash, const std::string& what,
                   const std::string& path) {
  auto f = wire::fields_of(j, what, path);
  Cursor c;
  c.seq = f.u64("seq");
  if (binary_hash) {
    Bytes h = f.bstr("hash", 32);
    if (h.size() != 32) f.fail("hash", "expected 32 bytes");
    std::copy(h.begin(), h.end(), c.hash.begin());
  } else {
    try {
      c.hash = hash_from_hex(f.text("hash", 64));
    } catch (const Error& e) {
      f.fail("hash", e.what());
    }
  }
  return c;
}

json event_json(const PullEvent& e) {
  json m = {{"k", e.kind},      {"seq", e.seq},    {"u", e.unit},   {"f", e.field}, {"v", e.value},
            {"ver", e.version}, {"dev", e.device}, {"a", e.author}, {"t", e.hlc}};
  if (!e.extra.is_null()) m["x"] = e.extra;
  return m;
}

PullEvent event_from(const json& j, const std::string& what, const std::string& path) {
  auto f = wire::fields_of(j, what, path);
  PullEvent e;
  e.kind = f.id("k", 32);
  e.seq = f.u64("seq");
  e.unit = f.text("u", kMaxIdLength, true);
  e.field = f.text("f", kMaxFieldKeyLength, true);
  e.value = f.any("v");
  e.version = f.u64("ver");
  e.device = f.text("dev", kMaxIdLength, true);
  e.author = f.text("a", kMaxAuthorLength, true);
  e.hlc = f.u64("t");
  if (f.has("x")) e.extra = f.any("x");
  return e;
}

json page_json(const PullPage& p) {
  json events = json::array();
  for (const auto& e : p.events) events.push_back(event_json(e));
  json doc = {{"server_id", p.server_id},
              {"events", std::move(events)},
              {"cursor", cursor_json(p.cursor, true)},
              {"more", p.more}};
  if (!p.own.empty()) {
    // Deltas: consecutive seqs and operation ids (the usual case) cost 3 bytes a pair.
    json own = json::array();
    OwnEvent prev;
    for (const auto& o : p.own) {
      if (own.empty())
        own.push_back({o.seq, o.op});
      else
        own.push_back({o.seq - prev.seq,
                       static_cast<std::int64_t>(o.op) - static_cast<std::int64_t>(prev.op)});
      prev = o;
    }
    doc["own"] = std::move(own);
  }
  return doc;
}

std::vector<OwnEvent> own_from(const wire::Fields& f, const std::string& what,
                               const std::string& path) {
  const json& own = f.array("own", kMaxEventsPerPage);
  std::vector<OwnEvent> out;
  OwnEvent prev;
  for (std::size_t i = 0; i < own.size(); ++i) {
    const json& pair = own[i];
    const std::string at = path + "/own/" + std::to_string(i);
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer() ||
        !pair[1].is_number_integer())
      throw Error(Errc::protocol, what + ": " + at + ": not a pair of integers");
    OwnEvent o;
    if (i == 0) {
      if (!pair[0].is_number_unsigned() || !pair[1].is_number_unsigned())
        throw Error(Errc::protocol, what + ": " + at + ": seq and operation must be unsigned");
      o = {pair[0].get<std::uint64_t>(), pair[1].get<std::uint64_t>()};
    } else {
      if (!pair[0].is_number_unsigned() || pair[0].get<std::uint64_t>() == 0)
        throw Error(Errc::protocol, what + ": " + at + ": seqs must ascend");
      const auto dop = pair[1].get<std::int64_t>();
      o.seq = prev.seq + pair[0].get<std::uint64_t>();
      o.op = prev.op + static_cast<std::uint64_t>(dop);
      if (o.seq < prev.seq || (dop < 0 && o.op > prev.op) || (dop > 0 && o.op < prev.op))
        throw Error(Errc::protocol, what + ": " + at + ": out of range");
    }
    if (o.op == 0) throw Error(Errc::protocol, what + ": " + at + ": operation id 0");
    out.push_back(o);
    prev = o;
  }
  return out;
}

// optional_id: a push reply's page may leave out the server id (empty = the one the client
// has).
PullPage page_from(const json& doc, const std::string& what, const std::string& path,
                   bool optional_id = false) {
  auto f = wire::fields_of(doc, what, path);
  PullPage p;
  if (!optional_id || f.has("server_id")) p.server_id = f.id("server_id", kMaxIdLength);
  const json& events = f.array("events", kMaxEventsPerPage);
  p.events.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i)
    p.events.push_back(event_from(events[i], what, path + "/events/" + std::to_string(i)));
  p.cursor = cursor_from(f.any("cursor"), true, what, path + "/cursor");
  p.more = f.boolean("more");
  if (f.has("own")) p.own = own_from(f, what, path);
  return p;
}

}  // namespace

// ---- bodies ----

Body make_body(Bytes plain) {
  if (plain.size() <= kGzipThreshold) return {std::move(plain), false};
  return {gzip(plain), true};
}

Bytes open_body(std::string_view content_encoding, std::span<const std::uint8_t> body,
                std::size_t max_output) {
  if (content_encoding == "gzip") return gunzip(body, max_output);
  if (!content_encoding.empty() && content_encoding != "identity")
    throw Error(Errc::protocol,
                "unsupported Content-Encoding \"" + std::string(content_encoding) + "\"");
  if (body.size() > max_output)
    throw Error(Errc::too_large, "body of " + std::to_string(body.size()) +
                                     " bytes is over the limit of " + std::to_string(max_output));
  return Bytes(body.begin(), body.end());
}

// ---- errors ----

int http_status(std::string_view code) {
  if (code == "malformed") return 400;
  if (code == "unauthorized" || code == "bad_signature" || code == "stale_counter" ||
      code == "revoked")
    return 401;
  if (code == "forbidden") return 403;
  if (code == "not_found") return 404;
  if (code == "method_not_allowed") return 405;
  if (code == "request_timeout") return 408;
  if (code == "gap" || code == "fork" || code == "cursor_reset") return 409;
  if (code == "length_required") return 411;
  if (code == "too_large") return 413;
  if (code == "rate_limited") return 429;
  if (code == "unavailable") return 503;
  return 500;
}

json to_json(const WireError& e) {
  json m = {{"code", e.code}, {"message", e.message}};
  if (e.expected_seq) m["expected_seq"] = *e.expected_seq;
  if (e.last_counter) m["last_counter"] = *e.last_counter;
  return m;
}

WireError wire_error_from_json(const json& j, const std::string& where) {
  auto f = wire::fields_of(j, where, "/error");
  WireError e;
  e.code = f.id("code", 64);
  e.message = f.text("message", kMaxText, true);
  e.expected_seq = f.opt_u64("expected_seq");
  e.last_counter = f.opt_u64("last_counter");
  return e;
}

Bytes encode_error(const WireError& e) {
  return dump(json{{"error", to_json(e)}});
}

WireError decode_error(std::span<const std::uint8_t> body) {
  const std::string what = "error reply";
  json doc = wire::parse_json(body, kMaxMessageDepth, what);
  auto f = wire::fields_of(doc, what, "");
  return wire_error_from_json(f.any("error"), what);
}

// ---- push ----

Bytes encode_push_request(const std::vector<SignedChangeSet>& batch) {
  json items = json::array();
  for (const auto& scs : batch)
    items.push_back({{"cs", bin(scs.bytes)}, {"sig", bin(scs.signature)}});
  return json::to_cbor(json{{"batch", std::move(items)}});
}

namespace {

std::vector<SignedChangeSet> batch_from(const json& doc, const std::string& what) {
  auto top = wire::fields_of(doc, what, "");
  const json& items = top.array("batch", kMaxBatchChangeSets);
  std::vector<SignedChangeSet> out;
  std::size_t total = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto f = wire::fields_of(items[i], what, "/batch/" + std::to_string(i));
    SignedChangeSet scs;
    scs.bytes = f.bstr("cs", kMaxChangeSetBytes);
    scs.signature = f.bstr("sig", 64);
    if (scs.signature.size() != 64) f.fail("sig", "expected 64 bytes");
    total += scs.bytes.size() + scs.signature.size();
    if (total > kMaxBatchBytes)
      top.fail("batch", "more than " + std::to_string(kMaxBatchBytes) + " bytes of change sets");
    out.push_back(std::move(scs));
  }
  return out;
}

}  // namespace

std::vector<SignedChangeSet> decode_push_request(std::span<const std::uint8_t> cbor) {
  const std::string what = "push request";
  return batch_from(wire::parse_cbor(cbor, kMaxMessageDepth, what), what);
}

const char* push_status_name(PushStatus s) {
  switch (s) {
    case PushStatus::applied:
      return "applied";
    case PushStatus::duplicate:
      return "duplicate";
    case PushStatus::refused:
      return "refused";
  }
  return "refused";
}

Bytes encode_push_pull_request(const PushRequest& r) {
  json items = json::array();
  for (const auto& scs : r.batch)
    items.push_back({{"cs", bin(scs.bytes)}, {"sig", bin(scs.signature)}});
  json doc = {{"batch", std::move(items)}};
  // Every byte counts on a one-value edit: members at their defaults are left out.
  if (r.pull) {
    json pull = {{"cursor", cursor_json(r.pull->cursor, true)}};
    if (!r.pull->server_id.empty()) pull["server_id"] = r.pull->server_id;
    if (r.pull->limit != kDefaultPullLimit) pull["limit"] = r.pull->limit;
    if (r.pull->skip_own) pull["skip_own"] = true;
    doc["pull"] = std::move(pull);
  }
  return json::to_cbor(doc);
}

PushRequest decode_push_pull_request(std::span<const std::uint8_t> cbor) {
  const std::string what = "push request";
  json doc = wire::parse_cbor(cbor, kMaxMessageDepth, what);
  PushRequest r;
  r.batch = batch_from(doc, what);
  auto top = wire::fields_of(doc, what, "");
  if (!top.has("pull")) return r;
  auto f = wire::fields_of(top.any("pull"), what, "/pull");
  PullRequest pr;
  pr.server_id = f.opt_text("server_id", kMaxIdLength).value_or("");
  pr.cursor = cursor_from(f.any("cursor"), true, what, "/pull/cursor");
  std::uint64_t limit = f.opt_u64("limit").value_or(kDefaultPullLimit);
  if (limit == 0 || limit > kMaxPullLimit)
    f.fail("limit", "must be 1 to " + std::to_string(kMaxPullLimit));
  pr.limit = static_cast<std::uint32_t>(limit);
  if (f.has("skip_own")) pr.skip_own = f.boolean("skip_own");
  r.pull = std::move(pr);
  return r;
}

json to_json(const PushResult& x) {
  json m = {{"seq", x.seq}, {"status", push_status_name(x.status)}, {"server_seq", x.server_seq}};
  if (!x.conflicts.empty()) m["conflicts"] = x.conflicts;
  if (!x.reason.empty()) m["reason"] = x.reason;
  if (!x.refused_ops.empty()) {
    json ops = json::array();
    for (const auto& o : x.refused_ops) ops.push_back({{"op", o.op}, {"reason", o.reason}});
    m["refused_ops"] = std::move(ops);
  }
  return m;
}

namespace {
PushResult result_from(const json& j, const std::string& what, const std::string& path) {
  auto f = wire::fields_of(j, what, path);
  PushResult x;
  x.seq = f.u64("seq");
  std::string status = f.text("status", 16);
  if (status == "applied")
    x.status = PushStatus::applied;
  else if (status == "duplicate")
    x.status = PushStatus::duplicate;
  else if (status == "refused")
    x.status = PushStatus::refused;
  else
    f.fail("status", "unknown status \"" + status + "\"");
  x.reason = f.opt_text("reason", kMaxText).value_or("");
  if (f.has("conflicts")) {
    const json& ids = f.array("conflicts", kMaxOpsPerChangeSet);
    for (std::size_t k = 0; k < ids.size(); ++k) {
      if (!ids[k].is_number_unsigned())
        f.fail("conflicts/" + std::to_string(k), "expected an unsigned integer");
      x.conflicts.push_back(ids[k].get<std::uint64_t>());
    }
  }
  x.server_seq = f.opt_u64("server_seq").value_or(0);
  if (f.has("refused_ops")) {
    const json& ops = f.array("refused_ops", kMaxOpsPerChangeSet);
    for (std::size_t k = 0; k < ops.size(); ++k) {
      auto o = wire::fields_of(ops[k], what, path + "/refused_ops/" + std::to_string(k));
      x.refused_ops.push_back({o.u64("op"), o.opt_text("reason", kMaxText).value_or("")});
    }
  }
  return x;
}
}  // namespace

PushResult push_result_from_json(const json& j, const std::string& where) {
  return result_from(j, where, "");
}

Bytes encode_push_reply(const PushReply& r) {
  json results = json::array();
  for (const auto& x : r.results) results.push_back(to_json(x));
  json doc = {{"results", std::move(results)}};
  if (r.error) doc["error"] = to_json(*r.error);
  if (!r.page) return dump(doc);
  doc["pull"] = page_json(*r.page);
  if (r.page->server_id.empty()) doc["pull"].erase("server_id");  // the client knows it
  return json::to_cbor(doc);
}

PushReply decode_push_reply(std::span<const std::uint8_t> body) {
  const std::string what = "push reply";
  // A CBOR map starts with a byte 0xa0-0xbf, which no JSON text does.
  const bool cbor = !body.empty() && body[0] >= 0xa0 && body[0] <= 0xbf;
  json doc = cbor ? wire::parse_cbor(body, kMaxEventDepth + 1, what)
                  : wire::parse_json(body, kMaxMessageDepth, what);
  auto top = wire::fields_of(doc, what, "");
  PushReply r;
  const json& results = top.array("results", kMaxBatchChangeSets);
  for (std::size_t i = 0; i < results.size(); ++i) {
    PushResult x = result_from(results[i], what, "/results/" + std::to_string(i));
    r.results.push_back(std::move(x));
  }
  if (top.has("error") && !top.any("error").is_null())
    r.error = wire_error_from_json(top.any("error"), what);
  if (cbor && top.has("pull")) r.page = page_from(top.any("pull"), what, "/pull", true);
  return r;
}

// ---- pull ----

Bytes encode_pull_request(const PullRequest& r) {
  return dump(json{
      {"server_id", r.server_id}, {"cursor", cursor_json(r.cursor, false)}, {"limit", r.limit}});
}

PullRequest decode_pull_request(std::span<const std::uint8_t> body) {
  const std::string what = "pull request";
  json doc = wire::parse_json(body, kMaxMessageDepth, what);
  auto f = wire::fields_of(doc, what, "");
  PullRequest r;
  r.server_id = f.text("server_id", kMaxIdLength, true);
  r.cursor = cursor_from(f.any("cursor"), false, what, "/cursor");
  std::uint64_t limit = f.u64("limit");
  if (limit == 0 || limit > kMaxPullLimit)
    f.fail("limit", "must be 1 to " + std::to_string(kMaxPullLimit));
  r.limit = static_cast<std::uint32_t>(limit);
  return r;
}

namespace {

// CBOR heads as nlohmann's to_cbor writes them: the shortest form of the argument.
void cbor_head(Bytes& out, std::uint8_t major, std::uint64_t n) {
  const std::uint8_t m = static_cast<std::uint8_t>(major << 5);
  if (n <= 0x17) {
    out.push_back(static_cast<std::uint8_t>(m | n));
    return;
  }
  int bytes = n <= 0xff ? 1 : n <= 0xffff ? 2 : n <= 0xffffffffULL ? 4 : 8;
  out.push_back(static_cast<std::uint8_t>(m | (bytes == 1   ? 0x18
                                               : bytes == 2 ? 0x19
                                               : bytes == 4 ? 0x1a
                                                            : 0x1b)));
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
}

void cbor_text(Bytes& out, std::string_view s) {
  cbor_head(out, 3, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

}  // namespace

// The bytes of to_cbor(event_json(e)) (a map with keys in std::map order: a dev f k seq t u v
// ver x), written directly: the server hashes every event it logs, and building the JSON map
// first copied every value (test_sync_messages checks both agree).
Bytes encode_event(const PullEvent& e) {
  Bytes out;
  out.reserve(96 + e.unit.size() + e.field.size() + e.device.size() + e.author.size() +
              (e.value.is_string() ? e.value.get_ref<const std::string&>().size() : 16));
  cbor_head(out, 5, e.extra.is_null() ? 9 : 10);
  cbor_text(out, "a");
  cbor_text(out, e.author);
  cbor_text(out, "dev");
  cbor_text(out, e.device);
  cbor_text(out, "f");
  cbor_text(out, e.field);
  cbor_text(out, "k");
  cbor_text(out, e.kind);
  cbor_text(out, "seq");
  cbor_head(out, 0, e.seq);
  cbor_text(out, "t");
  cbor_head(out, 0, e.hlc);
  cbor_text(out, "u");
  cbor_text(out, e.unit);
  cbor_text(out, "v");
  json::to_cbor(e.value, out);
  cbor_text(out, "ver");
  cbor_head(out, 0, e.version);
  if (!e.extra.is_null()) {
    cbor_text(out, "x");
    json::to_cbor(e.extra, out);
  }
  return out;
}

Bytes encode_event_reference(const PullEvent& e) {
  return json::to_cbor(event_json(e));
}

Hash next_log_hash(const Hash& prev, std::span<const std::uint8_t> event_bytes) {
  Bytes buf(prev.begin(), prev.end());
  buf.insert(buf.end(), event_bytes.begin(), event_bytes.end());
  return sha256(buf);
}

Bytes encode_pull_page(const PullPage& p) {
  return json::to_cbor(page_json(p));
}

PullPage decode_pull_page(std::span<const std::uint8_t> cbor) {
  const std::string what = "pull page";
  return page_from(wire::parse_cbor(cbor, kMaxEventDepth, what), what, "");
}

// ---- enroll ----

Bytes encode_enroll_request(const EnrollRequest& r) {
  json doc{{"token", r.token}, {"public_key", base64_encode(r.public_key)}, {"label", r.label}};
  if (!r.unit.empty()) doc["unit"] = r.unit;
  return dump(doc);
}

EnrollRequest decode_enroll_request(std::span<const std::uint8_t> body) {
  const std::string what = "enroll request";
  json doc = wire::parse_json(body, kMaxMessageDepth, what);
  auto f = wire::fields_of(doc, what, "");
  EnrollRequest r;
  r.token = f.id("token", 256);
  try {
    r.public_key = base64_decode(f.text("public_key", 64));
  } catch (const Error& e) {
    f.fail("public_key", e.what());
  }
  if (r.public_key.size() != 32) f.fail("public_key", "expected a raw 32-byte Ed25519 key");
  r.label = f.opt_text("label", kMaxAuthorLength).value_or("");
  r.unit = f.opt_text("unit", kMaxIdLength).value_or("");
  return r;
}

Bytes encode_enroll_reply(const EnrollReply& r) {
  return dump(json{
      {"device_id", r.device_id}, {"unit", r.unit}, {"role", r.role}, {"server_id", r.server_id}});
}

EnrollReply decode_enroll_reply(std::span<const std::uint8_t> body) {
  const std::string what = "enroll reply";
  json doc = wire::parse_json(body, kMaxMessageDepth, what);
  auto f = wire::fields_of(doc, what, "");
  EnrollReply r;
  r.device_id = f.id("device_id", kMaxIdLength);
  r.unit = f.id("unit", kMaxIdLength);
  r.role = f.id("role", 32);
  r.server_id = f.id("server_id", kMaxIdLength);
  return r;
}

}  // namespace tongket::sync
