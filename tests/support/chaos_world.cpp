#include "chaos_world.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sqlite_reader.hpp"
#include "tongket/client_store.hpp"
#include "tongket/field.hpp"
#include "tongket/report_template.hpp"

namespace tongket::test::chaos {

namespace {

using Db = ReadOnlyDb;
using Stmt = Query;

std::filesystem::path server_db(const SyncServer& server) {
  return server.data() / "tongket-server.db";
}

const ReportTemplate& report_template() {
  static const ReportTemplate tpl =
      ReportTemplate::load(std::string(TONGKET_SOURCE_DIR) + "/data/template/cchc-2011-2020.json");
  return tpl;
}

bool fills(const std::vector<UnitLevel>& levels, UnitLevel level) {
  return std::find(levels.begin(), levels.end(), level) != levels.end();
}

// The scope condition of the server's units table, as in server_values().
constexpr const char* kInScope = "(u.code = ?1 OR u.district = ?1 OR u.province = ?1)";

std::string state_rank_error(const std::string& from, const std::string& to) {
  auto rank = [](const std::string& s) {
    if (s == "pending") return 0;
    if (s == "packed") return 1;
    return 2;  // acked, refused: final
  };
  if (rank(to) < rank(from) || (rank(from) == 2 && from != to))
    return "went back from " + from + " to " + to;
  return {};
}

}  // namespace

int rounds(int ci_default) {
  if (const char* s = std::getenv("TONGKET_CHAOS_ROUNDS")) {
    const int n = std::atoi(s);
    if (n > 0) return n;
  }
  return ci_default;
}

std::uint64_t seed() {
  if (const char* s = std::getenv("TONGKET_CHAOS_SEED")) return std::strtoull(s, nullptr, 10);
  return 20111120;
}

std::vector<ValueRow> report_values(UnitLevel level, int round) {
  std::vector<ValueRow> rows;
  for (const auto& ind : report_template().indicators()) {
    if (!fills(ind.levels, level)) continue;
    for (const auto& period : ind.periods) {
      const int n = static_cast<int>(rows.size());
      ValueRow row{ind.code, period, {}, {}};
      switch (ind.type) {
        case ValueType::count:
          row.value = round * 1000 + n % 997;
          row.text = std::to_string(row.value.get<int>());
          break;
        case ValueType::percentage: {
          const int tenths = (round * 37 + n * 11) % 1000;  // 0.0 .. 99.9
          row.value = tenths / 10.0;
          row.text = std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
          break;
        }
        case ValueType::flag:
          row.value = (round + n) % 2;
          row.text = std::to_string(row.value.get<int>());
          break;
        default:
          continue;  // headings hold nothing, ratios are computed, text rows are not numbers
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::string csv_of(const std::vector<ValueRow>& rows) {
  std::ostringstream csv;
  csv << "indicator,period,value\n";
  for (const auto& r : rows) csv << r.indicator << "," << r.period << "," << r.text << "\n";
  return csv.str();
}

std::map<std::string, std::string> report_texts(UnitLevel level, int round,
                                                std::size_t max_sections) {
  std::map<std::string, std::string> out;
  for (const auto& section : report_template().sections()) {
    if (!section.writable || !fills(section.levels, level)) continue;
    if (out.size() >= max_sections) break;
    std::string text;
    for (int line = 1; line <= 24; ++line)
      text += "Mục " + section.id + ", lần " + std::to_string(round) + ", dòng " +
              std::to_string(line) +
              ": đã triển khai kế hoạch cải cách hành chính, rà soát thủ tục hành chính và "
              "công khai kết quả giải quyết hồ sơ.\n";
    out[section.id] = text;
  }
  return out;
}

FieldMap expected_fields(const std::string& unit, const std::vector<ValueRow>& rows,
                         const std::map<std::string, std::string>& texts) {
  FieldMap m;
  for (const auto& r : rows) m[{unit, FieldKey::value(r.indicator, r.period).str()}] = r.value;
  for (const auto& [section, text] : texts) m[{unit, FieldKey::text(section).str()}] = text;
  return m;
}

std::vector<std::string> district_communes() {
  std::ifstream in(std::string(TONGKET_SOURCE_DIR) + "/data/units/communes.csv");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    // code,name,type,district_code (names hold no commas)
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string x; std::getline(s, x, ',');) f.push_back(x);
    if (f.size() >= 4 && f[3] == kDistrict) out.push_back(f[0]);
  }
  if (out.empty()) throw std::runtime_error("no communes of district 705 in data/units");
  return out;
}

std::size_t write_values(const std::filesystem::path& store, const std::string& unit,
                         UnitLevel level, int round, const std::string& author) {
  auto s = ClientStore::open(store);
  std::vector<FieldWrite> writes;
  for (const auto& r : report_values(level, round))
    writes.push_back({unit, FieldKey::value(r.indicator, r.period), r.value});
  s.set_fields(writes, author, system_time_ms());
  return writes.size();
}

std::size_t write_district_round(const std::filesystem::path& store, int round,
                                 std::size_t communes, std::map<std::string, int>& latest) {
  static const auto all = district_communes();
  std::size_t ops = write_values(store, kDistrict, UnitLevel::district, round,
                                 "Huyện, lượt " + std::to_string(round));
  latest[kDistrict] = round;
  for (std::size_t i = 0; i < communes; ++i) {
    const auto& unit = all[(static_cast<std::size_t>(round) * communes + i) % all.size()];
    ops += write_values(store, unit, UnitLevel::commune, round,
                        "Xã " + unit + ", lượt " + std::to_string(round));
    latest[unit] = round;
  }
  return ops;
}

FieldMap expected_values(const std::map<std::string, int>& latest) {
  FieldMap m;
  for (const auto& [unit, round] : latest) {
    const auto level = unit == kDistrict ? UnitLevel::district : UnitLevel::commune;
    auto part = expected_fields(unit, report_values(level, round), {});
    m.insert(part.begin(), part.end());
  }
  return m;
}

int sync_until_ok(const SyncClient& client, const std::string& url, int max_tries,
                  std::string& transcript) {
  for (int run = 1; run <= max_tries; ++run) {
    const auto r = client.sync(url, 1);
    if (r.exit_code == 0) return run;
    transcript +=
        "run " + std::to_string(run) + " exit " + std::to_string(r.exit_code) + ": " + r.err;
  }
  return 0;
}

// ---- invariants ----

std::vector<std::string> client_store_problems(const SyncClient& client) {
  std::vector<std::string> problems;
  Db db(client.store());
  {
    Stmt check(db, "PRAGMA integrity_check");
    while (check.step())
      if (check.text(0) != "ok") problems.push_back("integrity_check: " + check.text(0));
  }
  {
    Stmt s(db,
           "SELECT o.op_id, o.unit, o.key, f.dirty FROM outbox o LEFT JOIN field f "
           "ON f.unit = o.unit AND f.key = o.key WHERE o.state IN ('pending', 'packed') "
           "AND (f.dirty IS NULL OR f.dirty = 0) LIMIT 5");
    while (s.step())
      problems.push_back("unsent edit " + std::to_string(s.int64(0)) + " of " + s.text(1) + " " +
                         s.text(2) + (s.is_null(3) ? " has no field" : " but the field is clean"));
  }
  {
    Stmt s(db,
           "SELECT f.unit, f.key, f.value, (SELECT o.value FROM outbox o WHERE o.unit = f.unit "
           "AND o.key = f.key ORDER BY o.op_id DESC LIMIT 1) FROM field f WHERE f.dirty = 1 AND "
           "f.value IS NOT (SELECT o.value FROM outbox o WHERE o.unit = f.unit AND o.key = f.key "
           "ORDER BY o.op_id DESC LIMIT 1) LIMIT 5");
    while (s.step())
      problems.push_back("dirty field " + s.text(0) + " " + s.text(1) + " shows " +
                         s.text(2).substr(0, 40) + " but its last edit is " +
                         s.text(3).substr(0, 40));
  }
  {
    Stmt s(db, "SELECT unit, key FROM field WHERE dirty = 0 AND value IS NOT server_value LIMIT 5");
    while (s.step())
      problems.push_back("clean field " + s.text(0) + " " + s.text(1) +
                         " differs from the server's value it is based on");
  }
  {
    Stmt s(db,
           "SELECT c.seq, c.op_count, c.state, (SELECT count(*) FROM outbox o WHERE "
           "o.change_set = c.seq), (SELECT count(*) FROM outbox o WHERE o.change_set = c.seq "
           "AND o.state <> CASE c.state WHEN 'sent' THEN 'packed' ELSE c.state END) "
           "FROM change_set c");
    while (s.step())
      if (s.int64(1) != s.int64(3) || s.int64(4) != 0)
        problems.push_back("change set " + std::to_string(s.int64(0)) + " (" + s.text(2) + ", " +
                           std::to_string(s.int64(1)) + " operations) has " +
                           std::to_string(s.int64(3)) + " outbox rows, " +
                           std::to_string(s.int64(4)) + " in another state");
  }
  {
    Stmt s(db,
           "SELECT chain_seq, chain_hash, (SELECT max(seq) FROM change_set), (SELECT hash FROM "
           "change_set ORDER BY seq DESC LIMIT 1) FROM sync_state WHERE id = 1");
    if (!s.step()) {
      problems.push_back("the sync_state row is missing");
    } else {
      const std::int64_t last = s.is_null(2) ? 0 : s.int64(2);
      if (s.int64(0) != last || (last > 0 && s.blob(1) != s.blob(3)))
        problems.push_back("chain head is seq " + std::to_string(s.int64(0)) +
                           " but the last change set is " + std::to_string(last));
    }
  }
  return problems;
}

std::vector<std::string> cursor_problems(const SyncServer& server, const SyncClient& client,
                                         const std::string& scope) {
  std::vector<std::string> problems;
  std::int64_t cursor = 0;
  std::vector<std::uint8_t> cursor_hash;
  std::map<std::pair<std::string, std::string>, std::int64_t> client_versions;
  {
    Db db(client.store());
    Stmt s(db, "SELECT cursor_seq, cursor_hash FROM sync_state WHERE id = 1");
    s.step();
    cursor = s.int64(0);
    cursor_hash = s.blob(1);
    Stmt f(db, "SELECT unit, key, version FROM field WHERE version > 0");
    while (f.step()) client_versions[{f.text(0), f.text(1)}] = f.int64(2);
  }
  Db db(server_db(server));
  if (cursor > 0) {
    Stmt h(db, "SELECT hash FROM pull_log WHERE seq = ?1");
    h.bind(1, cursor);
    if (!h.step())
      problems.push_back("cursor " + std::to_string(cursor) + " is past the server's log");
    else if (h.blob(0) != cursor_hash)
      problems.push_back("cursor " + std::to_string(cursor) + " has another hash than the log");
  }
  std::map<std::pair<std::string, std::string>, std::int64_t> server_versions;
  {
    Stmt s(db, std::string("SELECT p.unit, p.field, max(p.seq) FROM pull_log p JOIN units u ON "
                           "u.code = p.unit WHERE p.kind = 'value' AND p.seq <= ?2 AND ") +
                   kInScope + " GROUP BY p.unit, p.field");
    s.bind(1, scope).bind(2, cursor);
    while (s.step()) server_versions[{s.text(0), s.text(1)}] = s.int64(2);
  }
  std::size_t shown = 0;
  auto add = [&](const std::string& p) {
    if (++shown <= 5) problems.push_back(p);
  };
  for (const auto& [key, version] : server_versions) {
    auto it = client_versions.find(key);
    const std::int64_t have = it == client_versions.end() ? 0 : it->second;
    if (have != version)
      add(key.first + " " + key.second + ": the log up to cursor " + std::to_string(cursor) +
          " has version " + std::to_string(version) + ", the client " + std::to_string(have));
  }
  for (const auto& [key, version] : client_versions)
    if (!server_versions.contains(key))
      add(key.first + " " + key.second + ": the client has version " + std::to_string(version) +
          ", beyond its cursor " + std::to_string(cursor));
  if (shown > 5) problems.push_back("... " + std::to_string(shown - 5) + " more");
  return problems;
}

std::vector<std::string> acked_missing_problems(const SyncServer& server,
                                                const SyncClient& client) {
  std::vector<std::string> problems;
  const std::string device = client.meta("device_id");
  std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>> acked;
  {
    Db db(client.store());
    Stmt s(db, "SELECT seq, hash FROM change_set WHERE state = 'acked' ORDER BY seq");
    while (s.step()) acked.emplace_back(s.int64(0), s.blob(1));
  }
  Db db(server_db(server));
  Stmt s(db, "SELECT hash FROM change_sets WHERE device = ?1 AND seq = ?2");
  for (const auto& [seq, hash] : acked) {
    s.bind(1, device).bind(2, seq);
    if (!s.step())
      problems.push_back("change set " + std::to_string(seq) +
                         " is acknowledged on the client but not on the server");
    else if (s.blob(0) != hash)
      problems.push_back("change set " + std::to_string(seq) + " has another hash on the server");
    s.reset();
  }
  return problems;
}

std::vector<std::string> duplicate_problems(const SyncServer& server, const SyncClient& client) {
  std::vector<std::string> problems;
  const std::string device = client.meta("device_id");
  Db db(server_db(server));
  Stmt s(db,
         "SELECT cs_seq, op_id, count(*) FROM field_history_full WHERE device = ?1 "
         "GROUP BY cs_seq, op_id HAVING count(*) > 1 LIMIT 5");
  s.bind(1, device);
  while (s.step())
    problems.push_back("operation " + std::to_string(s.int64(1)) + " of change set " +
                       std::to_string(s.int64(0)) + " is " + std::to_string(s.int64(2)) +
                       " times in the history");
  Stmt ops(db,
           "SELECT op_id, count(DISTINCT cs_seq) FROM field_history_full WHERE device = ?1 "
           "GROUP BY op_id HAVING count(DISTINCT cs_seq) > 1 LIMIT 5");
  ops.bind(1, device);
  while (ops.step())
    problems.push_back("operation " + std::to_string(ops.int64(0)) + " is in " +
                       std::to_string(ops.int64(1)) + " change sets");
  return problems;
}

std::vector<std::string> convergence_problems(const SyncServer& server, const SyncClient& client,
                                              const std::string& scope) {
  std::vector<std::string> problems;
  const std::string device = client.meta("device_id");
  if (auto n = client.count("SELECT count(*) FROM outbox WHERE state IN ('pending', 'packed')"))
    problems.push_back(std::to_string(n) + " edits still pending or packed");
  if (auto n = client.count("SELECT count(*) FROM change_set WHERE state <> 'acked'"))
    problems.push_back(std::to_string(n) + " change sets not acknowledged");
  if (auto n = client.count("SELECT count(*) FROM field WHERE dirty = 1"))
    problems.push_back(std::to_string(n) + " fields still dirty");
  // Every operation made, in the server's history once, with the value sent.
  std::map<std::int64_t, nlohmann::json> made;
  {
    Db db(client.store());
    Stmt s(db, "SELECT op_id, value FROM outbox");
    while (s.step()) made[s.int64(0)] = s.json(1);
  }
  std::map<std::int64_t, std::pair<nlohmann::json, std::string>> history;
  std::int64_t rows = 0;
  {
    Db db(server_db(server));
    Stmt s(db, "SELECT op_id, value, outcome, zvalue FROM field_history_full WHERE device = ?1");
    s.bind(1, device);
    while (s.step()) {
      ++rows;
      // A long text is stored gzipped (schema v6).
      history[s.int64(0)] = {s.stored_json(1, 3), s.text(2)};
    }
  }
  if (rows != static_cast<std::int64_t>(history.size()))
    problems.push_back(std::to_string(rows - static_cast<std::int64_t>(history.size())) +
                       " duplicate history rows");
  std::size_t lost = 0, changed = 0;
  for (const auto& [op, value] : made) {
    auto it = history.find(op);
    if (it == history.end()) {
      if (++lost <= 3) problems.push_back("operation " + std::to_string(op) + " is lost");
    } else if (it->second.second != "merged" && it->second.first != value) {
      if (++changed <= 3)
        problems.push_back("operation " + std::to_string(op) + " arrived as " +
                           it->second.first.dump().substr(0, 40) + ", sent " +
                           value.dump().substr(0, 40));
    }
  }
  if (lost > 3) problems.push_back(std::to_string(lost) + " operations lost in all");
  if (history.size() > made.size())
    problems.push_back(std::to_string(history.size() - made.size()) +
                       " history rows of operations the client never made");
  const auto on_server = server_values(server.data(), scope);
  const auto on_client = client.values();
  if (on_server != on_client) {
    std::size_t diff = 0;
    for (const auto& [k, v] : on_server) {
      auto it = on_client.find(k);
      if (it == on_client.end() || it->second != v)
        if (++diff <= 3)
          problems.push_back(
              "client " + client.store().filename().string() + " " + k.first + " " + k.second +
              " = " + (it == on_client.end() ? "(missing)" : it->second.dump().substr(0, 30)) +
              ", server " + v.dump().substr(0, 30));
    }
    for (const auto& [k, v] : on_client)
      if (!on_server.contains(k) && ++diff <= 3)
        problems.push_back("client has " + k.first + " " + k.second + " the server lacks");
    problems.push_back("client and server differ in " + std::to_string(diff) + " fields (" +
                       std::to_string(on_client.size()) + " vs " +
                       std::to_string(on_server.size()) + ")");
  }
  return problems;
}

std::vector<OutboxRow> outbox_rows(const SyncClient& client) {
  Db db(client.store());
  Stmt s(db, "SELECT op_id, unit, key, value, base, state FROM outbox ORDER BY op_id");
  std::vector<OutboxRow> out;
  while (s.step())
    out.push_back({s.int64(0), s.text(1), s.text(2), s.is_null(3) ? "NULL" : s.text(3), s.int64(4),
                   s.text(5)});
  return out;
}

std::vector<std::string> outbox_intact_problems(const std::vector<OutboxRow>& before,
                                                const std::vector<OutboxRow>& after) {
  std::vector<std::string> problems;
  if (after.size() != before.size())
    problems.push_back("the outbox had " + std::to_string(before.size()) + " rows, now " +
                       std::to_string(after.size()));
  const std::size_t n = std::min(before.size(), after.size());
  for (std::size_t i = 0; i < n && problems.size() < 5; ++i) {
    const auto& b = before[i];
    const auto& a = after[i];
    if (a.op_id != b.op_id || a.unit != b.unit || a.key != b.key || a.value != b.value ||
        a.base != b.base) {
      problems.push_back("outbox row " + std::to_string(b.op_id) + " changed");
      continue;
    }
    if (auto e = state_rank_error(b.state, a.state); !e.empty())
      problems.push_back("outbox row " + std::to_string(b.op_id) + " " + e);
  }
  return problems;
}

std::string lines(const std::vector<std::string>& problems) {
  std::string s;
  for (const auto& p : problems) s += p + "\n";
  return s;
}

bool write_locked(const std::filesystem::path& db) {
  sqlite3* conn = nullptr;
  if (sqlite3_open_v2(db.c_str(), &conn, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(conn);
    throw std::runtime_error("cannot open " + db.string() + " to probe its write lock");
  }
  sqlite3_busy_timeout(conn, 0);
  const int rc = sqlite3_exec(conn, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) sqlite3_exec(conn, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(conn);
  return (rc & 0xff) == SQLITE_BUSY;
}

}  // namespace tongket::test::chaos
