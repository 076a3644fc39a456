#include "sync_world.hpp"

#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>
#include <thread>

#include "interface_readers.hpp"
#include "sqlite_reader.hpp"
#include "tongket/sync/changeset.hpp"
#include "tongket/sync/compression.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::test {

using namespace std::chrono_literals;

namespace {

std::filesystem::path server_db(const std::filesystem::path& data_dir) {
  return data_dir / "tongket-server.db";
}

}  // namespace

// ---- server ----

SyncServer::SyncServer(std::vector<std::string> extra_args)
    : SyncServer(Layout::behind_nginx, std::move(extra_args)) {}

SyncServer::SyncServer(Layout layout, std::vector<std::string> extra_args,
                       std::vector<std::string> nginx_settings)
    : layout_(layout),
      port_(free_port()),
      backend_port_(layout == Layout::own_tls ? port_ : free_port()),
      extra_args_(std::move(extra_args)) {
  if (layout_ == Layout::behind_nginx) {
    auto settings = test_nginx_settings();
    for (std::size_t i = 0; i + 1 < extra_args_.size(); ++i)
      if (extra_args_[i] == "--max-body") settings.push_back("MAX_BODY=" + extra_args_[i + 1]);
    settings.insert(settings.end(), nginx_settings.begin(), nginx_settings.end());
    nginx_ = std::make_unique<NginxProcess>(setup_.dir() / "nginx", port_, backend_port_,
                                            setup_.certs() / "server.pem",
                                            setup_.certs() / "server-key.pem", settings);
  }
  start();
}

SyncServer::~SyncServer() {
  process_.reset();  // the server first: nginx then has nothing left to wait for
  nginx_.reset();
}

void SyncServer::start() {
  std::vector<std::string> args = {"serve", "--data", setup_.data().string()};
  const std::string backend = "127.0.0.1:" + std::to_string(backend_port_);
  if (layout_ == Layout::behind_nginx)
    args.insert(args.end(), {"--insecure-http", "--listen", "http://" + backend});
  else
    args.insert(args.end(), {"--listen", "https://" + backend, "--cert",
                             (setup_.certs() / "server.pem").string(), "--key",
                             (setup_.certs() / "server-key.pem").string()});
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  process_.reset();  // a previous one is killed first
  process_ = std::make_unique<ServerProcess>(
      args, setup_.dir() / ("server-" + std::to_string(++starts_) + ".log"));
  // Through nginx, /healthz is 200 only once tongket-server and its store answer behind it.
  const bool serving = layout_ == Layout::behind_nginx
                           ? wait_until_healthy(url(), setup_.ca(), 15s)
                           : wait_until_serving(url(), setup_.ca(), 15s);
  INFO(log());
  REQUIRE(serving);
}

