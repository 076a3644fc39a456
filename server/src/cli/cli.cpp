#include "tongket/server/cli.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "security/terminal_text.hpp"
#include "tongket/error.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/paths.hpp"
#include "tongket/report_template.hpp"
#include "tongket/server/http_server.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/server/store_factory.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/changeset.hpp"
#include "tongket/sync/crypto.hpp"

namespace tongket::server {

namespace {

constexpr const char* kUsage =
    R"(tongket-server: the central sync server of tongket (CCHC 2011-2020 review).

Usage:
  tongket-server init --data DIR [--database URL] [--units DIR] [--template FILE]
      Create (or update) the store: schema, server id (made once), the administrative units
      and the report template. The store is DIR/tongket-server.db unless --database names
      another: sqlite:PATH or postgresql://... (a libpq URI; passwords in ~/.pgpass, not in
      the URL). DIR records the URL; every command given --data DIR uses that store.
  tongket-server serve --data DIR [--listen URL] [--cert FILE --key FILE]
                       [--insecure-http] [--max-body BYTES] [--threads N]
                       [--body-timeout SECONDS] [--drain-timeout SECONDS]
      Serve the sync protocol until SIGTERM/SIGINT (then drain and exit 0).
      Production: --insecure-http --listen http://127.0.0.1:8443 behind nginx
      (deploy/nginx/tongket.conf; scripts/serve.sh runs both). GET /healthz: 200 "ok".
      --listen      default https://127.0.0.1:8443 (own TLS: development and tests only)
      --cert/--key  PEM certificate chain and key (default DIR/server.pem, DIR/server-key.pem);
                    development ones: certs/make-dev-certs.sh OUTDIR
      --insecure-http  plain HTTP on 127.0.0.1 only, for a TLS-terminating proxy (nginx)
      --max-body    refuse bodies over this many bytes with 413 (default 4194304)
      --threads     listener threads, 1..64 (default 2)
      --body-timeout  seconds for a body to arrive after its headers (default 600), then 408
      --drain-timeout seconds in-flight requests get after SIGTERM (default 30)
  tongket-server token create --data DIR --unit CODE --role ROLE [--ttl-hours 72]
      Print a one-time enrollment token for a device of unit CODE. ROLE: clerk,
      district_reviewer (a district), province_reviewer (a province), admin.
  tongket-server devices list --data DIR
  tongket-server devices revoke --data DIR --device ID
  tongket-server audit --data DIR --unit CODE
      Who changed what in unit CODE, when, from which device; verifies every stored
      change set's signature and hash (exit 6 if one does not verify).
  tongket-server conflicts list --data DIR [--unit CODE] [--all]
      Open conflicts (--all: resolved ones too).
  tongket-server refusals --data DIR [--limit N]
      The security log: refused requests and change sets, newest first, with the client
      address; repeats from one address within a minute are one line ("xN until TIME").
      Text from requests is shown escaped (\x1b, \n, \u202e).

Review round:
  tongket-server review list --data DIR --unit CODE
      The units reporting to district or province CODE: state, signed and receipt time of
      the submission, on time or late ("check: ..." when the two times disagree), comment;
      then how many submitted, were accepted, were late, are missing, and which are missing
      (a province: its districts and departments, then the communes of each district).
  tongket-server deadline set --data DIR --level LEVEL --date YYYY-MM-DD[THH:MM:SS]
      Replace the template's deadline of a level (commune, district, department, province):
      a date (end of that day) or a time, in Vietnam time (UTC+7). Judges submissions
      received from then on; every device shows it after its next sync.
  tongket-server deadline list --data DIR
  tongket-server units add --data DIR --code CODE --name NAME --parent PROVINCE
                           [--type Sở|Văn phòng|Ban|Thanh tra|Cơ quan]
      Add one of the province's other departments ("sở, ban, ngành"; code PROVINCE-KEY,
      e.g. 72-SYT; type default Sở). It writes the narrative parts; the six departments the
      template names keep their appendices. The province's devices and the new unit's own
      see it after their next sync; then `token create --unit CODE`.
  tongket-server units list --data DIR --parent CODE
      The units directly below CODE (a province: its districts and departments).
  tongket-server export --data DIR --unit CODE [--rollup [--include-submitted]]
                        --format docx|xlsx|csv --out FILE [--units DIR]
      The unit's report from the server's data: its own figures, or rolled up over the
      units below it (--rollup) whose reports were accepted (--include-submitted: submitted
      ones too; drafts never), with the coverage and the missing units. A province's
      figures that a department answers are that department's accepted ones unless the
      province entered its own. --units: the units the store was initialised with.
  tongket-server verify --data DIR --unit CODE
      For each submission and acceptance of CODE: recompute the digest of the data as of
      then from the history, compare it with the signed one, verify the signature of the
      change set that carried it; then list what changed since the last acceptance.
      Exit 6 if anything does not verify.

