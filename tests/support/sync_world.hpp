// End-to-end sync tests: the real tongket-server behind a private nginx (the production
// layout) on free ports with dev certificates, real
// `tongket` clients with stores in temp dirs, the fault proxy between them, and readers of
// both SQLite stores so that a test can compare what each side holds.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"
#include "tongket/sync/changeset.hpp"

namespace tongket::test {

// (unit, field key) -> value.
using FieldMap = std::map<std::pair<std::string, std::string>, nlohmann::json>;

// The server as deployed: a private nginx (deploy/nginx/render.sh, TLS with the dev certificates
// of certs/make-dev-certs.sh) on 127.0.0.1:<free port> in front of `tongket-server serve
// --insecure-http` on 127.0.0.1:<another free port>, on a data dir made by `tongket-server
// init`. `extra_args` go to tongket-server; a --max-body among them is nginx's limit too.
// Everything is killed at scope exit.
// With Layout::own_tls, tongket-server terminates TLS itself on the public port (no nginx):
// only for tests of that development path.
class SyncServer {
 public:
  enum class Layout { behind_nginx, own_tls };
  explicit SyncServer(std::vector<std::string> extra_args = {});
  // `nginx_settings`: NAME=VALUE for deploy/nginx/render.sh over test_nginx_settings().
  SyncServer(Layout layout, std::vector<std::string> extra_args,
             std::vector<std::string> nginx_settings = {});
  ~SyncServer();

  // (Re)starts tongket-server on the same ports and data dir (nginx keeps running);
  // REQUIREs that it serves through the public URL within 15 s.
  void start();
  void kill9();  // SIGKILL tongket-server and reap (nginx keeps running, answering 503)
  // The public URL (nginx, or the server itself with Layout::own_tls).
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  int backend_port() const { return backend_port_; }
  std::filesystem::path data() const { return setup_.data(); }
  std::filesystem::path ca() const { return setup_.ca(); }
  std::filesystem::path dir() const { return setup_.dir(); }
  std::string token(const std::string& unit, const std::string& role) {
    return setup_.token(unit, role);
  }
  // `tongket-server <args> --data <its data dir>` (an admin command), run to its end.
  ProcessResult admin(std::vector<std::string> args) const;
  pid_t pid() const;               // tongket-server's
  std::string log() const;         // tongket-server's output, then nginx's error log
  std::string server_log() const;  // tongket-server's output only (what reached it)
  NginxProcess* nginx() const { return nginx_.get(); }  // null with Layout::own_tls

 private:
  ServerSetup setup_;
  Layout layout_;
  int port_;
  int backend_port_;
  std::vector<std::string> extra_args_;
  std::unique_ptr<NginxProcess> nginx_;
  std::unique_ptr<ServerProcess> process_;
  int starts_ = 0;
};

// What an enrolled client's store says about its device: the chain head, the last request
// counter, and the signed change sets it keeps (index i = seq i + 1).
struct DeviceState {
  std::string device;
  std::string unit;
  std::uint64_t chain_seq = 0;
  sync::Hash chain_hash{};
  std::uint64_t request_counter = 0;
  std::vector<sync::SignedChangeSet> change_sets;
};

// One laptop: the real `tongket` binary with --store <dir>/<name>.db.
class SyncClient {
 public:
  SyncClient(const std::filesystem::path& dir, const std::string& name);

  ProcessResult run(std::vector<std::string> args, const std::string& stdin_text = {}) const;
  // The argv run() would use (for a run in the background).
  std::vector<std::string> argv(std::vector<std::string> args) const;
  ProcessOptions options() const;

  void init(const std::string& unit, const std::string& author);    // REQUIREs success
  void enroll(const SyncServer& server, const std::string& token);  // REQUIREs success
  // tongket sync --quiet [--server url] --attempts N. The default url is the enrolled one.
  ProcessResult sync(const std::string& server_url = {}, int attempts = 1) const;
  // run(args), REQUIRing exit 0 (the output is shown when it fails).
  ProcessResult run_ok(std::vector<std::string> args) const;
  // sync(), REQUIRing exit 0 and no refused change set.
  void sync_ok() const;
  void set(const std::string& indicator, const std::string& period, const std::string& value,
           const std::string& unit = {}) const;  // REQUIREs success
  void text(const std::string& section, const std::string& text,
            const std::string& unit = {}) const;  // REQUIREs success

  const std::filesystem::path& store() const { return store_; }
  std::filesystem::path key_file() const { return store_.string() + ".key"; }
  std::string meta(const std::string& key) const;  // "" if absent
  FieldMap values() const;                         // the field table: unit, key, value
  DeviceState device_state() const;
  std::int64_t count(const std::string& sql) const;  // a prepared SELECT count(*) ...

 private:
  std::filesystem::path dir_;
  std::filesystem::path store_;
};

// The tongket-fault-proxy binary as a child: <dir of TONGKET_SERVER_BIN>/../tools/...;
// REQUIREs that the binary exists and that it reports its port.
std::filesystem::path fault_proxy_binary();
class FaultProxy {
 public:
  FaultProxy(int target_port, const std::vector<std::string>& args);
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  void kill9() { child_->kill9(); }

 private:
  TempDir dir_{"tongket-fault-proxy"};
  std::unique_ptr<process::Child> child_;  // SIGKILLed at scope exit
  int port_ = 0;
};

// ---- the server's store, read through a separate read-only SQLite connection ----

// Current values of `unit` and of every unit whose district or province it is.
FieldMap server_values(const std::filesystem::path& data_dir, const std::string& scope_unit);
// One number from a prepared query; `text_arg` is bound to ?1 when the query has it.
std::int64_t server_count(const std::filesystem::path& data_dir, const std::string& sql,
                          const std::string& text_arg = {});

// What a refused request must leave as it was: every value, and the sizes of the history, the
// pull log, the change sets and the conflicts.
struct ServerData {
  FieldMap values;
  std::int64_t history = 0, log = 0, change_sets = 0, conflicts = 0;
  bool operator==(const ServerData&) const = default;
};
ServerData server_data(const std::filesystem::path& data_dir);
std::string describe(const ServerData& d);

struct ConflictRow {
  std::int64_t id = 0;
  std::string unit, field;
  nlohmann::json current, other;  // the value that stayed current; the one kept aside
  bool open = true;
  bool operator==(const ConflictRow&) const = default;
};
std::vector<ConflictRow> server_conflicts(const std::filesystem::path& data_dir);
std::vector<ConflictRow> client_conflicts(const SyncClient& client);

// What would show a half-applied push: an applied change set whose operations are not all in
// the history, history rows without their change set, a device head that is not its last
// stored change set, a pull log whose running hash does not chain. Empty when all is well.
std::vector<std::string> server_integrity_problems(const std::filesystem::path& data_dir);

std::string describe(const FieldMap& m);

}  // namespace tongket::test
