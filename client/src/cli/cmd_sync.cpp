// enroll, sync, status, conflicts: the client's side of sync, on top of the offline store.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "review/review_log.hpp"
#include "store/sqlite.hpp"
#include "sync/store_replica.hpp"
#include "tongket/client/curl_transport.hpp"
#include "tongket/error.hpp"
#include "tongket/file.hpp"
#include "tongket/platform.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/messages.hpp"
#include "tongket/sync/workflow.hpp"
#include "tongket/time_text.hpp"

namespace tongket::cli {

namespace {

using store::Statement;

std::filesystem::path key_path(Context& ctx) {
  std::filesystem::path key = ctx.store_path();
  key += ".key";
  return key;
}

// The private key lives beside the store, readable by its owner only.
void write_private_key(const std::filesystem::path& file, const std::string& pem) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  std::filesystem::remove(tmp);
  if (!platform::write_new_private_file(tmp, pem))
    throw Error(Errc::io_error, "cannot create the key file " + platform::path_to_utf8(tmp));
  std::filesystem::rename(tmp, file);
}

sync::SigningKey read_private_key(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    throw Error(Errc::unauthorized, "no device key at " + platform::path_to_utf8(file) +
                                        ": enroll this store first (tongket enroll)");
  }
  if (!platform::is_private_file(file)) {
    throw Error(Errc::unauthorized,
                "the device key " + platform::path_to_utf8(file) +
                    " is readable by others; run: " + platform::make_private_command(file));
  }
  return sync::SigningKey::from_pem(read_file(file, "the device key"));
}

net::TransportOptions transport_options(Context& ctx) {
  auto& store = ctx.store();
  net::TransportOptions o;
  o.server_url = ctx.args().value("server").value_or(store.meta("server_url").value_or(""));
  o.ca_file =
      platform::path_from_utf8(ctx.args().value("ca").value_or(store.meta("ca_file").value_or("")));
  if (o.server_url.empty()) {
    throw Error(Errc::invalid_argument, "no server: pass --server https://HOST:PORT");
  }
  return o;
}

void record_attempt(Context& ctx, const std::optional<std::string>& error) {
  auto& db = ctx.store().database();
  if (error) {
    Statement st(db, "UPDATE sync_state SET last_attempt = ?1, last_error = ?2 WHERE id = 1");
    st.bind(1, utc_iso(system_time_ms())).bind(2, *error).run();
  } else {
    Statement st(db,
                 "UPDATE sync_state SET last_attempt = ?1, last_success = ?1, last_error = NULL "
                 "WHERE id = 1");
    st.bind(1, utc_iso(system_time_ms())).run();
  }
}

void print_summary(std::ostream& out, const sync::SyncSummary& s) {
  out << "sent " << s.sent << " change set(s): " << s.applied << " applied, " << s.duplicates
      << " already there, " << s.refused.size() << " refused, " << s.conflicts.size()
      << " conflict(s)";
  if (s.requeued) out << ", " << s.requeued << " re-sent after a server restore";
  out << "\npulled " << s.pulled_events << " change(s) in " << s.pages << " page(s)";
  if (s.cursor_reset) out << " (the server was new or restored: pulled again from the start)";
  out << "\n";
  for (const auto& r : s.refused) {
    out << "  refused change set " << r.seq << ": " << r.reason << "\n";
  }
  for (auto id : s.conflicts) {
    out << "  conflict " << id << ": see `tongket conflicts`\n";
  }
}

}  // namespace