Operations:
  tongket-server backup --data DIR --out FILE
      An online, consistent copy of the store while the server serves (one read
      transaction), checked (integrity, application id, schema) before it takes the name
      FILE. An existing FILE is refused. Copy FILE off the machine afterwards.
  tongket-server restore --data DIR --from FILE
      With the server stopped: checks FILE, keeps the current store as
      DIR/tongket-server.db.before-restore-<time>, then puts FILE's content in its place.
      Clients that synced after the backup re-send what the server lacks (gap) and pull
      again from the start (cursor_reset): nothing they hold is lost.
  tongket-server --help | --version

Admin commands may run while the server runs.
Exit codes: 0 ok, 2 bad arguments or unknown unit/device, 4 store or file problem,
5 TLS/network, 6 unauthorized or a signature that does not verify, 8 internal.
)";

struct Args {
  std::vector<std::string> words;              // command words
  std::map<std::string, std::string> options;  // --name value
  std::map<std::string, bool> flags;           // --name
};

const std::map<std::string, bool> kTakesValue = {
    {"--data", true},          {"--listen", true},         {"--cert", true},
    {"--key", true},           {"--max-body", true},       {"--threads", true},
    {"--unit", true},          {"--role", true},           {"--ttl-hours", true},
    {"--device", true},        {"--units", true},          {"--database", true},
    {"--template", true},      {"--limit", true},          {"--body-timeout", true},
    {"--drain-timeout", true}, {"--insecure-http", false}, {"--all", false},
    {"--help", false},         {"--version", false},       {"--level", true},
    {"--date", true},          {"--format", true},         {"--out", true},
    {"--rollup", false},       {"--from", true},           {"--include-submitted", false},
    {"--code", true},          {"--name", true},           {"--parent", true},
    {"--type", true}};

Args parse_args(int argc, const char* const* argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string w = argv[i];
    if (w.rfind("--", 0) != 0) {
      a.words.push_back(w);
      continue;
    }
    auto it = kTakesValue.find(w);
    if (it == kTakesValue.end())
      throw Error(Errc::invalid_argument, "unknown option " + w + " (see --help)");
    if (!it->second) {
      a.flags[w] = true;
      continue;
    }
    if (i + 1 >= argc) throw Error(Errc::invalid_argument, w + " needs a value");
    a.options[w] = argv[++i];
  }
  return a;
}

std::string need(const Args& a, const std::string& name) {
  auto it = a.options.find(name);
  if (it == a.options.end() || it->second.empty())
    throw Error(Errc::invalid_argument, "missing " + name + " (see --help)");
  return it->second;
}

std::optional<std::string> opt(const Args& a, const std::string& name) {
  auto it = a.options.find(name);
  if (it == a.options.end()) return std::nullopt;
  return it->second;
}

std::uint64_t number(const std::string& name, const std::string& text, std::uint64_t lo,
                     std::uint64_t hi) {
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '-' || v < lo || v > hi)
    throw Error(Errc::invalid_argument, name + " " + text + ": give a whole number from " +
                                            std::to_string(lo) + " to " + std::to_string(hi));
  return v;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Who runs an admin command, for the events the clients see: the login name.
std::string admin_name() {
  const char* user = std::getenv("USER");
  return std::string("admin") + (user && *user ? std::string(" ") + user : std::string());
}

