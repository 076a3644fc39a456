// Enrolment, sync (one attempt or retries with backoff, progress, cancellation), status and
// conflicts: the client's side of sync on top of the store. The protocol itself is sync/'s.
#include <chrono>
#include <thread>

#include "core/workspace_impl.hpp"
#include "review/deadline.hpp"
#include "review/review_log.hpp"
#include "store/sqlite.hpp"
#include "store/store_access.hpp"
#include "sync/store_replica.hpp"
#include "tongket/client/curl_transport.hpp"
#include "tongket/error.hpp"
#include "tongket/file.hpp"
#include "tongket/platform.hpp"
#include "tongket/server_messages.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/messages.hpp"
#include "tongket/sync/workflow.hpp"
#include "tongket/time_text.hpp"

namespace tongket::client {

namespace {

using store::Statement;

std::filesystem::path key_path(const Workspace::Impl& d) {
  std::filesystem::path key = d.store.file();
  key += ".key";
  return key;
}

// The private key lives beside the store, readable by its owner only (platform.hpp).
void write_private_key(const Workspace::Impl& d, const std::filesystem::path& file,
                       const std::string& pem) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  std::error_code ignored;  // a leftover that cannot go makes the create below fail clearly
  std::filesystem::remove(tmp, ignored);
  if (!platform::write_new_private_file(tmp, pem))
    throw Error(Errc::io_error, d.msg("key.cannot_create", {platform::path_to_utf8(tmp)}));
  std::filesystem::rename(tmp, file);
}

sync::SigningKey read_private_key(const Workspace::Impl& d, const std::filesystem::path& file) {
  const std::string name = platform::path_to_utf8(file);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw Error(Errc::unauthorized, d.msg("key.none", {name}));
  if (!platform::is_private_file(file))
    throw Error(Errc::unauthorized,
                d.msg("key.readable", {name, platform::make_private_command(file)}));
  return sync::SigningKey::from_pem(read_file(file, "the device key"));
}

net::TransportOptions transport_options(Workspace::Impl& d, const std::string& server,
                                        const std::string& ca) {
  net::TransportOptions o;
  o.server_url = !server.empty() ? server : d.store.meta("server_url").value_or("");
  o.ca_file = platform::path_from_utf8(!ca.empty() ? ca : d.store.meta("ca_file").value_or(""));
  if (o.server_url.empty()) throw Error(Errc::invalid_argument, d.msg("sync.no_server"));
  return o;
}

void record_attempt(Workspace::Impl& d, const std::optional<std::string>& error) {
  auto& db = StoreAccess::database(d.store);
  const auto when = utc_iso(d.now());
  if (error) {
    Statement st(db, "UPDATE sync_state SET last_attempt = ?1, last_error = ?2 WHERE id = 1");
    st.bind(1, when).bind(2, *error).run();
  } else {
    Statement st(db,
                 "UPDATE sync_state SET last_attempt = ?1, last_success = ?1, last_error = NULL "
                 "WHERE id = 1");
    st.bind(1, when).run();
  }
}

struct Cancelled {};  // thrown from the progress callback to stop a sync; never escapes

// The transport's and the session's failures in the clerk's words (same code, so the same
// exit code and retry decision).
Error in_words(const Workspace::Impl& d, const Error& e, const std::string& server) {
  return Error(e.code(), explain_sync_error(d.lang(), e, server));
}

void fill(const Workspace::Impl& d, SyncReport& r, const sync::SyncSummary& s) {
  r.sent = s.sent;
  r.applied = s.applied;
  r.duplicates = s.duplicates;
  r.requeued = s.requeued;
  r.pulled = s.pulled_events;
  r.pages = s.pages;
  r.cursor_reset = s.cursor_reset;
  r.refused.clear();
  for (const auto& x : s.refused) {
    if (x.refused_ops.empty()) r.refused.push_back({x.seq, 0, explain_refusal(d.lang(), x.reason)});
    for (const auto& op : x.refused_ops)
      r.refused.push_back({x.seq, op.op, explain_refusal(d.lang(), op.reason)});
  }
  r.conflicts = s.conflicts;
}

// Fills the report and the count of refused edits still kept (a later sync may report none
// refused while earlier refusals stand).
void finish(Workspace::Impl& d, SyncReport& r, const sync::SyncSummary& s) {
  fill(d, r, s);
  r.refused_kept = d.store.refused_ops().size();
}

bool cancelled(const SyncControl& c) {
  return c.cancel && c.cancel->load();
}

}  // namespace

