#include "interface_readers.hpp"

#include <libpq-fe.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "tongket/server/store_factory.hpp"
#include "tongket/sync/changeset.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::test::interface_readers {

namespace {

bool is_postgresql(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

using Scope = server::Scope;

// Every event of the log, in order.
std::vector<sync::PullEvent> all_events(server::Store& store) {
  std::vector<sync::PullEvent> out;
  std::uint64_t after = 0;
  for (;;) {
    auto page = store.events_after({Scope::Kind::all, "all"}, after, 500);
    out.insert(out.end(), page.events.begin(), page.events.end());
    after = page.cursor.seq;
    if (!page.more) return out;
  }
}

}  // namespace

std::unique_ptr<server::Store> postgresql_store(const std::filesystem::path& data_dir) {
  const std::string url = server::data_store_url(data_dir);
  if (!is_postgresql(url)) return nullptr;
  return server::open_store(url);
}

FieldMap values(server::Store& store, const std::string& scope_unit) {
  // The unit and every unit below it (a province's districts and departments, their communes).
  FieldMap out;
  std::vector<std::string> todo = {scope_unit};
  while (!todo.empty()) {
    const std::string code = todo.back();
    todo.pop_back();
    for (const auto& [field, value] : store.unit_fields(code)) out[{code, field}] = value;
    for (const auto& child : store.children(code)) todo.push_back(child.code);
  }
  return out;
}

std::vector<ConflictRow> conflicts(server::Store& store) {
  std::vector<ConflictRow> out;
  for (const auto& c : store.conflicts(std::nullopt, false))
    out.push_back({static_cast<std::int64_t>(c.id), c.unit, c.field, c.current_value,
                   c.incoming_value, !c.resolved_version.has_value()});
  return out;
}

std::vector<std::string> integrity_problems(server::Store& store) {
  std::vector<std::string> problems;
  const auto events = all_events(store);
  // The log chains from zeros, without a gap.
  sync::Cursor at;
  for (const auto& e : events) {
    if (e.seq != at.seq + 1) {
      problems.push_back("pull log jumps from " + std::to_string(at.seq) + " to " +
                         std::to_string(e.seq));
      break;
    }
    at = {e.seq, sync::next_log_hash(at.hash, sync::encode_event(e))};
    if (store.log_hash_at(e.seq) != at.hash) {
      problems.push_back("pull log hash at seq " + std::to_string(e.seq) + " does not chain");
      break;
    }
  }
  // Every applied change set has a history row per operation it did not refuse; no history row
  // lacks its change set.
  std::set<std::string> units;
  for (const auto& e : events) units.insert(e.unit);
  for (const auto& d : store.devices()) units.insert(d.unit);
  std::map<std::pair<std::string, std::uint64_t>, std::int64_t> rows;
  std::map<std::pair<std::string, std::uint64_t>, server::StoredChangeSet> sets;
  for (const auto& u : units) {
    for (const auto& h : store.history(u)) ++rows[{h.device, h.cs_seq}];
    for (auto& cs : store.change_sets_of_unit(u)) sets[{cs.device, cs.seq}] = cs;
  }
  for (const auto& [key, cs] : sets) {
    const auto ops = static_cast<std::int64_t>(sync::decode(cs.bytes).ops.size());
    const auto want =
        cs.status == "applied" ? ops - static_cast<std::int64_t>(cs.result.refused_ops.size()) : 0;
    if (rows[key] != want)
      problems.push_back("change set " + key.first + "/" + std::to_string(key.second) + " (" +
                         cs.status + ", " + std::to_string(ops) + " operations) has " +
                         std::to_string(rows[key]) + " history rows");
  }
  for (const auto& [key, n] : rows)
    if (n > 0 && !sets.count(key))
      problems.push_back(std::to_string(n) + " history rows without their change set " + key.first +
                         "/" + std::to_string(key.second));
  // Each device's head is its last stored change set.
  for (const auto& d : store.devices()) {
    auto last = d.last_seq ? store.change_set(d.id, d.last_seq) : std::nullopt;
    const bool ok = d.last_seq == 0 || (last && last->hash == d.last_hash);
    if (!ok || store.change_set(d.id, d.last_seq + 1))
      problems.push_back("device " + d.id + " head is seq " + std::to_string(d.last_seq) +
                         " but its change sets say otherwise");
  }
  return problems;
}

namespace {

// One libpq connection to data_dir's database for the duration of a reader.
struct Connection {
  PGconn* conn;
  explicit Connection(const std::filesystem::path& data_dir)
      : conn(PQconnectdb(server::data_store_url(data_dir).c_str())) {
    INFO(PQerrorMessage(conn));
    REQUIRE(PQstatus(conn) == CONNECTION_OK);
  }
  ~Connection() { PQfinish(conn); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // The rows of a parameterless query, each column as text.
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    PGresult* r = PQexecParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    const std::string error = PQresultErrorMessage(r);
    std::vector<std::vector<std::string>> out;
    for (int i = 0; ok && i < PQntuples(r); ++i) {
      out.emplace_back();
      for (int c = 0; c < PQnfields(r); ++c) out.back().push_back(PQgetvalue(r, i, c));
    }
    PQclear(r);
    INFO(sql << ": " << error);
    REQUIRE(ok);
    return out;
  }
};

}  // namespace

ServerData data(const std::filesystem::path& data_dir) {
  Connection db(data_dir);
  ServerData d;
  for (const auto& row : db.rows("SELECT c.unit, c.field, h.value FROM field_current c "
                                 "JOIN field_history h ON h.version = c.version"))
    d.values[{row[0], row[1]}] = nlohmann::json::parse(row[2]);
  auto count = [&](const char* table) {
    return std::stoll(db.rows(std::string("SELECT count(*) FROM ") + table).at(0).at(0));
  };
  d.history = count("field_history");
  d.log = count("pull_log");
  d.change_sets = count("change_sets");
  d.conflicts = count("conflicts");
  return d;
}

std::int64_t count(const std::filesystem::path& data_dir, const std::string& sql,
                   const std::string& text_arg) {
  Connection db(data_dir);
  PGconn* conn = db.conn;
  std::string pg_sql = sql;  // SQLite's ?1 is PostgreSQL's $1
  for (auto at = pg_sql.find("?1"); at != std::string::npos; at = pg_sql.find("?1", at))
    pg_sql.replace(at, 2, "$1");
  const bool has_param = pg_sql.find("$1") != std::string::npos;
  const char* values[] = {text_arg.c_str()};
  PGresult* r = PQexecParams(conn, pg_sql.c_str(), has_param ? 1 : 0, nullptr,
                             has_param ? values : nullptr, nullptr, nullptr, 0);
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
  const std::string error = PQresultErrorMessage(r);
  const std::int64_t n = ok ? std::stoll(PQgetvalue(r, 0, 0)) : -1;
  PQclear(r);
  INFO(sql << ": " << error);
  REQUIRE(ok);
  return n;
}

}  // namespace tongket::test::interface_readers
