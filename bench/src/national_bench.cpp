#include "national_bench.hpp"

#include <unistd.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "counting_transport.hpp"
#include "processes.hpp"
#include "push_load.hpp"
#include "raw_insert.hpp"
#include "store_setup.hpp"
#include "timing.hpp"
#include "tongket/client/curl_transport.hpp"
#include "tongket/local/nginx.hpp"
#include "tongket/local/pg_cluster.hpp"
#include "tongket/server/sqlite_store.hpp"
#include "tongket/server/store_factory.hpp"

namespace tongket::bench {

namespace {

struct Layout {
  std::string name;  // "sqlite-1", "postgresql-1", "postgresql-2": figure names
  std::string title;
  bool postgresql = false;
  int processes = 1;
};

// One commune's report, packed and signed before the clock starts, and its rows for the
// baseline.
struct Report {
  Device device;
  std::vector<RawRow> rows;
  std::size_t change_sets = 0;
};

// The private cluster of the PostgreSQL layouts, durable (PostgreSQL's defaults: each commit
// flushed, as the SQLite store's synchronous=FULL), in a temp dir of its own that `nobody` may
// enter (the bench's work dir is root's).
class Cluster {
 public:
  Cluster() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "tongket-pg-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
    dir_ = tmpl;
    try {
      cluster_ = std::make_unique<local::PgCluster>(
          dir_, local::PgClusterOptions{.durable = true, .max_connections = 100});
    } catch (...) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      throw;
    }
  }
  ~Cluster() {
    cluster_.reset();  // stopped before its directory goes
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  local::PgCluster& operator*() { return *cluster_; }
  local::PgCluster* operator->() { return cluster_.get(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<local::PgCluster> cluster_;
};

// The servers and nginx of one layout, up and answering.
struct Deployment {
  std::vector<std::filesystem::path> data;
  std::vector<int> ports;
  std::vector<std::unique_ptr<Child>> servers;
  std::unique_ptr<local::Nginx> nginx;
  int port = 0;

  // nginx first (no new requests), then each server with SIGTERM (a clean shutdown).
  void stop() {
    nginx.reset();
    for (auto& s : servers) s->stop();
  }
  double server_cpu() const {
    double s = 0;
    for (const auto& p : servers) s += p->cpu_seconds();
    return s;
  }
};

Deployment deploy(const BenchEnv& env, const std::filesystem::path& dir, const std::string& url,
                  int processes) {
  Deployment d;
  std::string backends;
  for (int i = 0; i < processes; ++i) {
    d.data.push_back(dir / ("data-" + std::to_string(i)));
    server::record_data_store_url(d.data.back(), url);
    d.ports.push_back(free_port());
    backends += (i ? ",127.0.0.1:" : "127.0.0.1:") + std::to_string(d.ports.back());
  }
  server::init_store(url, env.units, env.template_json, now_ms());
  for (int i = 0; i < processes; ++i) {
    d.servers.push_back(std::make_unique<Child>(
        std::vector<std::string>{TONGKET_BENCH_SERVER_BIN, "serve", "--data", d.data[i].string(),
                                 "--insecure-http", "--listen",
                                 "http://127.0.0.1:" + std::to_string(d.ports[i])},
        dir / ("server-" + std::to_string(i) + ".log")));
  }
  for (int p : d.ports) wait_for_port(p, std::chrono::seconds(30));
  // The production site; only the per-address limits raised: every bench client is 127.0.0.1.
  auto settings = local::loopback_client_settings();
  settings.push_back("BACKEND=" + backends);
  d.port = free_port();
  d.nginx =
      std::make_unique<local::Nginx>(dir / "nginx", d.port, d.ports[0], env.certs / "server.pem",
                                     env.certs / "server-key.pem", settings);
  return d;
}

std::vector<Report> enroll_and_pack(BenchEnv& env, server::Store& store, std::size_t n) {
  std::vector<Report> reports;
  reports.reserve(n);
  const std::uint64_t hlc = static_cast<std::uint64_t>(now_ms()) << 16;
  for (std::size_t i = 0; i < n; ++i) {
    Report r{make_device(store, *env.communes[i]), {}, 0};
    auto ops = env.generator->full_report(*env.communes[i], hlc);
    r.rows.reserve(ops.size());
    for (const auto& op : ops) r.rows.push_back({op.field, op.value.dump()});
    r.device.replica->add_pending(std::move(ops));
    reports.push_back(std::move(r));
  }
  // Signing is the clients' work, not the server's: done before the clock, on both cores.
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < reports.size(); i = next++) {
        reports[i].device.replica->pack_pending();
        reports[i].change_sets =
            reports[i].device.replica->unacknowledged(1u << 20, 1u << 30).size();
      }
    });
  for (auto& t : threads) t.join();
  return reports;
}