ProcessResult SyncServer::admin(std::vector<std::string> args) const {
  std::vector<std::string> argv = {TONGKET_SERVER_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--data");
  argv.push_back(data().string());
  return run(argv);
}

void SyncServer::kill9() {
  if (process_) process_->stop(SIGKILL, 10s);
}

pid_t SyncServer::pid() const {
  return process_ ? process_->pid() : -1;
}

std::string SyncServer::server_log() const {
  return process_ ? process_->log() : std::string();
}

std::string SyncServer::log() const {
  std::string out = process_ ? process_->log() : std::string();
  if (nginx_) out += "\n-- nginx error log:\n" + nginx_->error_log();
  return out;
}

// ---- client ----

SyncClient::SyncClient(const std::filesystem::path& dir, const std::string& name)
    : dir_(dir), store_(dir / (name + ".db")) {}

std::vector<std::string> SyncClient::argv(std::vector<std::string> args) const {
  std::vector<std::string> argv = {TONGKET_CLIENT_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--store");
  argv.push_back(store_.string());
  return argv;
}

ProcessOptions SyncClient::options() const {
  ProcessOptions o;
  o.cwd = dir_;
  o.env["TONGKET_DATA"] = std::string(TONGKET_SOURCE_DIR) + "/data";
  o.unset_env = {"TONGKET_STORE"};
  o.timeout = 120s;
  return o;
}

ProcessResult SyncClient::run(std::vector<std::string> args, const std::string& stdin_text) const {
  auto o = options();
  o.stdin_text = stdin_text;
  return tongket::test::run(argv(std::move(args)), o);
}

void SyncClient::init(const std::string& unit, const std::string& author) {
  auto r = run({"init", "--unit", unit, "--author", author});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

void SyncClient::enroll(const SyncServer& server, const std::string& token) {
  auto r =
      run({"enroll", "--server", server.url(), "--ca", server.ca().string(), "--token", token});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

ProcessResult SyncClient::sync(const std::string& server_url, int attempts) const {
  std::vector<std::string> args = {"sync", "--quiet", "--attempts", std::to_string(attempts)};
  if (!server_url.empty()) {
    args.push_back("--server");
    args.push_back(server_url);
  }
  return run(args);
}

ProcessResult SyncClient::run_ok(std::vector<std::string> args) const {
  auto r = run(args);
  INFO(store() << ": tongket " << (args.empty() ? "" : args.front()) << "\n" << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

void SyncClient::sync_ok() const {
  auto r = sync();
  INFO(store() << ": sync\n" << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.find(" 0 refused") != std::string::npos);
}

void SyncClient::set(const std::string& indicator, const std::string& period,
                     const std::string& value, const std::string& unit) const {
  std::vector<std::string> args = {"set", indicator, period, value};
  if (!unit.empty()) {
    args.push_back("--unit");
    args.push_back(unit);
  }
  auto r = run(args);
  INFO(store_ << ": set " << indicator << " " << period << " " << value << ": " << r.err);
  REQUIRE(r.exit_code == 0);
}

void SyncClient::text(const std::string& section, const std::string& text,
                      const std::string& unit) const {
  std::vector<std::string> args = {"text", "set", section};
  if (!unit.empty()) {
    args.push_back("--unit");
    args.push_back(unit);
  }
  auto r = run(args, text);
  INFO(store_ << ": text set " << section << ": " << r.err);
  REQUIRE(r.exit_code == 0);
}

std::string SyncClient::meta(const std::string& key) const {
  ReadOnlyDb db(store_);
  Query q(db, "SELECT value FROM meta WHERE key = ?1");
  q.bind(1, key);
  return q.step() ? q.text(0) : std::string();
}

FieldMap SyncClient::values() const {
  ReadOnlyDb db(store_);
  Query q(db, "SELECT unit, key, value FROM field ORDER BY unit, key");
  FieldMap out;
  while (q.step()) out[{q.text(0), q.text(1)}] = q.stored_json(2, 3);
  return out;
}

DeviceState SyncClient::device_state() const {
  DeviceState out;
  out.device = meta("device_id");
  out.unit = meta("unit");
  ReadOnlyDb db(store_);
  Query state(db, "SELECT chain_seq, chain_hash, request_counter FROM sync_state WHERE id = 1");
  REQUIRE(state.step());
  out.chain_seq = static_cast<std::uint64_t>(state.int64(0));
  const auto hash = state.blob(1);
  REQUIRE(hash.size() == out.chain_hash.size());
  std::copy(hash.begin(), hash.end(), out.chain_hash.begin());
  out.request_counter = static_cast<std::uint64_t>(state.int64(2));
  Query sets(db, "SELECT seq, bytes, signature FROM change_set ORDER BY seq");
  while (sets.step()) {
    REQUIRE(sets.int64(0) == static_cast<std::int64_t>(out.change_sets.size()) + 1);
    out.change_sets.push_back({sets.blob(1), sets.blob(2)});
  }
  return out;
}

std::int64_t SyncClient::count(const std::string& sql) const {
  ReadOnlyDb db(store_);
  Query q(db, sql);
  REQUIRE(q.step());
  return q.int64(0);
}

// ---- fault proxy ----

std::filesystem::path fault_proxy_binary() {
  auto bin = std::filesystem::path(TONGKET_SERVER_BIN).parent_path().parent_path() / "tools" /
             "fault-proxy" / "tongket-fault-proxy";
  INFO("the fault proxy is not built at " << bin << ": build the target tongket-fault-proxy first");
  REQUIRE(std::filesystem::exists(bin));
  return bin;
}

FaultProxy::FaultProxy(int target_port, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {fault_proxy_binary().string(), "--target",
                                   "127.0.0.1:" + std::to_string(target_port)};
  argv.insert(argv.end(), args.begin(), args.end());
  child_ = std::make_unique<process::Child>(argv, process::Output{dir_ / "proxy.out", {}});
  const std::string line = child_->first_line(10s).value_or("");
  const std::string prefix = "listening on 127.0.0.1:";
  INFO("fault proxy said: " << line);
  REQUIRE(line.rfind(prefix, 0) == 0);
  port_ = std::stoi(line.substr(prefix.size()));
}

// ---- the server's store ----

FieldMap server_values(const std::filesystem::path& data_dir, const std::string& scope_unit) {
  if (auto store = interface_readers::postgresql_store(data_dir))
    return interface_readers::values(*store, scope_unit);
  ReadOnlyDb db(server_db(data_dir));
  Query q(db,
          "SELECT v.unit, v.field, v.value, v.zvalue FROM field_values v JOIN units u "
          "ON u.code = v.unit "
          "WHERE u.code = ?1 OR u.district = ?1 OR u.province = ?1 ORDER BY v.unit, v.field");
  q.bind(1, scope_unit);
  FieldMap out;
  while (q.step()) out[{q.text(0), q.text(1)}] = q.stored_json(2, 3);
  return out;
}

std::int64_t server_count(const std::filesystem::path& data_dir, const std::string& sql,
                          const std::string& text_arg) {
  if (interface_readers::postgresql_store(data_dir))
    return interface_readers::count(data_dir, sql, text_arg);
  ReadOnlyDb db(server_db(data_dir));
  Query q(db, sql);
  if (q.params() > 0) q.bind(1, text_arg);
  REQUIRE(q.step());
  return q.int64(0);
}

ServerData server_data(const std::filesystem::path& data_dir) {
  if (interface_readers::postgresql_store(data_dir)) return interface_readers::data(data_dir);
  ServerData d;
  ReadOnlyDb db(server_db(data_dir));
  {
    // Stores before schema v6 (a test's downgraded one) have no packed column.
    Query packed(db,
                 "SELECT count(*) FROM pragma_table_info('field_values') WHERE name = 'zvalue'");
    REQUIRE(packed.step());
    Query q(db, packed.int64(0)
                    ? "SELECT unit, field, value, zvalue FROM field_values ORDER BY unit, field"
                    : "SELECT unit, field, value, NULL FROM field_values ORDER BY unit, field");
    while (q.step()) d.values[{q.text(0), q.text(1)}] = q.stored_json(2, 3);
  }
  auto count = [&](const char* sql) {
    Query q(db, sql);
    REQUIRE(q.step());
    return q.int64(0);
  };
  d.history = count("SELECT count(*) FROM field_history");
  d.log = count("SELECT count(*) FROM pull_log");
  d.change_sets = count("SELECT count(*) FROM change_sets");
  d.conflicts = count("SELECT count(*) FROM conflicts");
  return d;
}

std::string describe(const FieldMap& m) {
  std::ostringstream out;
  for (const auto& [k, v] : m) {
    std::string s = v.dump();
    if (s.size() > 60) s = s.substr(0, 60) + "...";
    out << "  " << k.first << " " << k.second << " = " << s << "\n";
  }
  return out.str();
}

std::string describe(const ServerData& d) {
  std::ostringstream out;
  out << "history " << d.history << ", log " << d.log << ", change sets " << d.change_sets
      << ", conflicts " << d.conflicts << ", values:\n"
      << describe(d.values);
  return out.str();
}

std::vector<ConflictRow> server_conflicts(const std::filesystem::path& data_dir) {
  if (auto store = interface_readers::postgresql_store(data_dir))
    return interface_readers::conflicts(*store);
  ReadOnlyDb db(server_db(data_dir));
  Query q(db,
          "SELECT id, unit, field, current_value, incoming_value, resolved_version IS NULL "
          "FROM conflicts ORDER BY id");
  std::vector<ConflictRow> out;
  while (q.step())
    out.push_back({q.int64(0), q.text(1), q.text(2), q.json(3), q.json(4), q.int64(5) != 0});
  return out;
}

std::vector<ConflictRow> client_conflicts(const SyncClient& client) {
  ReadOnlyDb db(client.store());
  Query q(db,
          "SELECT id, unit, key, current_value, other_value, state = 'open' FROM conflict "
          "ORDER BY id");
  std::vector<ConflictRow> out;
  while (q.step())
    out.push_back({q.int64(0), q.text(1), q.text(2), q.json(3), q.json(4), q.int64(5) != 0});
  return out;
}

std::vector<std::string> server_integrity_problems(const std::filesystem::path& data_dir) {
  if (auto store = interface_readers::postgresql_store(data_dir))
    return interface_readers::integrity_problems(*store);
  std::vector<std::string> problems;
  ReadOnlyDb db(server_db(data_dir));
  {
    // Operations refused one by one (listed in the stored result) have no history row.
    Query sets(db,
               "SELECT device, seq, status, bytes, "
               "coalesce(json_array_length(result, '$.refused_ops'), 0) FROM change_sets "
               "ORDER BY device, seq");
    Query history(db, "SELECT count(*) FROM field_history_full WHERE device = ?1 AND cs_seq = ?2");
    while (sets.step()) {
      const std::string device = sets.text(0);
      const std::int64_t seq = sets.int64(1);
      const std::string status = sets.text(2);
      // Stored gzipped since schema v5.
      const auto cs = sync::decode(sync::gunzip(sets.blob(3), 64 * 1024 * 1024));
      history.bind(1, device).bind(2, seq);
      REQUIRE(history.step());
      const auto rows = history.int64(0);
      history.reset();
      const auto want =
          status == "applied" ? static_cast<std::int64_t>(cs.ops.size()) - sets.int64(4) : 0;
      if (rows != want)
        problems.push_back("change set " + device + "/" + std::to_string(seq) + " (" + status +
                           ", " + std::to_string(cs.ops.size()) + " operations) has " +
                           std::to_string(rows) + " history rows");
    }
  }
  {
    Query orphans(db,
                  "SELECT count(*) FROM field_history_full h WHERE NOT EXISTS (SELECT 1 FROM "
                  "change_sets c WHERE c.device = h.device AND c.seq = h.cs_seq)");
    REQUIRE(orphans.step());
    if (orphans.int64(0) != 0)
      problems.push_back(std::to_string(orphans.int64(0)) +
                         " history rows without their change set");
  }
  {
    Query heads(db,
                "SELECT d.id, d.last_seq, d.last_hash, (SELECT max(seq) FROM change_sets c "
                "WHERE c.device = d.id), (SELECT hash FROM change_sets c WHERE c.device = d.id "
                "ORDER BY seq DESC LIMIT 1) FROM devices d");
    while (heads.step()) {
      const std::int64_t stored = heads.is_null(3) ? 0 : heads.int64(3);
      const bool hash_ok = stored == 0 || heads.blob(2) == heads.blob(4);
      if (heads.int64(1) != stored || !hash_ok)
        problems.push_back("device " + heads.text(0) + " head is seq " +
                           std::to_string(heads.int64(1)) + " but its last change set is " +
                           std::to_string(stored));
    }
  }
  {
    Query log(db,
              "SELECT seq, kind, unit, field, value, version, device, author, hlc, extra, hash, "
              "zvalue FROM pull_log ORDER BY seq");
    sync::Hash running{};
    std::int64_t expected_seq = 1;
    while (log.step()) {
      sync::PullEvent e;
      e.seq = static_cast<std::uint64_t>(log.int64(0));
      e.kind = log.text(1);
      e.unit = log.text(2);
      e.field = log.text(3);
      e.value = log.stored_json(4, 11);
      e.version = static_cast<std::uint64_t>(log.int64(5));
      e.device = log.text(6);
      e.author = log.text(7);
      e.hlc = static_cast<std::uint64_t>(log.int64(8));
      e.extra = log.json(9);
      if (log.int64(0) != expected_seq) {
        problems.push_back("pull log jumps from " + std::to_string(expected_seq - 1) + " to " +
                           std::to_string(log.int64(0)));
        break;
      }
      ++expected_seq;
      running = sync::next_log_hash(running, sync::encode_event(e));
      const auto stored = log.blob(10);
      if (std::vector<std::uint8_t>(running.begin(), running.end()) != stored) {
        problems.push_back("pull log hash at seq " + std::to_string(e.seq) + " is " +
                           sync::to_hex(stored) + ", the chain gives " + sync::to_hex(running));
        break;
      }
    }
  }
  return problems;
}

}  // namespace tongket::test