EnrollResult Workspace::enroll(const EnrollInput& input) {
  auto& d = *impl_;
  if (input.token.empty()) throw Error(Errc::invalid_argument, d.msg("enroll.token"));
  // A store enrolled before may enroll again (its device was revoked, or the laptop moves to a
  // new server): a new key and device; its unsent edits are signed again with them.
  const auto previous = d.store.meta("device_id").value_or("");
  auto options = transport_options(d, input.server_url, input.ca_file);
  if (!options.ca_file.empty()) options.ca_file = std::filesystem::absolute(options.ca_file);
  std::optional<net::CurlTransport> transport;
  try {
    transport.emplace(options);
  } catch (const Error& e) {
    throw in_words(d, e, options.server_url);
  }
  const auto key_file = key_path(d);
  if (previous.empty() && std::filesystem::exists(key_file))
    throw Error(Errc::io_error, d.msg("enroll.key_exists", {platform::path_to_utf8(key_file)}));
  // The key is saved before the server hears of it: the server never registers a key that no
  // store kept.
  auto key = sync::SigningKey::generate();
  std::filesystem::path new_key_file = key_file;
  new_key_file += ".new";
  write_private_key(d, new_key_file, key.private_pem());
  // The store's unit goes with the request: a token for another unit is refused unspent.
  sync::EnrollRequest request{input.token, key.public_key(), platform::host_name(), d.store.unit()};
  sync::HttpReply reply;
  try {
    reply = transport->post(sync::kPathEnroll, {{"Content-Type", "application/json"}},
                            sync::encode_enroll_request(request));
  } catch (const Error& e) {
    // The key file stays: the server may have registered it before the link dropped.
    throw in_words(d, e, options.server_url);
  }
  if (reply.status != 200) {
    std::error_code ignored;  // the refusal is what the user needs to hear
    std::filesystem::remove(new_key_file, ignored);
    auto e = sync::decode_error(reply.body);
    throw Error(reply.status == 401 || reply.status == 403 ? Errc::unauthorized : Errc::protocol,
                explain_enroll_refusal(d.lang(), e.code, e.message));
  }
  auto enrolled = sync::decode_enroll_reply(reply.body);
  if (enrolled.unit != d.store.unit())
    throw Error(Errc::unauthorized, d.msg("enroll.other_unit", {enrolled.unit, d.store.unit()}));
  // The old key is kept (renamed), never overwritten: what it signed stays verifiable.
  if (!previous.empty() && std::filesystem::exists(key_file))
    std::filesystem::rename(key_file, std::filesystem::path(key_file) += ".old-" + previous);
  std::filesystem::rename(new_key_file, key_file);
  EnrollResult out;
  out.resigned = d.store.record_enrollment(enrolled.device_id, enrolled.role, options.server_url,
                                           platform::path_to_utf8(options.ca_file));
  out.unit = unit();
  out.device = enrolled.device_id;
  out.role = enrolled.role;
  out.previous_device = previous;
  return out;
}

std::string Workspace::device_key_file() const {
  return platform::path_to_utf8(key_path(*impl_));
}