struct PushRun {
  double wall = 0, server_cpu = 0, nginx_cpu = 0, pg_cpu = 0;
  double load_start = 0, load_end = 0;
  std::size_t applied = 0, values = 0;
  std::vector<double> latencies;
};

PushRun push_all(BenchEnv& env, Deployment& d, std::vector<Report>& reports,
                 local::PgCluster* cluster) {
  PushRun run;
  for (const auto& r : reports) run.values += r.rows.size();
  run.load_start = load_average();
  const double server0 = d.server_cpu(), nginx0 = d.nginx->cpu_seconds();
  const double pg0 = cluster ? cluster->cpu_seconds() : 0;
  PushLoad load = push_concurrently(
      env, d.port, reports.size(),
      [&](std::size_t i) -> MemoryReplica& { return *reports[i].device.replica; });
  run.wall = load.wall;
  run.applied = load.applied;
  run.latencies = std::move(load.latencies);
  run.server_cpu = d.server_cpu() - server0;
  run.nginx_cpu = d.nginx->cpu_seconds() - nginx0;
  run.pg_cpu = cluster ? cluster->cpu_seconds() - pg0 : 0;
  run.load_end = load_average();
  return run;
}

// Every report is in the store: each device's chain head is its last change set, and each
// commune holds every value of its report. Throws naming the first commune that is not.
void check_store(server::Store& store, const std::vector<Report>& reports, const PushRun& run) {
  std::size_t change_sets = 0, values = 0;
  for (const auto& r : reports) {
    const auto device = store.device(r.device.replica->device_id());
    const auto fields = store.unit_fields(r.device.unit);
    if (!device || device->last_seq != r.change_sets || fields.size() != r.rows.size())
      throw std::runtime_error("national: commune " + r.device.unit + " has " +
                               std::to_string(device ? device->last_seq : 0) + " of " +
                               std::to_string(r.change_sets) + " change sets and " +
                               std::to_string(fields.size()) + " of " +
                               std::to_string(r.rows.size()) + " values in the store");
    change_sets += r.change_sets;
    values += fields.size();
  }
  if (run.applied != change_sets)
    throw std::runtime_error("national: the server said " + std::to_string(run.applied) +
                             " change sets applied, the store holds " +
                             std::to_string(change_sets));
  std::cerr << "  checked: " << change_sets << " change sets, " << values << " values stored\n";
}

// nginx's access log lines of pushes each process answered (upstream=127.0.0.1:PORT).
std::vector<std::size_t> pushes_answered(const Deployment& d) {
  std::vector<std::size_t> n(d.ports.size(), 0);
  std::istringstream lines(d.nginx->access_log());
  for (std::string line; std::getline(lines, line);) {
    if (line.find("POST /v1/push") == std::string::npos) continue;
    if (line.find("\" 200 ") == std::string::npos) continue;
    for (std::size_t i = 0; i < d.ports.size(); ++i)
      if (line.find("upstream=127.0.0.1:" + std::to_string(d.ports[i])) != std::string::npos)
        ++n[i];
  }
  return n;
}

struct BaselineRun {
  double wall = 0, cpu = 0, pg_cpu = 0;  // cpu: this thread (the client's side of the insert)
  double load_start = 0, load_end = 0;
  std::string what;
};

// The same rows, report after report, one transaction each, on one thread (the server's store
// also writes on one thread).
template <typename Insert>
BaselineRun baseline(const std::vector<Report>& reports, local::PgCluster* cluster,
                     Insert&& insert) {
  BaselineRun b;
  b.load_start = load_average();
  const double pg0 = cluster ? cluster->cpu_seconds() : 0;
  for (const auto& r : reports) {
    const auto t0 = Clock::now();
    const double c0 = thread_cpu();
    insert(r.device.unit, r.rows);
    b.cpu += thread_cpu() - c0;
    b.wall += since(t0);
  }
  b.pg_cpu = cluster ? cluster->cpu_seconds() - pg0 : 0;
  b.load_end = load_average();
  return b;
}