int cmd_enroll(Context& ctx) {
  auto& store = ctx.store();
  const auto token = ctx.args().value("token");
  if (!token) throw Error(Errc::invalid_argument, "pass the enrollment token: --token TOKEN");
  if (auto dev = store.meta("device_id"); dev && !dev->empty()) {
    throw Error(Errc::invalid_argument, "this store is already enrolled as device " + *dev);
  }
  auto options = transport_options(ctx);
  if (!options.ca_file.empty()) options.ca_file = std::filesystem::absolute(options.ca_file);
  net::CurlTransport transport(options);

  const auto key_file = key_path(ctx);
  if (std::filesystem::exists(key_file)) {
    throw Error(Errc::io_error, "a device key already exists at " +
                                    platform::path_to_utf8(key_file) +
                                    "; move it away only if this store was never enrolled");
  }
  auto key = sync::SigningKey::generate();
  sync::EnrollRequest request{*token, key.public_key(), platform::host_name()};
  auto reply = transport.post(sync::kPathEnroll, {{"Content-Type", "application/json"}},
                              sync::encode_enroll_request(request));
  if (reply.status != 200) {
    auto e = sync::decode_error(reply.body);
    throw Error(reply.status == 401 || reply.status == 403 ? Errc::unauthorized : Errc::protocol,
                "enrollment refused: " + e.message + " (" + e.code + ")");
  }
  auto enrolled = sync::decode_enroll_reply(reply.body);
  if (enrolled.unit != store.unit()) {
    throw Error(Errc::unauthorized, "the token is for unit " + enrolled.unit +
                                        " but this store reports for " + store.unit() +
                                        "; ask for a token for " + store.unit());
  }
  write_private_key(key_file, key.private_pem());
  store.set_meta("device_id", enrolled.device_id);
  store.set_meta("role", enrolled.role);
  store.set_meta("server_url", options.server_url);
  store.set_meta("ca_file", platform::path_to_utf8(options.ca_file));
  ctx.out << "enrolled as device " << enrolled.device_id << " (" << enrolled.role << ") for unit "
          << enrolled.unit << "\nkey: " << platform::path_to_utf8(key_file) << "\n";
  return 0;
}

int cmd_sync(Context& ctx) {
  const auto attempts = static_cast<int>(ctx.args().number("attempts", 4, 1, 100));
  auto& store = ctx.store();
  auto key = read_private_key(key_path(ctx));
  net::CurlTransport transport(transport_options(ctx));
  client::StoreReplica replica(store, key);
  sync::SyncOptions options;
  const bool quiet = ctx.args().has("quiet");
  options.on_progress = [&](std::string_view what) {
    if (!quiet) ctx.err << "sync: " << what << "\n";
  };
  sync::SyncSummary total;  // over every attempt
  for (int attempt = 0;; ++attempt) {
    sync::ClientSession session(transport, replica, options);
    try {
      total += session.sync();
      record_attempt(ctx, std::nullopt);
      print_summary(ctx.out, total);
      return 0;
    } catch (const Error& e) {
      total += session.summary();
      record_attempt(ctx, e.what());
      // The outbox is intact whatever happened: what was not acknowledged is sent again.
      if (!e.retryable() || attempt + 1 >= attempts) {
        print_summary(ctx.out, total);
        throw;
      }
      const double jitter = static_cast<double>(sync::random_bytes(1)[0]) / 255.0;
      auto delay = sync::backoff_delay(static_cast<unsigned>(attempt), jitter);
      ctx.err << "sync: " << e.what() << "; trying again in " << delay.count() / 1000.0 << " s\n";
      std::this_thread::sleep_for(delay);
    }
  }
}

