#include "ingest_bench.hpp"
#include "timing.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "io_counter.hpp"
#include "raw_insert.hpp"
#include "store_setup.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/sync/chain.hpp"
#include "tongket/sync/messages.hpp"
#include "tongket/sync/request_auth.hpp"

namespace tongket::bench {

namespace {

// The client's side, untimed: the full report packed, chained and signed, the request body
// gzipped and the request signed, exactly as ClientSession sends it.
struct PreparedPush {
  server::Request request;
  std::vector<RawInsert::Row> rows;  // the same values for the baseline
  std::size_t values = 0, change_sets = 0, wire_bytes = 0;
};

PreparedPush prepare_push(BenchEnv& env, const Unit& unit, const std::string& device,
                          const sync::SigningKey& key, std::uint64_t hlc) {
  PreparedPush p;
  auto ops = env.generator->full_report(unit, hlc);
  p.rows.reserve(ops.size());
  for (const auto& op : ops) p.rows.push_back({op.field, op.value.dump()});
  p.values = ops.size();
  sync::ChainState head;
  auto batch =
      sync::build_change_sets(head, device, unit.code, "Bench Clerk", hlc, std::move(ops), key);
  p.change_sets = batch.size();
  sync::Body body = sync::make_body(sync::encode_push_request(batch));
  p.wire_bytes = body.bytes.size();
  server::Request& req = p.request;
  req.method = "POST";
  req.path = sync::kPathPush;
  req.headers = sync::sign_request(key, "POST", sync::kPathPush, device, 1, body.bytes);
  req.headers["Content-Type"] = "application/cbor";
  req.headers["Accept-Encoding"] = "gzip";
  if (body.gzipped) req.headers["Content-Encoding"] = "gzip";
  req.body = std::move(body.bytes);
  return p;
}

// Every change set of the push must have been applied.
void check_reply(const server::Reply& reply, const std::string& unit, std::size_t change_sets) {
  auto plain = sync::open_body(
      server::header(server::Request{{}, {}, reply.headers, {}, {}}, "Content-Encoding"),
      reply.body);
  const std::string text(plain.begin(), plain.end());
  if (reply.status != 200)
    throw std::runtime_error("ingest of " + unit + ": HTTP " + std::to_string(reply.status) + " " +
                             text);
  auto pr = sync::decode_push_reply(plain);
  if (pr.error || pr.results.size() != change_sets)
    throw std::runtime_error("ingest of " + unit + ": " + text);
  for (const auto& r : pr.results)
    if (r.status != sync::PushStatus::applied)
      throw std::runtime_error("ingest of " + unit + " refused: " + r.reason);
}

// Wall time, CPU time (this thread) and SQLite's writes of one side of the comparison.
struct Side {
  double wall = 0, cpu = 0;
  IoCounts io;
  template <typename F>
  void measure(F&& f) {
    const auto t0 = Clock::now();
    const double c0 = thread_cpu();
    const IoCounts io0 = io_counts();
    f();
    io += io_counts() - io0;
    cpu += thread_cpu() - c0;
    wall += since(t0);
  }
};

struct Totals {
  // prepare(): what the server runs on its request threads, in parallel; push: the store
  // thread's part (handle_push with the prepared request), the serial part that bounds ingest.
  Side prepare, push, raw;
  double enroll_s = 0;
  std::size_t n = 0, values = 0, change_sets = 0, wire_bytes = 0;
  double load_start = 0, load_end = 0;
  std::uint64_t store_bytes = 0, raw_bytes = 0;  // growth of each database
};

void report(BenchEnv& env, const Totals& t, const std::filesystem::path& store_db);

}  // namespace

std::size_t run_ingest(BenchEnv& env, const std::filesystem::path& data_dir) {
  const std::size_t wanted = std::max<std::size_t>(
      95, static_cast<std::size_t>(env.scale * static_cast<double>(env.communes.size()) + 0.5));
  const std::size_t target = std::min(wanted, env.communes.size());
  std::cerr << "ingest: " << target << " communes (budget " << env.ingest_budget_s << " s)\n";

  install_io_counter();  // before either database is opened
  server::init_sqlite_store(data_dir, env.units, env.template_json, now_ms());
  const auto store_db = server::store_file(data_dir);
  auto store = server::open_sqlite_store(data_dir);
  server::HandlerContext ctx{
      *store, env.tpl, [] { return now_ms(); }, store->identity().server_id, {}};
  const auto raw_db = data_dir / "raw-baseline.db";
  RawInsert raw(raw_db);

  Totals t;
  const std::uint64_t store_start = database_bytes(store_db), raw_start = database_bytes(raw_db);
  t.load_start = load_average();
  const auto phase_start = Clock::now();
  const std::uint64_t hlc = static_cast<std::uint64_t>(now_ms()) << 16;
  for (; t.n < target; ++t.n) {
    if (t.n >= 95 && since(phase_start) > env.ingest_budget_s) break;  // Tây Ninh always complete
    const Unit& unit = *env.communes[t.n];
    auto key = sync::SigningKey::generate();
    auto t0 = Clock::now();
    const std::string device = enroll_device(*store, unit.code, server::Role::clerk, key);
    ctx.keys->admit(*store->device(device));  // as the server's first request from it leaves it
    t.enroll_s += since(t0);
    PreparedPush p = prepare_push(env, unit, device, key, hlc);
    t.values += p.values;
    t.change_sets += p.change_sets;
    t.wire_bytes += p.wire_bytes;

    server::Reply reply;
    server::Prepared prepared;
    t.prepare.measure([&] { prepared = server::prepare(p.request, ctx); });
    t.push.measure([&] { reply = server::handle_push(p.request, ctx, prepared); });
    check_reply(reply, unit.code, p.change_sets);
    // Interleaved with the real path so that both see the same machine load.
    t.raw.measure([&] { raw.insert(unit.code, p.rows); });
    if ((t.n + 1) % 500 == 0)
      std::cerr << "  " << t.n + 1 << " communes, "
                << fmt(static_cast<double>(t.values) / t.push.wall) << " values/s\n";
  }
  t.load_end = load_average();
  t.store_bytes = database_bytes(store_db) - store_start;
  t.raw_bytes = database_bytes(raw_db) - raw_start;
  report(env, t, store_db);
  std::cerr << "ingest done: " << t.n << " communes in " << fmt_seconds(since(phase_start)) << "\n";
  return t.n;
}

namespace {

void report(BenchEnv& env, const Totals& t, const std::filesystem::path& store_db) {
  const double n = static_cast<double>(t.n), values = static_cast<double>(t.values);
  const double push_rate = values / t.push.wall, raw_rate = values / t.raw.wall;
  const double push_cpu_rate = values / t.push.cpu, raw_cpu_rate = values / t.raw.cpu;
  const double wall_ratio = push_rate / raw_rate, cpu_ratio = push_cpu_rate / raw_cpu_rate;
  const std::string load = "load average " + fmt(t.load_start, 2) + " at the start, " +
                           fmt(t.load_end, 2) + " at the end";
  const std::string scope = fmt(n) + " communes, " + fmt(values) + " values, " +
                            fmt(static_cast<double>(t.change_sets)) + " change sets";
  env.results.add({"ingest: handle_push, store thread (" + scope + "), wall",
                   fmt(push_rate) + " values/s (" + fmt_seconds(t.push.wall / n) + " per report)",
                   "raw SQLite insert, same rows: " + fmt(raw_rate) + " values/s (" +
                       fmt_seconds(t.raw.wall / n) + ")",
                   ">= 40% of raw: " + verdict(wall_ratio >= 0.40) + " (" +
                       fmt(wall_ratio * 100, 1) + "%; " + load + ")"});
  env.results.add(
      {"ingest: handle_push, store thread, CPU",
       fmt(push_cpu_rate) + " values/s (" + fmt_seconds(t.push.cpu / n) + " per report)",
       "raw insert: " + fmt(raw_cpu_rate) + " values/s (" + fmt_seconds(t.raw.cpu / n) + ")",
       ">= 30% of raw: " + verdict(cpu_ratio >= 0.30) + " (" + fmt(cpu_ratio * 100, 1) + "%)"});
  // The whole request on one thread, as if prepare() also ran on the store thread.
  const double whole_cpu = t.prepare.cpu + t.push.cpu, whole_wall = t.prepare.wall + t.push.wall;
  env.results.add(
      {"ingest: prepare() (decode, hashes, signatures: the request threads, in parallel), CPU",
       fmt_seconds(t.prepare.cpu / n) + " per report",
       "whole request on one thread (prepare + store thread): " + fmt_seconds(whole_cpu / n) +
           " CPU, " + fmt_seconds(whole_wall / n) + " wall per report",
       "whole request vs raw insert: " + fmt(t.raw.cpu / whole_cpu * 100, 1) + "% CPU, " +
           fmt(t.raw.wall / whole_wall * 100, 1) + "% wall"});
  const double push_wal = static_cast<double>(t.push.io.wal_bytes) / n;
  const double raw_wal = static_cast<double>(t.raw.io.wal_bytes) / n;
  env.results.add(
      {"ingest: WAL written per report (frames, SQLite VFS count)",
       fmt_bytes(push_wal) + " (" + fmt(static_cast<double>(t.push.io.syncs) / n, 1) + " syncs)",
       "raw insert: " + fmt_bytes(raw_wal) + " (" +
           fmt(static_cast<double>(t.raw.io.syncs) / n, 1) + " syncs)",
       fmt(push_wal / raw_wal, 2) + "x the raw insert's"});
  const double store_per = static_cast<double>(t.store_bytes) / n;
  const double raw_per = static_cast<double>(t.raw_bytes) / n;
  env.results.add({"ingest: database growth per report", fmt_bytes(store_per),
                   "raw insert: " + fmt_bytes(raw_per),
                   "<= 45 KB: " + verdict(store_per <= 45000) + " (" + fmt_bytes(store_per) + ")"});
  const double all_s = t.push.wall / n * static_cast<double>(env.communes.size());
  env.results.add(
      {"ingest: all " + fmt(static_cast<double>(env.communes.size())) + " communes' full reports" +
           (t.n < env.communes.size() ? " (extrapolated from " + fmt(n) + ")" : ""),
       fmt_seconds(all_s) + " of handle_push, one core",
       "raw insert: " + fmt_seconds(t.raw.wall / n * static_cast<double>(env.communes.size())),
       "< 2 min on 2 cores: " + verdict(all_s < 120) +
           (all_s < 120 ? "" : " (" + fmt(all_s / 120, 1) + "x over)")});
  env.results.note("ingest: a commune report is " + fmt(values / n) +
                   " values on average; push body (CBOR, gzip) " +
                   fmt_bytes(static_cast<double>(t.wire_bytes) / n) +
                   "; device enrollment through the Store API took " + fmt_seconds(t.enroll_s / n) +
                   " per device (not in the figures)");
  env.results.note("ingest: database file pages written by checkpoints per report: handle_push " +
                   fmt_bytes(static_cast<double>(t.push.io.db_bytes) / n) + ", raw insert " +
                   fmt_bytes(static_cast<double>(t.raw.io.db_bytes) / n));
  std::string objects;
  for (const auto& o : database_objects(store_db))
    if (static_cast<double>(o.bytes) / n >= 100)
      objects += (objects.empty() ? "" : ", ") + o.name + " " +
                 fmt_bytes(static_cast<double>(o.bytes) / n);
  env.results.note(
      "ingest: store size per report by table and index (dbstat, all of the file "
      "divided by the reports): " +
      objects);

  env.results.figure({"ingest.handle_push.wall_rate", push_rate, "values/s", raw_rate});
  env.results.figure({"ingest.handle_push.cpu_rate", push_cpu_rate, "values/s", raw_cpu_rate});
  env.results.figure({"ingest.handle_push.wal_bytes", push_wal, "bytes/report", raw_wal});
  env.results.figure({"ingest.handle_push.db_bytes", store_per, "bytes/report", raw_per});
  env.results.figure({"ingest.handle_push.cpu_per_report", t.push.cpu / n, "s", t.raw.cpu / n});
  env.results.figure({"ingest.handle_push.wall_per_report", t.push.wall / n, "s", t.raw.wall / n});
  env.results.figure({"ingest.prepare.cpu_per_report", t.prepare.cpu / n, "s", t.raw.cpu / n});
  env.results.figure({"ingest.whole_request.cpu_per_report", whole_cpu / n, "s", t.raw.cpu / n});
}

}  // namespace

}  // namespace tongket::bench