void report(BenchEnv& env, const Layout& layout, const PushRun& run, const BaselineRun& base,
            const std::vector<std::size_t>& answered) {
  const double values = static_cast<double>(run.values);
  const double cs_rate = static_cast<double>(run.applied) / run.wall;
  const double rate = values / run.wall, base_rate = values / base.wall;
  // CPU of the whole write: the servers' and the database's (nginx's apart: TLS, not storage).
  const double cpu = run.server_cpu + run.pg_cpu, base_cpu = base.cpu + base.pg_cpu;
  const double p50 = percentile(run.latencies, 0.5), p99 = percentile(run.latencies, 0.99);
  std::string answered_text;
  for (std::size_t i = 0; i < answered.size(); ++i)
    answered_text += (i ? " + " : "") + fmt(static_cast<double>(answered[i]));
  env.results.add(
      {"national, " + layout.title + " behind nginx: " + fmt(static_cast<double>(env.clients)) +
           " clients push " + fmt(static_cast<double>(run.applied)) + " full reports (" +
           fmt(values) + " values)",
       fmt(cs_rate, 1) + " change sets/s (" + fmt(rate) + " values/s); push p50 " +
           fmt_seconds(p50) + ", p99 " + fmt_seconds(p99) + "; " + fmt_seconds(run.wall) +
           " in all",
       base.what + ": " + fmt(base_rate) + " values/s (" + fmt_seconds(base.wall) + ")",
       "wall " + fmt(rate / base_rate * 100, 1) + "% of the baseline's rate, CPU per value " +
           fmt(cpu / base_cpu, 1) + "x (" + fmt(cpu, 1) + " s: server " + fmt(run.server_cpu, 1) +
           " s = " + fmt(run.server_cpu / run.wall * 100) + "% of a core" +
           (layout.postgresql ? ", PostgreSQL " + fmt(run.pg_cpu, 1) + " s" : "") + "; baseline " +
           fmt(base_cpu, 1) + " s" +
           (layout.postgresql ? " of which PostgreSQL " + fmt(base.pg_cpu, 1) + " s" : "") +
           "); nginx " + fmt(run.nginx_cpu, 1) + " s; pushes answered per process " +
           answered_text + "; load average " + fmt(run.load_start, 2) + " -> " +
           fmt(run.load_end, 2) + " (baseline " + fmt(base.load_start, 2) + " -> " +
           fmt(base.load_end, 2) + ")"});
  const std::string n = "national." + layout.name + ".";
  env.results.figure({n + "change_sets_per_s", cs_rate, "change sets/s", {}});
  env.results.figure({n + "values_per_s", rate, "values/s", base_rate});
  env.results.figure({n + "wall", run.wall, "s", base.wall});
  env.results.figure({n + "push_p50", p50, "s", {}});
  env.results.figure({n + "push_p99", p99, "s", {}});
  env.results.figure({n + "cpu_per_value", cpu / values, "s", base_cpu / values});
  env.results.figure({n + "server_cpu", run.server_cpu, "s", {}});
  if (layout.postgresql) env.results.figure({n + "postgresql_cpu", run.pg_cpu, "s", base.pg_cpu});
  env.results.figure({n + "nginx_cpu", run.nginx_cpu, "s", {}});
  env.results.figure({n + "load_start", run.load_start, "load", {}});
  env.results.figure({n + "load_end", run.load_end, "load", {}});
}

// What PostgreSQL counted for one database (pg_stat_database) and the cluster's WAL position.
// A backend's counts reach pg_stat_database when it flushes them (at the latest when it exits):
// read these once the connections in question are closed.
struct PgCounters {
  double commits = 0, rows_written = 0, rows_read = 0;
  std::string wal_lsn;
};

PgCounters pg_counters(const local::PgCluster& cluster, const std::string& db) {
  std::this_thread::sleep_for(std::chrono::seconds(1));  // exiting backends flush their counts
  std::istringstream out(cluster.psql(
      db,
      "SELECT xact_commit || ' ' || (tup_inserted + tup_updated + tup_deleted) || ' ' || "
      "(tup_returned + tup_fetched) || ' ' || pg_current_wal_lsn() FROM pg_stat_database "
      "WHERE datname = current_database()"));
  PgCounters c;
  if (!(out >> c.commits >> c.rows_written >> c.rows_read >> c.wal_lsn))
    throw std::runtime_error("national: cannot read pg_stat_database of " + db);
  return c;
}

// "per report: N commits, N rows written, N rows read, N WAL bytes" between two readings.
std::string pg_per_report(const local::PgCluster& cluster, const std::string& db,
                          const PgCounters& a, const PgCounters& b, double reports) {
  const double wal = std::stod(
      cluster.psql(db, "SELECT pg_wal_lsn_diff('" + b.wal_lsn + "', '" + a.wal_lsn + "')"));
  return fmt((b.commits - a.commits) / reports, 1) + " commits, " +
         fmt((b.rows_written - a.rows_written) / reports, 1) + " rows written, " +
         fmt((b.rows_read - a.rows_read) / reports, 1) + " rows read, " + fmt_bytes(wal / reports) +
         " of WAL";
}