int cmd_status(Context& ctx) {
  auto& store = ctx.store();
  auto& db = store.database();
  ctx.out << "unit: " << store.unit() << "\n";
  auto device = store.meta("device_id");
  ctx.out << "device: "
          << (device && !device->empty() ? *device + " (" + store.meta("role").value_or("") + ")"
                                         : std::string("not enrolled"))
          << "\n";
  if (auto url = store.meta("server_url")) ctx.out << "server: " << *url << "\n";
  ctx.out << "outbox: " << store.outbox_count(OpState::pending) << " edit(s) not yet packed, "
          << store.outbox_count(OpState::packed) << " sent and waiting for the server, "
          << store.outbox_count(OpState::refused) << " refused\n";
  Statement st(db, "SELECT last_success, last_attempt, last_error, cursor_seq FROM sync_state");
  st.step();
  ctx.out << "last successful sync: " << st.optional_text(0).value_or("never") << "\n";
  if (auto e = st.optional_text(2)) {
    ctx.out << "last attempt " << st.optional_text(1).value_or("") << " failed: " << *e << "\n";
  }
  // The report's place in the review round, and what is due when.
  {
    auto r = client::current_review(store, store.unit());
    ctx.out << "report: " << sync::review_state_name(r ? r->state : sync::ReviewState::draft);
    if (r) {
      ctx.out << " (" << sync::review_action_name(r->action) << " by "
              << (r->author.empty() ? std::string("?") : r->author) << " at "
              << sync::vietnam_time(sync::HybridClock::millis(r->hlc))
              << (r->seq ? "" : ", not synced yet") << ")";
      if (!r->comment.empty()) ctx.out << "\n  comment: " << r->comment;
    }
    ctx.out << "\n";
    std::string deadline;
    if (const auto* info = ctx.report_template().level(ctx.level())) deadline = info->deadline;
    if (r && r->extra.is_object() && r->extra.contains("deadline") &&
        r->extra["deadline"].is_string())
      deadline = r->extra["deadline"].get<std::string>();
    if (auto end = sync::deadline_end_ms(deadline)) {
      const auto state = r ? r->state : sync::ReviewState::draft;
      const bool done = state != sync::ReviewState::draft && state != sync::ReviewState::returned;
      ctx.out << "deadline: " << deadline << " (end of day, UTC+7): "
              << (done                       ? "submitted"
                  : system_time_ms() <= *end ? "due"
                                             : "OVERDUE: submit as soon as possible")
              << "\n";
    }
    int waiting = 0;
    for (const auto& unit : client::reviewed_units(store)) {
      if (unit == store.unit() || sync::reviewing_unit(ctx.hierarchy(), unit) != store.unit())
        continue;
      if (client::current_state(store, unit) == sync::ReviewState::submitted) ++waiting;
    }
    if (waiting) ctx.out << "waiting for your review: " << waiting << " (tongket review pending)\n";
  }
  Statement conflicts(db, "SELECT count(*) FROM conflict WHERE state = 'open'");
  conflicts.step();
  ctx.out << "open conflicts: " << conflicts.int64(0) << "\n";
  Statement refused(db, "SELECT op_id, key, reason FROM refused_op ORDER BY op_id LIMIT 20");
  while (refused.step()) {
    ctx.out << "  refused edit " << refused.int64(0) << " of " << refused.text(1) << ": "
            << refused.optional_text(2).value_or("") << "\n";
  }
  return 0;
}

int cmd_conflicts(Context& ctx) {
  auto& db = ctx.store().database();
  Statement st(db,
               "SELECT id, unit, key, current_value, current_author, current_device, "
               "other_value, other_author, other_device, state FROM conflict "
               "WHERE state = 'open' OR ?1 ORDER BY id");
  st.bind(1, ctx.args().has("all") ? 1 : 0);
  int n = 0;
  while (st.step()) {
    ++n;
    ctx.out << "conflict " << st.int64(0) << " [" << st.text(9) << "] unit " << st.text(1) << " "
            << st.text(2) << "\n  current: " << st.optional_text(3).value_or("null") << " by "
            << st.optional_text(4).value_or("?") << " (device " << st.optional_text(5).value_or("?")
            << ")\n  other:   " << st.optional_text(6).value_or("null") << " by "
            << st.optional_text(7).value_or("?") << " (device " << st.optional_text(8).value_or("?")
            << ")\n";
  }
  if (n == 0) ctx.out << "no open conflicts\n";
  return 0;
}

int cmd_conflicts_resolve(Context& ctx) {
  const std::uint64_t id = parse_number(ctx.operands().at(0), "conflict", 1, UINT64_MAX);
  auto& store = ctx.store();
  Statement st(store.database(),
               "SELECT unit, key, current_value, other_value FROM conflict WHERE id = ?1 AND "
               "state = 'open'");
  st.bind(1, id);
  if (!st.step()) throw Error(Errc::not_found, "no open conflict " + std::to_string(id));
  const std::string unit = st.text(0);
  auto key = FieldKey::parse(st.text(1));
  if (!key) throw Error(Errc::internal, "conflict " + std::to_string(id) + " has a bad field");
  const std::string keep = ctx.args().value("keep").value_or("");
  nlohmann::json value;
  if (keep == "current") {
    value = nlohmann::json::parse(st.optional_text(2).value_or("null"));
  } else if (keep == "other") {
    value = nlohmann::json::parse(st.optional_text(3).value_or("null"));
  } else {
    throw Error(Errc::invalid_argument, "say which value to keep: --keep current or --keep other");
  }
  st.reset();
  if (unit != ctx.unit()) {
    throw Error(Errc::invalid_argument, "conflict " + std::to_string(id) + " is about unit " +
                                            unit + ": pass --unit " + unit);
  }
  ctx.check_writable(*key, value);
  ctx.write(*key, value, id);
  ctx.out << "conflict " << id << ": keeping the " << keep
          << " value; it is sent with the next sync\n";
  return 0;
}

}  // namespace tongket::cli