std::string iso_time(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(Errc::io_error, "cannot read " + file.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string shorten(std::string s, std::size_t n) {
  if (s.size() > n) s = s.substr(0, n) + "...";
  return s;
}

// Untrusted text for the terminal: shortened, then every control character escaped.
std::string shown(const std::string& s, std::size_t n = 200) {
  return printable(shorten(s, n));
}

int cmd_init(const Args& a, std::ostream& out) {
  std::filesystem::path data = need(a, "--data");
  std::filesystem::path units = opt(a, "--units").value_or(units_dir().string());
  std::filesystem::path tpl_file = opt(a, "--template").value_or(template_file().string());
  Hierarchy hierarchy = Hierarchy::load(units);
  std::string tpl_text = read_text(tpl_file);
  ReportTemplate::parse(tpl_text, tpl_file.string());  // refuse a broken template now
  const auto given = opt(a, "--database");
  if (given) check_data_store_url(data, *given);  // before anything is written
  const std::string url = given ? *given : data_store_url(data);
  ServerIdentity id = init_store(url, hierarchy, tpl_text, now_ms());
  if (given) record_data_store_url(data, *given);  // only once the store is ready
  out << "store " << url << " ready\n"
      << "server id " << id.server_id << "\n"
      << id.unit_count << " units, template " << tpl_file.string() << "\n";
  return 0;
}

int cmd_serve(const Args& a) {
  ServeOptions o;
  o.data_dir = need(a, "--data");
  if (auto v = opt(a, "--listen")) o.listen = *v;
  if (auto v = opt(a, "--cert")) o.cert_file = *v;
  if (auto v = opt(a, "--key")) o.key_file = *v;
  o.insecure_http = a.flags.count("--insecure-http") > 0;
  if (o.insecure_http && !opt(a, "--listen")) o.listen = "http://127.0.0.1:8443";
  if (auto v = opt(a, "--max-body")) o.max_body = number("--max-body", *v, 1024, 1ull << 30);
  if (auto v = opt(a, "--threads")) o.threads = number("--threads", *v, 1, 64);
  if (auto v = opt(a, "--body-timeout"))
    o.body_timeout = std::chrono::seconds(number("--body-timeout", *v, 1, 86400));
  if (auto v = opt(a, "--drain-timeout"))
    o.drain_timeout = std::chrono::seconds(number("--drain-timeout", *v, 1, 3600));
  return serve(o);
}

int cmd_token_create(const Args& a, std::ostream& out, std::ostream& err) {
  auto store = open_data_store(need(a, "--data"));
  std::string unit_code = need(a, "--unit");
  auto role = parse_role(need(a, "--role"));
  if (!role)
    throw Error(Errc::invalid_argument,
                "--role " + need(a, "--role") +
                    ": use clerk, district_reviewer, province_reviewer or admin");
  auto unit = store->unit(unit_code);
  if (!unit) throw Error(Errc::not_found, "unknown unit " + unit_code);
  if (!role_fits_unit(*role, unit->level))
    throw Error(Errc::invalid_argument,
                "a " + std::string(role_name(*role)) + " belongs to a " +
                    (*role == Role::district_reviewer ? "district" : "province") + "; " +
                    unit_code + " is a " + std::string(level_name(unit->level)));
  std::uint64_t ttl = number("--ttl-hours", opt(a, "--ttl-hours").value_or("72"), 1, 24 * 365);
  std::string token = sync::random_id();
  EnrollToken t;
  t.token_hash = sync::sha256(sync::as_bytes(token));
  t.unit = unit_code;
  t.role = *role;
  t.created_ms = now_ms();
  t.expires_ms = t.created_ms + static_cast<std::int64_t>(ttl) * 3600 * 1000;
  store->add_token(t);
  err << "one-time token for a " << role_name(*role) << " of " << unit->name << " (" << unit_code
      << "), valid until " << iso_time(t.expires_ms) << ":\n";
  out << token << "\n";
  return 0;
}

int cmd_devices_list(const Args& a, std::ostream& out) {
  auto store = open_data_store(need(a, "--data"));
  auto devices = store->devices();
  if (devices.empty()) out << "no devices enrolled\n";
  for (const auto& d : devices) {
    out << shown(d.id) << "  unit " << shown(d.unit) << "  " << role_name(d.role) << "  enrolled "
        << iso_time(d.enrolled_ms) << "  change sets " << d.last_seq;
    if (d.revoked_ms) out << "  REVOKED " << iso_time(*d.revoked_ms);
    if (!d.label.empty()) out << "  \"" << shown(d.label, 60) << "\"";
    out << "\n";
  }
  return 0;
}

int cmd_devices_revoke(const Args& a, std::ostream& out) {
  auto store = open_data_store(need(a, "--data"));
  std::string id = need(a, "--device");
  if (!store->revoke_device(id, now_ms())) throw Error(Errc::not_found, "unknown device " + id);
  out << "device " << id << " revoked: its requests are refused from now on\n";
  return 0;
}

int cmd_audit(const Args& a, std::ostream& out) {
  auto store = open_data_store(need(a, "--data"));
  std::string unit_code = need(a, "--unit");
  auto unit = store->unit(unit_code);
  if (!unit) throw Error(Errc::not_found, "unknown unit " + unit_code);
  out << "Audit of " << shown(unit->name) << " (" << shown(unit_code) << ")\n\nChange sets:\n";
  std::size_t bad = 0;
  std::map<std::string, std::optional<Device>> devices;
  auto change_sets = store->change_sets_of_unit(unit_code);
  for (const auto& cs : change_sets) {
    auto& dev = devices[cs.device];
    if (!dev) dev = store->device(cs.device);
    bool hash_ok = sync::sha256(cs.bytes) == cs.hash;
    bool sig_ok = dev && sync::verify_change_set({cs.bytes, cs.signature}, dev->public_key);
    bool decoded_ok = true;
    try {
      auto decoded = sync::decode(cs.bytes);
      decoded_ok = decoded.device == cs.device && decoded.seq == cs.seq;
    } catch (const Error&) {
      decoded_ok = false;
    }
    bool ok = hash_ok && sig_ok && decoded_ok;
    if (!ok) ++bad;
    out << "  " << iso_time(cs.received_ms) << "  device " << shown(cs.device) << " #" << cs.seq
        << "  by \"" << shown(cs.author, 60) << "\"  " << shown(cs.status);
    if (!cs.result.reason.empty()) out << " (" << shown(cs.result.reason, 160) << ")";
    out << "  signature " << (ok ? "verified" : "DOES NOT VERIFY") << "\n";
  }
  if (change_sets.empty()) out << "  none\n";
  out << "\nChanges (every accepted write, current or not):\n";
  auto history = store->history(unit_code);
  for (const auto& h : history)
    out << "  v" << h.version << "  " << iso_time(h.received_ms) << "  " << shown(h.field) << " = "
        << shown(h.value.dump(), 80) << "  " << shown(h.outcome) << "  device " << shown(h.device)
        << " #" << h.cs_seq << "  by \"" << shown(h.author, 60) << "\"\n";
  if (history.empty()) out << "  none\n";
  out << "\n"
      << change_sets.size() << " change set(s), " << bad << " failing verification; "
      << history.size() << " write(s)\n";
  return bad ? exit_code(Errc::unauthorized) : 0;
}

int cmd_conflicts(const Args& a, std::ostream& out) {
  auto store = open_data_store(need(a, "--data"));
  auto unit = opt(a, "--unit");
  bool all = a.flags.count("--all") > 0;
  auto list = store->conflicts(unit, !all);
  if (list.empty()) out << (all ? "no conflicts\n" : "no open conflicts\n");
  for (const auto& c : list) {
    out << "conflict " << c.id << "  unit " << shown(c.unit) << "  " << shown(c.field) << "\n"
        << "  kept:     " << shown(c.current_value.dump(), 100) << "  (v" << c.current_version
        << ", device " << shown(c.current_device) << ", \"" << shown(c.current_author, 40) << "\", "
        << iso_time(c.current_ms) << ")\n"
        << "  incoming: " << shown(c.incoming_value.dump(), 100) << "  (v" << c.incoming_version
        << ", device " << shown(c.incoming_device) << ", \"" << shown(c.incoming_author, 40)
        << "\", " << iso_time(c.incoming_ms) << ")\n";
    if (c.resolved_version)
      out << "  resolved by v" << *c.resolved_version << " from device " << shown(c.resolved_device)
          << " at " << iso_time(c.resolved_ms.value_or(0)) << "\n";
  }
  return 0;
}

int cmd_refusals(const Args& a, std::ostream& out) {
  auto store = open_data_store(need(a, "--data"));
  std::size_t limit = number("--limit", opt(a, "--limit").value_or("50"), 1, 100000);
  auto list = store->refusals(limit);
  if (list.empty()) out << "no refusals\n";
  // Every field but the times came from a request: shown escaped.
  for (const auto& r : list) {
    out << iso_time(r.at_ms) << "  " << shown(r.endpoint) << "  " << shown(r.code) << "  from "
        << (r.source.empty() ? "-" : shown(r.source, 64)) << "  device "
        << (r.device.empty() ? "-" : shown(r.device, 64));
    if (r.cs_seq) out << " #" << r.cs_seq;
    if (r.count > 1) out << "  x" << r.count << " until " << iso_time(r.last_ms);
    out << "  " << shown(r.message) << "\n";
  }
  return 0;
}

int run(const Args& a, std::ostream& out, std::ostream& err) {
  if (a.flags.count("--help") || a.words.empty()) {
    out << kUsage;
    return a.words.empty() && !a.flags.count("--help") && !a.flags.count("--version") ? 2 : 0;
  }
  const auto& w = a.words;
  auto is = [&](std::initializer_list<const char*> cmd) {
    if (w.size() != cmd.size()) return false;
    std::size_t i = 0;
    for (const char* c : cmd)
      if (w[i++] != c) return false;
    return true;
  };
  if (is({"init"})) return cmd_init(a, out);
  if (is({"serve"})) return cmd_serve(a);
  if (is({"token", "create"})) return cmd_token_create(a, out, err);
  if (is({"devices", "list"})) return cmd_devices_list(a, out);
  if (is({"devices", "revoke"})) return cmd_devices_revoke(a, out);
  if (is({"audit"})) return cmd_audit(a, out);
  if (is({"conflicts", "list"})) return cmd_conflicts(a, out);
  if (is({"refusals"})) return cmd_refusals(a, out);
  if (is({"review", "list"})) return cli::review_list(need(a, "--data"), need(a, "--unit"), out);
  if (is({"deadline", "set"}))
    return cli::deadline_set(need(a, "--data"), need(a, "--level"), need(a, "--date"), admin_name(),
                             now_ms(), out);
  if (is({"units", "add"})) {
    Unit u{need(a, "--code"), need(a, "--name"), opt(a, "--type").value_or("Sở"),
           UnitLevel::department, need(a, "--parent")};
    return cli::units_add(need(a, "--data"), u, admin_name(), now_ms(), out);
  }
  if (is({"units", "list"})) return cli::units_list(need(a, "--data"), need(a, "--parent"), out);
  if (is({"deadline", "list"})) return cli::deadline_list(need(a, "--data"), out);
  if (is({"export"}))
    return cli::export_report(need(a, "--data"), opt(a, "--units").value_or(units_dir().string()),
                              need(a, "--unit"), a.flags.count("--rollup") > 0,
                              a.flags.count("--include-submitted") > 0, need(a, "--format"),
                              need(a, "--out"), out);
  if (is({"verify"})) return cli::verify(need(a, "--data"), need(a, "--unit"), out);
  if (is({"backup"})) return cli::backup(need(a, "--data"), need(a, "--out"), out);
  if (is({"restore"})) return cli::restore(need(a, "--data"), need(a, "--from"), out);
  std::string cmd;
  for (const auto& s : w) cmd += (cmd.empty() ? "" : " ") + s;
  throw Error(Errc::invalid_argument, "unknown command '" + cmd + "' (see --help)");
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  try {
    Args a = parse_args(argc, argv);
    if (a.flags.count("--version")) {
      out << version_text("tongket-server");
      return 0;
    }
    return run(a, out, err);
  } catch (const Error& e) {
    err << "tongket-server: " << e.what() << "\n";
    return exit_code(e.code());
  } catch (const std::exception& e) {
    err << "tongket-server: internal error: " << e.what() << "\n";
    return exit_code(Errc::internal);
  }
}

}  // namespace tongket::server