void run_layout(BenchEnv& env, const Layout& layout, std::size_t n, Cluster* cluster) {
  std::cerr << "national: " << layout.title << "\n";
  const auto dir = env.work / ("national-" + layout.name);
  std::filesystem::create_directories(dir);
  const std::string db = "national_" + std::to_string(layout.processes);
  const std::string url = layout.postgresql
                              ? (*cluster)->create_database(db)
                              : "sqlite:" + server::store_file(dir / "data-0").string();
  local::PgCluster* pg = layout.postgresql ? &**cluster : nullptr;
  Deployment d = deploy(env, dir, url, layout.processes);
  auto t0 = Clock::now();
  std::vector<Report> reports;
  {
    auto store = server::open_data_store(d.data[0]);
    reports = enroll_and_pack(env, *store, n);
  }
  std::cerr << "  " << n << " devices enrolled and reports signed in " << fmt_seconds(since(t0))
            << "\n";
  PgCounters before_push, after_push, before_copy, after_copy;
  if (pg) before_push = pg_counters(*pg, db);
  PushRun run = push_all(env, d, reports, pg);
  std::cerr << "  pushed in " << fmt_seconds(run.wall) << "\n";
  const auto answered = pushes_answered(d);
  for (std::size_t i = 0; i < answered.size(); ++i)
    if (answered[i] == 0)
      throw std::runtime_error("national: server process " + std::to_string(i) +
                               " answered no push (nginx access log)");
  d.stop();  // servers and nginx stopped: the baseline has the machine alone too
  if (pg) after_push = pg_counters(*pg, db);
  {
    auto store = server::open_data_store(d.data[0]);
    check_store(*store, reports, run);
  }

  BaselineRun base;
  if (layout.postgresql) {
    {
      RawCopy copy((*cluster)->url(db), "raw_rows");
      before_copy = pg_counters(*pg, db);
      base = baseline(reports, pg, [&](const std::string& unit, const std::vector<RawRow>& rows) {
        copy.insert(unit, rows);
      });
    }
    after_copy = pg_counters(*pg, db);
    if (std::stoul(pg->psql(db, "SELECT count(*) FROM raw_rows")) != run.values)
      throw std::runtime_error("national: the COPY baseline's table lacks rows");
    base.what = "COPY of the same rows, one transaction per report";
    const double reports_n = static_cast<double>(n);
    env.results.note(
        "national, " + layout.title + ": PostgreSQL per report (pg_stat_database, " +
        "WAL position): the servers " + pg_per_report(*pg, db, before_push, after_push, reports_n) +
        "; the COPY baseline " + pg_per_report(*pg, db, before_copy, after_copy, reports_n));
  } else {
    RawInsert raw(dir / "raw-baseline.db");
    base = baseline(
        reports, nullptr,
        [&](const std::string& unit, const std::vector<RawRow>& rows) { raw.insert(unit, rows); });
    base.what =
        "raw SQLite insert of the same rows (WAL, synchronous=FULL), one transaction per report";
  }
  report(env, layout, run, base, answered);

  if (layout.postgresql && layout.processes == 1) {
    // The floor: every row in one COPY, one transaction.
    RawCopy all((*cluster)->url(db), "raw_rows_all");
    std::vector<std::pair<std::string, std::vector<RawRow>>> batch;
    for (const auto& r : reports) batch.emplace_back(r.device.unit, r.rows);
    const double pg0 = pg->cpu_seconds();
    const auto start = Clock::now();
    all.insert_all(batch);
    const double wall = since(start), pg_cpu = pg->cpu_seconds() - pg0;
    env.results.note("national: every row of those " + fmt(static_cast<double>(n)) +
                     " reports in one COPY, one transaction: " + fmt_seconds(wall) + " (" +
                     fmt(static_cast<double>(run.values) / wall) + " values/s; PostgreSQL CPU " +
                     fmt(pg_cpu, 1) + " s)");
    env.results.figure({"national.postgresql.one_copy_values_per_s",
                        static_cast<double>(run.values) / wall,
                        "values/s",
                        {}});
  }
}

}  // namespace

void run_national(BenchEnv& env) {
  const std::size_t n = std::min(
      env.communes.size(),
      std::max(env.clients * 4, static_cast<std::size_t>(
                                    env.scale * static_cast<double>(env.communes.size()) + 0.5)));
  std::cerr << "national: " << n << " communes' full reports, " << env.clients
            << " clients, through nginx\n";
  run_layout(env, {"sqlite-1", "SQLite store, one server process", false, 1}, n, nullptr);
  Cluster cluster;
  run_layout(env, {"postgresql-1", "PostgreSQL store, one server process", true, 1}, n, &cluster);
  run_layout(env, {"postgresql-2", "PostgreSQL store, two server processes", true, 2}, n, &cluster);
}

}  // namespace tongket::bench
