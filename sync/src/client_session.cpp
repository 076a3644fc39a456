#include "tongket/sync/client_session.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "tongket/error.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/request_auth.hpp"

namespace tongket::sync {

namespace {

constexpr int kMaxCounterRetries = 3;

std::string header(const std::map<std::string, std::string>& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(k[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return v;
  }
  return {};
}

// The error a non-2xx reply stands for; a body that is not our error JSON (a proxy's page)
// is judged by its status alone.
WireError error_of(const HttpReply& reply) {
  try {
    return decode_error(reply.body);
  } catch (const Error&) {
    std::string code = reply.status >= 500   ? "unavailable"
                       : reply.status == 408 ? "request_timeout"
                       : reply.status == 401 ? "unauthorized"
                       : reply.status == 403 ? "forbidden"
                       : reply.status == 413 ? "too_large"
                                             : "malformed";
    return {code, "the server answered HTTP " + std::to_string(reply.status), {}, {}};
  }
}

[[noreturn]] void throw_for(const WireError& e, const std::string& during) {
  std::string msg = during + ": " + e.code + (e.message.empty() ? "" : ": " + e.message);
  if (e.code == "unauthorized" || e.code == "bad_signature" || e.code == "revoked" ||
      e.code == "stale_counter")
    throw Error(Errc::unauthorized, msg);
  if (e.code == "forbidden") throw Error(Errc::forbidden, msg);
  if (e.code == "too_large") throw Error(Errc::too_large, msg);
  // A slow link that timed out sending the body is worth another try, like an overload.
  if (e.code == "unavailable" || e.code == "internal" || e.code == "request_timeout" ||
      e.code == "rate_limited")
    throw Error(Errc::unavailable, msg);
  if (e.code == "fork")
    throw Error(Errc::protocol,
                msg +
                    " (the server holds a different history for this device, e.g. the "
                    "device was restored from an old backup: ask an administrator)");
  throw Error(Errc::protocol, msg);
}

std::size_t plain_bytes(const std::vector<SignedChangeSet>& batch) {
  std::size_t n = 0;
  for (const auto& scs : batch) n += scs.bytes.size() + scs.signature.size();
  return n;
}

}  // namespace

HttpReply Transport::get(const std::string& path, const std::map<std::string, std::string>&) {
  throw Error(Errc::protocol, "this transport cannot GET " + path);
}

SyncSummary& operator+=(SyncSummary& total, const SyncSummary& more) {
  total.sent += more.sent;
  total.applied += more.applied;
  total.duplicates += more.duplicates;
  total.refused.insert(total.refused.end(), more.refused.begin(), more.refused.end());
  total.conflicts.insert(total.conflicts.end(), more.conflicts.begin(), more.conflicts.end());
  total.requeued += more.requeued;
  total.repaired += more.repaired;
  total.body_budget = std::max(total.body_budget, more.body_budget);
  total.pulled_events += more.pulled_events;
  total.pages += more.pages;
  total.cursor_reset = total.cursor_reset || more.cursor_reset;
  return total;
}

ClientSession::ClientSession(Transport& transport, Replica& replica, SyncOptions options)
    : transport_(transport), replica_(replica), options_(std::move(options)) {}

void ClientSession::progress(const std::string& what) {
  if (options_.on_progress) options_.on_progress(what);
}

HttpReply ClientSession::post_signed(const std::string& path, const Bytes& plain_body,
                                     const std::string& content_type) {
  Body body = make_body(plain_body);
  const std::string device = replica_.device_id();
  std::uint64_t at_least = 0;
  for (int attempt = 0; attempt < kMaxCounterRetries; ++attempt) {
    std::uint64_t counter = replica_.next_counter(at_least);
    std::string to_sign = signing_string("POST", path, device, counter, body.bytes);
    std::map<std::string, std::string> headers = {
        {kHeaderDevice, device},
        {kHeaderCounter, std::to_string(counter)},
        {kHeaderSignature, base64_encode(replica_.sign(as_bytes(to_sign)))},
        {"Content-Type", content_type},
        {"Accept-Encoding", "gzip"}};
    if (body.gzipped) headers["Content-Encoding"] = "gzip";
    HttpReply reply = transport_.post(path, headers, body.bytes);
    reply.body = open_body(header(reply.headers, "Content-Encoding"), reply.body);
    if (reply.status == 401) {
      WireError e = error_of(reply);
      if (e.code == "stale_counter" && e.last_counter) {
        at_least = *e.last_counter;  // another copy of this device used higher counters
        continue;
      }
    }
    return reply;
  }
  throw Error(Errc::unauthorized, path + ": the server refused the request counter " +
                                      std::to_string(kMaxCounterRetries) + " times");
}

void ClientSession::rebuild_own_events(PullPage& page) {
  if (page.own.empty()) return;
  const std::string device = replica_.device_id();
  for (const auto& ref : page.own) {
    auto op = replica_.own_operation(ref.op);
    if (!op)
      throw Error(Errc::protocol, "pull: the server listed operation " + std::to_string(ref.op) +
                                      " as this device's own, but this store does not hold it");
    PullEvent e;
    e.kind = "value";
    e.seq = ref.seq;
    e.version = ref.seq;
    e.unit = std::move(op->unit);
    e.field = std::move(op->field);
    e.value = std::move(op->value);
    e.device = device;
    e.author = std::move(op->author);
    e.hlc = op->hlc;
    page.events.push_back(std::move(e));
  }
  std::stable_sort(page.events.begin(), page.events.end(),
                   [](const PullEvent& a, const PullEvent& b) { return a.seq < b.seq; });
  for (std::size_t i = 1; i < page.events.size(); ++i)
    if (page.events[i].seq == page.events[i - 1].seq)
      throw Error(Errc::protocol, "pull: event " + std::to_string(page.events[i].seq) +
                                      " was both sent and listed as this device's own");
  page.own.clear();
}

void ClientSession::accept_page(const PullRequest& req, PullPage page) {
  rebuild_own_events(page);
  if (!req.server_id.empty() && page.server_id != req.server_id)
    throw Error(Errc::protocol, "pull: the server id changed without a cursor reset");
  if (page.cursor.seq < req.cursor.seq)
    throw Error(Errc::protocol, "pull: the server moved the cursor backwards");
  for (const auto& ev : page.events)
    if (ev.seq <= req.cursor.seq || ev.seq > page.cursor.seq)
      throw Error(Errc::protocol,
                  "pull: event " + std::to_string(ev.seq) + " is outside the page's range");
  if (page.more && page.cursor.seq == req.cursor.seq)
    throw Error(Errc::protocol, "pull: the server says there is more but sent nothing");
  replica_.apply_page(page);
  ++summary_.pages;
  summary_.pulled_events += page.events.size();
  progress("pulled page " + std::to_string(summary_.pages) + " (" +
           std::to_string(page.events.size()) + " events, up to seq " +
           std::to_string(page.cursor.seq) + ")");
}

bool ClientSession::fit_body_limit() {
  const std::string path = "/v1/status";
  const std::string device = replica_.device_id();
  const std::uint64_t counter = replica_.next_counter(0);
  const std::string to_sign = signing_string("GET", path, device, counter, Bytes{});
  HttpReply reply =
      transport_.get(path, {{kHeaderDevice, device},
                            {kHeaderCounter, std::to_string(counter)},
                            {kHeaderSignature, base64_encode(replica_.sign(as_bytes(to_sign)))}});
  if (reply.status != 200) return false;
  auto j = nlohmann::json::parse(open_body(header(reply.headers, "Content-Encoding"), reply.body),
                                 nullptr, false);
  if (!j.is_object() || !j.contains("limits") || !j["limits"].is_object() ||
      !j["limits"].contains("max_body") || !j["limits"]["max_body"].is_number_unsigned())
    return false;  // a server before 1.2 does not say
  const auto max_body = j["limits"]["max_body"].get<std::uint64_t>();
  std::uint64_t last_seq = 0;
  if (j.contains("device") && j["device"].is_object() && j["device"].contains("last_seq") &&
      j["device"]["last_seq"].is_number_unsigned())
    last_seq = j["device"]["last_seq"].get<std::uint64_t>();
  // Sized on the plain bytes (gzip only shrinks them), with room for the request's envelope.
  const std::size_t budget = max_body * 7 / 8 > 1024 ? max_body * 7 / 8 - 512 : 512;
  if (replica_.body_budget() != 0 && budget >= replica_.body_budget()) return false;
  replica_.set_body_budget(budget, last_seq + 1);
  summary_.body_budget = budget;
  progress("the server takes bodies up to " + std::to_string(max_body) +
           " bytes: sending smaller change sets");
  return true;
}

bool ClientSession::do_push(bool with_pull) {
  replica_.pack_pending();
  if (auto damaged = replica_.repair_unacknowledged()) {
    summary_.repaired += damaged;
    progress(std::to_string(damaged) +
             " stored change set(s) were damaged: rebuilt from the outbox and signed again");
  }
  bool pulled_all = false;
  bool asked_limit = false;
  std::optional<std::uint64_t> last_gap;
  while (true) {
    PushRequest request;
    std::size_t batch_bytes = options_.batch_bytes;
    if (auto budget = replica_.body_budget()) batch_bytes = std::min(batch_bytes, budget);
    request.batch = replica_.unacknowledged(options_.batch_change_sets, batch_bytes);
    // A body over the server's limit is refused unread, and the reset can reach the client
    // before the 413 does: so before the first push that could be over any limit (every
    // server takes 1 KiB), ask the limit once; a server before 1.2 does not say.
    if (!asked_limit && replica_.body_budget() == 0 && plain_bytes(request.batch) > 1024) {
      asked_limit = true;
      try {
        if (fit_body_limit()) continue;
      } catch (const Error& e) {
        if (e.retryable()) throw;
      }
    }
    const auto& batch = request.batch;
    if (batch.empty()) return pulled_all;
    std::set<std::uint64_t> seqs;
    for (const auto& scs : batch) seqs.insert(decode(scs.bytes).seq);
    progress("pushing " + std::to_string(batch.size()) + " change set(s) from seq " +
             std::to_string(*seqs.begin()));
    // The server answers the pull after applying the batch: the edit and the others' news in
    // one request (a server that predates this ignores it and sends no page).
    // No server id: the cursor's hash already identifies the log (and saves 43 bytes).
    const PullRequest pull{replica_.server_id(), replica_.cursor(), options_.pull_limit};
    // Since 1.4: without this device's own values echoed back (an older server ignores it).
    if (with_pull)
      request.pull = PullRequest{"", pull.cursor, pull.limit, replica_.keeps_operations()};
    HttpReply reply = post_signed(kPathPush, encode_push_pull_request(request), "application/cbor");
    summary_.sent += batch.size();
    if (reply.status == 413 && fit_body_limit()) continue;  // nothing of it was read
    if (reply.status != 200) throw_for(error_of(reply), "push");

    PushReply pr = decode_push_reply(reply.body);
    for (const auto& r : pr.results) {
      if (!seqs.count(r.seq))
        throw Error(Errc::protocol, "push: the server answered for change set " +
                                        std::to_string(r.seq) + ", which was not sent");
      replica_.record_result(r);
      switch (r.status) {
        case PushStatus::applied:
          ++summary_.applied;
          break;
        case PushStatus::duplicate:
          ++summary_.duplicates;
          break;
        case PushStatus::refused:
          break;
      }
      // Refused as a whole, or some of its operations (the others were applied).
      if (r.status == PushStatus::refused || !r.refused_ops.empty()) summary_.refused.push_back(r);
      summary_.conflicts.insert(summary_.conflicts.end(), r.conflicts.begin(), r.conflicts.end());
    }
    // After the results: the page may hold this device's own writes coming back.
    pulled_all = false;
    if (request.pull && pr.page) {
      if (pr.page->server_id.empty()) pr.page->server_id = pull.server_id;
      accept_page(pull, *pr.page);
      pulled_all = !pr.page->more;
    }
    if (!pr.error) {
      if (pr.results.size() != batch.size())
        throw Error(Errc::protocol, "push: the server answered " +
                                        std::to_string(pr.results.size()) + " of " +
                                        std::to_string(batch.size()) + " change sets");
      continue;
    }
    const WireError& e = *pr.error;
    if (e.code != "gap") throw_for(e, "push");
    if (!e.expected_seq) throw Error(Errc::protocol, "push: gap without expected_seq");
    // A gap twice at the same place with nothing recorded in between would loop forever.
    if (last_gap == e.expected_seq && pr.results.empty())
      throw Error(Errc::protocol, "push: the server keeps asking for change set " +
                                      std::to_string(*e.expected_seq));
    last_gap = e.expected_seq;
    progress("the server lost change sets from seq " + std::to_string(*e.expected_seq) +
             " (restored from a backup?): sending them again");
    auto n = replica_.requeue_from(*e.expected_seq);
    if (!n)
      throw Error(Errc::protocol, "push: the server needs change set " +
                                      std::to_string(*e.expected_seq) +
                                      ", which this device no longer holds: ask an administrator");
    summary_.requeued += *n;
  }
}

void ClientSession::do_pull() {
  bool reset_done = false;
  while (true) {
    PullRequest req{replica_.server_id(), replica_.cursor(), options_.pull_limit};
    HttpReply reply = post_signed(kPathPull, encode_pull_request(req), "application/json");
    if (reply.status != 200) {
      WireError e = error_of(reply);
      if (e.code != "cursor_reset") throw_for(e, "pull");
      if (reset_done) throw Error(Errc::protocol, "pull: the server reset the cursor twice");
      reset_done = true;
      summary_.cursor_reset = true;
      progress(
          "the server's history changed (restored or replaced): pulling again from the "
          "start; unsent changes are kept");
      replica_.reset_cursor();
      continue;
    }
    PullPage page = decode_pull_page(reply.body);
    accept_page(req, page);
    if (!page.more) return;
  }
}

SyncSummary ClientSession::sync() {
  summary_ = {};
  // A pull of its own only when there was nothing to push, or the push's page was cut short
  // (or missing: an older server, or a cursor to reset).
  if (!do_push(options_.pull_with_push)) do_pull();
  return summary_;
}

SyncSummary ClientSession::push() {
  summary_ = {};
  do_push(false);
  return summary_;
}

SyncSummary ClientSession::pull() {
  summary_ = {};
  do_pull();
  return summary_;
}

std::chrono::milliseconds backoff_delay(unsigned attempt, double jitter_fraction) {
  constexpr std::int64_t base_ms = 1000, cap_ms = 5 * 60 * 1000;
  if (!(jitter_fraction >= 0.0)) jitter_fraction = 0.0;  // also NaN
  if (jitter_fraction > 1.0) jitter_fraction = 1.0;
  std::int64_t full = attempt >= 20 ? cap_ms : std::min(cap_ms, base_ms << attempt);
  auto half = static_cast<double>(full) / 2.0;
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(std::llround(half + jitter_fraction * half)));
}

}  // namespace tongket::sync