SyncReport Workspace::sync(const SyncControl& control) {
  auto& d = *impl_;
  auto key = read_private_key(d, key_path(d));
  const auto transport_opts = transport_options(d, control.server_url, control.ca_file);
  std::optional<net::CurlTransport> transport;
  try {
    transport.emplace(transport_opts);
  } catch (const Error& e) {
    throw in_words(d, e, transport_opts.server_url);
  }
  StoreReplica replica(d.store, key);
  sync::SyncOptions options;
  options.on_progress = [&](std::string_view what) {
    if (cancelled(control)) throw Cancelled{};
    if (control.on_progress) control.on_progress(explain_progress(d.lang(), std::string(what)));
  };
  SyncReport report;
  sync::SyncSummary total;  // over every attempt
  for (int attempt = 0;; ++attempt) {
    report.attempts = attempt + 1;
    sync::ClientSession session(*transport, replica, options);
    try {
      total += session.sync();
      d.reload_units_if_added();
      record_attempt(d, std::nullopt);
      finish(d, report, total);
      report.ok = true;
      return report;
    } catch (const Cancelled&) {
      // Every step the session took is its own transaction: the outbox is intact.
      total += session.summary();
      record_attempt(d, d.msg("sync.cancelled"));
      finish(d, report, total);
      report.cancelled = true;
      report.error = d.msg("sync.cancelled");
      return report;
    } catch (const Error& raw) {
      const Error e = in_words(d, raw, transport_opts.server_url);
      total += session.summary();
      record_attempt(d, e.what());
      finish(d, report, total);
      report.error = e.what();
      // The outbox is intact whatever happened: what was not acknowledged is sent again.
      if (!e.retryable() || attempt + 1 >= control.attempts) {
        if (control.on_failure) control.on_failure(report);
        throw e;
      }
      const double jitter = static_cast<double>(sync::random_bytes(1)[0]) / 255.0;
      auto delay = sync::backoff_delay(static_cast<unsigned>(attempt), jitter);
      if (control.on_retry) control.on_retry(e.what(), static_cast<double>(delay.count()) / 1000.0);
      // Sleeps in slices so that a cancel is seen within a tenth of a second.
      const auto until = std::chrono::steady_clock::now() + delay;
      while (std::chrono::steady_clock::now() < until && !cancelled(control))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (cancelled(control)) {
        report.cancelled = true;
        report.error = d.msg("sync.cancelled");
        return report;
      }
    }
  }
}

Status Workspace::status() {
  auto& d = *impl_;
  auto& db = StoreAccess::database(d.store);
  Status s;
  s.unit = unit();
  s.device = d.store.meta("device_id").value_or("");
  if (!s.device.empty()) s.role = d.store.meta("role").value_or("");
  s.server = d.store.meta("server_url").value_or("");
  s.unsent = d.store.outbox_count(OpState::pending);
  s.waiting_for_server = d.store.outbox_count(OpState::packed);
  {
    Statement st(db, "SELECT last_success, last_attempt, last_error FROM sync_state");
    st.step();
    s.last_sync = st.optional_text(0).value_or("");
    s.last_attempt = st.optional_text(1).value_or("");
    s.last_error = st.optional_text(2).value_or("");
  }
  const auto own = d.store.unit();
  auto r = current_review(d.store, own);
  const auto state = r ? r->state : sync::ReviewState::draft;
  s.report_state = std::string(sync::review_state_name(state));
  s.report_state_label = d.msg("state." + s.report_state);
  if (r) {
    s.last_action = std::string(sync::review_action_name(r->action));
    s.last_action_author = r->author;
    s.last_action_time = sync::vietnam_time(sync::HybridClock::millis(r->hlc));
    s.last_action_synced = r->seq.has_value();
    s.reviewer_comment = r->comment;
  }
  UnitLevel lvl = d.own_unit() ? d.level() : d.units().find(own)->level;
  // The same deadline submit judges by (client/src/review/deadline).
  s.deadline = deadline_in_force(d.tpl, d.store, own, lvl);
  if (auto end = sync::deadline_end_ms(s.deadline)) {
    const auto now = d.now();
    const auto day = std::int64_t{86400000};
    const auto diff = static_cast<std::int64_t>(*end) - static_cast<std::int64_t>(now);
    s.days_left = static_cast<int>(diff >= 0 ? diff / day : -((-diff + day - 1) / day));
    s.submitted = state != sync::ReviewState::draft && state != sync::ReviewState::returned;
    s.overdue = !s.submitted && now > *end;
  }
  for (const auto& u : reviewed_units(d.store)) {
    if (u == own || sync::reviewing_unit(d.units(), u) != own) continue;
    if (current_state(d.store, u) == sync::ReviewState::submitted) ++s.waiting_for_review;
  }
  {
    Statement st(db, "SELECT count(*) FROM conflict WHERE state = 'open'");
    st.step();
    s.open_conflicts = static_cast<std::size_t>(st.int64(0));
  }
  // Each outstanding refused edit with its own reason (not the change set's).
  for (const auto& op : d.store.refused_ops()) {
    RefusedEdit e;
    e.op = op.id;
    e.unit = op.unit;
    e.key = e.field = op.key.str();
    e.reason = explain_refusal(d.lang(), op.refusal);
    e.value = shown_value(op.value);
    if (op.key.kind == FieldKind::value) e.field = op.key.item + "@" + op.key.detail;
    if (const Indicator* ind = d.tpl.indicator(op.key.item)) e.label = ind->label;
    if (const Section* sec = d.tpl.section(op.key.item)) e.label = sec->heading;
    s.refused.push_back(std::move(e));
  }
  s.refused_count = s.refused.size();
  return s;
}

