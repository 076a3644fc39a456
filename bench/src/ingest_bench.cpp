#include "ingest_bench.hpp"
#include "timing.hpp"

#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <stdexcept>

#include "store_setup.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/sync/chain.hpp"
#include "tongket/sync/messages.hpp"
#include "tongket/sync/request_auth.hpp"

namespace tongket::bench {

namespace {

void check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    throw std::runtime_error(std::string("raw sqlite: ") + what + ": " + sqlite3_errmsg(db));
}

// The baseline: the same rows (unit, field key, value as JSON text) into one plain table, one
// transaction per change set, with the server store's journal settings (WAL, synchronous=FULL).
class RawInsert {
 public:
  explicit RawInsert(const std::filesystem::path& file) {
    check(db_, sqlite3_open(file.c_str(), &db_), "open");
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec(
        "CREATE TABLE value_rows (unit TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,"
        " PRIMARY KEY (unit, field)) STRICT, WITHOUT ROWID");
    check(db_,
          sqlite3_prepare_v2(db_, "INSERT INTO value_rows (unit, field, value) VALUES (?, ?, ?)",
                             -1, &insert_, nullptr),
          "prepare");
  }
  ~RawInsert() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }
  struct Row {
    std::string field, value;
  };
  void insert(const std::string& unit, const std::vector<Row>& rows) {
    exec("BEGIN");
    for (const auto& r : rows) {
      sqlite3_bind_text(insert_, 1, unit.data(), static_cast<int>(unit.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert_, 2, r.field.data(), static_cast<int>(r.field.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(insert_, 3, r.value.data(), static_cast<int>(r.value.size()),
                        SQLITE_STATIC);
      check(db_, sqlite3_step(insert_), "insert");
      sqlite3_reset(insert_);
    }
    exec("COMMIT");
  }

 private:
  void exec(const char* sql) { check(db_, sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), sql); }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

}  // namespace

std::size_t run_ingest(BenchEnv& env, const std::filesystem::path& data_dir) {
  const std::size_t wanted = std::max<std::size_t>(
      95, static_cast<std::size_t>(env.scale * static_cast<double>(env.communes.size()) + 0.5));
  const std::size_t target = std::min(wanted, env.communes.size());
  std::cerr << "ingest: " << target << " communes (budget " << env.ingest_budget_s << " s)\n";

  server::init_sqlite_store(data_dir, env.units, env.template_json, now_ms());
  auto store = server::open_sqlite_store(data_dir);
  server::HandlerContext ctx{
      *store, env.tpl, [] { return now_ms(); }, store->identity().server_id, {}};
  RawInsert raw(data_dir / "raw-baseline.db");

  double push_s = 0, raw_s = 0, enroll_s = 0, push_cpu = 0, raw_cpu = 0;
  std::size_t ops_total = 0, wire_bytes = 0, change_sets = 0, n = 0;
  const auto phase_start = Clock::now();
  const std::uint64_t hlc = static_cast<std::uint64_t>(now_ms()) << 16;
  for (; n < target; ++n) {
    if (n >= 95 && since(phase_start) > env.ingest_budget_s) break;  // Tây Ninh always complete
    const Unit& unit = *env.communes[n];
    auto key = sync::SigningKey::generate();
    auto t0 = Clock::now();
    const std::string device = enroll_device(*store, unit.code, server::Role::clerk, key);
    enroll_s += since(t0);

    // The client's side, untimed: the full report packed, chained and signed, the request
    // body gzipped and the request signed, exactly as ClientSession sends it.
    auto ops = env.generator->full_report(unit, hlc);
    std::vector<RawInsert::Row> rows;
    rows.reserve(ops.size());
    for (const auto& op : ops) rows.push_back({op.field, op.value.dump()});
    ops_total += ops.size();
    sync::ChainState head;
    auto batch =
        sync::build_change_sets(head, device, unit.code, "Bench Clerk", hlc, std::move(ops), key);
    change_sets += batch.size();
    sync::Body body = sync::make_body(sync::encode_push_request(batch));
    wire_bytes += body.bytes.size();
    server::Request req;
    req.method = "POST";
    req.path = sync::kPathPush;
    req.headers = sync::sign_request(key, "POST", sync::kPathPush, device, 1, body.bytes);
    req.headers["Content-Type"] = "application/cbor";
    req.headers["Accept-Encoding"] = "gzip";
    if (body.gzipped) req.headers["Content-Encoding"] = "gzip";
    req.body = std::move(body.bytes);

    t0 = Clock::now();
    double c0 = thread_cpu();
    server::Reply reply = server::handle_push(req, ctx);
    push_cpu += thread_cpu() - c0;
    push_s += since(t0);
    auto body_plain = sync::open_body(
        server::header(server::Request{{}, {}, reply.headers, {}, {}}, "Content-Encoding"),
        reply.body);
    if (reply.status != 200)
      throw std::runtime_error("ingest of " + unit.code + ": HTTP " + std::to_string(reply.status) +
                               " " + std::string(body_plain.begin(), body_plain.end()));
    auto pr = sync::decode_push_reply(body_plain);
    if (pr.error || pr.results.size() != batch.size())
      throw std::runtime_error("ingest of " + unit.code + ": " +
                               std::string(body_plain.begin(), body_plain.end()));
    for (const auto& r : pr.results)
      if (r.status != sync::PushStatus::applied)
        throw std::runtime_error("ingest of " + unit.code + " refused: " + r.reason);

    // Interleaved with the real path so that both see the same machine load.
    t0 = Clock::now();
    c0 = thread_cpu();
    raw.insert(unit.code, rows);
    raw_cpu += thread_cpu() - c0;
    raw_s += since(t0);
    if ((n + 1) % 500 == 0)
      std::cerr << "  " << n + 1 << " communes, " << fmt(static_cast<double>(ops_total) / push_s)
                << " values/s\n";
  }

  const double server_rate = static_cast<double>(ops_total) / push_s;
  const double raw_rate = static_cast<double>(ops_total) / raw_s;
  const double ratio = server_rate / raw_rate;
  const double per_commune = push_s / static_cast<double>(n);
  const double all_s = per_commune * static_cast<double>(env.communes.size());
  const std::string scope = fmt(static_cast<double>(n)) + " communes, " +
                            fmt(static_cast<double>(ops_total)) + " values, " +
                            fmt(static_cast<double>(change_sets)) + " change sets";
  env.results.add({"ingest: handle_push in process (" + scope + ")",
                   fmt(server_rate) + " values/s (" + fmt_seconds(per_commune) + " per report)",
                   "raw SQLite insert, same rows: " + fmt(raw_rate) + " values/s",
                   ">= 30% of raw: " + verdict(ratio >= 0.30) + " (" + fmt(ratio * 100, 1) + "%)"});
  env.results.add(
      {"ingest: all " + fmt(static_cast<double>(env.communes.size())) + " communes' full reports" +
           (n < env.communes.size() ? " (extrapolated from " + fmt(static_cast<double>(n)) + ")"
                                    : ""),
       fmt_seconds(all_s) + " of handle_push, one core",
       "raw insert: " +
           fmt_seconds(raw_s / static_cast<double>(n) * static_cast<double>(env.communes.size())),
       "< 2 min on 2 cores: " + verdict(all_s < 120) +
           (all_s < 120 ? "" : " (" + fmt(all_s / 120, 1) + "x over)")});
  env.results.note("ingest: a commune report is " +
                   fmt(static_cast<double>(ops_total) / static_cast<double>(n)) +
                   " values on average; push body (CBOR, gzip) " +
                   fmt_bytes(static_cast<double>(wire_bytes) / static_cast<double>(n)) +
                   "; device enrollment through the Store API took " +
                   fmt_seconds(enroll_s / static_cast<double>(n)) +
                   " per device (not in the figure)");
  env.results.note(
      "ingest CPU time (this thread; excludes waiting for fsync and for other processes): "
      "handle_push " +
      fmt_seconds(push_cpu / static_cast<double>(n)) + " per report (" +
      fmt(static_cast<double>(ops_total) / push_cpu) + " values/s), raw insert " +
      fmt_seconds(raw_cpu / static_cast<double>(n)) + " per report (" +
      fmt(static_cast<double>(ops_total) / raw_cpu) + " values/s)");
  std::cerr << "ingest done: " << n << " communes in " << fmt_seconds(since(phase_start)) << "\n";
  return n;
}

}  // namespace tongket::bench