std::vector<Conflict> Workspace::conflicts(bool include_resolved) {
  auto& d = *impl_;
  Statement st(StoreAccess::database(d.store),
               "SELECT id, unit, key, current_value, current_author, current_device, "
               "other_value, other_author, other_device, state FROM conflict "
               "WHERE state = 'open' OR ?1 ORDER BY id");
  st.bind(1, include_resolved ? 1 : 0);
  std::vector<Conflict> out;
  while (st.step()) {
    Conflict c;
    c.id = st.uint64(0);
    c.unit = st.text(1);
    c.field = st.text(2);
    if (auto key = FieldKey::parse(c.field))
      if (const Indicator* ind = d.tpl.indicator(key->item)) c.label = ind->label;
    c.current_value = st.optional_text(3).value_or("null");
    c.current_author = st.optional_text(4).value_or("?");
    c.current_device = st.optional_text(5).value_or("?");
    c.other_value = st.optional_text(6).value_or("null");
    c.other_author = st.optional_text(7).value_or("?");
    c.other_device = st.optional_text(8).value_or("?");
    c.state = st.text(9);
    out.push_back(std::move(c));
  }
  return out;
}

void Workspace::resolve_conflict(std::uint64_t id, bool keep_current) {
  auto& d = *impl_;
  std::string unit, key_text;
  nlohmann::json value;
  {
    Statement st(StoreAccess::database(d.store),
                 "SELECT unit, key, current_value, other_value FROM conflict WHERE id = ?1 AND "
                 "state = 'open'");
    st.bind(1, id);
    if (!st.step()) throw Error(Errc::not_found, d.msg("conflict.none", {std::to_string(id)}));
    unit = st.text(0);
    key_text = st.text(1);
    value = nlohmann::json::parse(st.optional_text(keep_current ? 2 : 3).value_or("null"));
  }
  auto key = FieldKey::parse(key_text);
  if (!key) throw Error(Errc::internal, d.msg("conflict.bad_field", {std::to_string(id)}));
  if (unit != d.unit())
    throw Error(Errc::invalid_argument, d.msg("conflict.other_unit", {std::to_string(id), unit}));
  d.write_one(*key, value, id);
}

void Workspace::reapply(std::uint64_t op) {
  auto& d = *impl_;
  std::string unit, key_text;
  nlohmann::json value;
  {
    Statement st(StoreAccess::database(d.store),
                 "SELECT unit, key, value FROM refused_op WHERE op_id = ?1");
    st.bind(1, op);
    if (!st.step()) throw Error(Errc::not_found, d.msg("refused.none", {std::to_string(op)}));
    unit = st.text(0);
    key_text = st.text(1);
    value = nlohmann::json::parse(st.optional_text(2).value_or("null"));
  }
  auto key = FieldKey::parse(key_text);
  if (!key) throw Error(Errc::internal, d.msg("conflict.bad_field", {std::to_string(op)}));
  if (unit != d.unit())
    throw Error(Errc::invalid_argument, d.msg("conflict.other_unit", {std::to_string(op), unit}));
  const auto again = d.write_one(*key, value);
  // As retry_refused does: the refused edit is marked as sent again, so it leaves the list.
  Statement link(StoreAccess::database(d.store),
                 "UPDATE outbox SET retried_as = ?2 WHERE op_id = ?1");
  link.bind(1, op).bind(2, again).run();
}

std::size_t Workspace::retry_refused() {
  auto& d = *impl_;
  return d.store.retry_refused(d.now());
}

}  // namespace tongket::client
