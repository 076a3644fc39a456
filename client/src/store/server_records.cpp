#include "store/server_records.hpp"

#include "store/sqlite.hpp"
#include "store/store_access.hpp"
#include "tongket/sync/admin_events.hpp"

namespace tongket::client {

using store::Statement;

void apply_admin_event(store::Database& db, const std::string& own_unit, const sync::PullEvent& e) {
  if (auto unit = sync::unit_of_event(e)) {
    Statement st(db,
                 "INSERT INTO added_unit (code, name, type, level, parent, seq) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (code) DO UPDATE SET "
                 "name = excluded.name, type = excluded.type, level = excluded.level, "
                 "parent = excluded.parent, seq = excluded.seq WHERE excluded.seq >= seq");
    st.bind(1, unit->code)
        .bind(2, unit->name)
        .bind(3, unit->type)
        .bind(4, std::string(level_name(unit->level)))
        .bind(5, unit->parent)
        .bind(6, e.seq)
        .run();
    if (unit->code == own_unit) {
      Statement name(db,
                     "INSERT INTO meta (key, value) VALUES ('unit_name', ?1) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
      name.bind(1, unit->name).run();
    }
  } else if (auto deadline = sync::deadline_of_event(e)) {
    Statement st(db,
                 "INSERT INTO server_deadline (level, value, set_ms, seq) VALUES (?1, ?2, ?3, ?4) "
                 "ON CONFLICT (level) DO UPDATE SET value = excluded.value, "
                 "set_ms = excluded.set_ms, seq = excluded.seq WHERE excluded.seq >= seq");
    st.bind(1, std::string(level_name(deadline->level)))
        .bind(2, deadline->value)
        .bind(3, deadline->set_ms)
        .bind(4, e.seq)
        .run();
  }
}

std::vector<Unit> added_units(ClientStore& store) {
  Statement st(StoreAccess::database(store),
               "SELECT code, name, type, level, parent FROM added_unit ORDER BY seq");
  std::vector<Unit> out;
  while (st.step()) {
    Unit u;
    u.code = st.text(0);
    u.name = st.text(1);
    u.type = st.text(2);
    u.level = parse_level(st.text(3)).value_or(UnitLevel::department);
    u.parent = st.text(4);
    out.push_back(std::move(u));
  }
  return out;
}

std::optional<ServerDeadline> server_deadline(ClientStore& store, UnitLevel level) {
  Statement st(StoreAccess::database(store),
               "SELECT value, seq FROM server_deadline WHERE level = ?1");
  st.bind(1, std::string(level_name(level)));
  if (!st.step()) return std::nullopt;
  return ServerDeadline{st.text(0), st.uint64(1)};
}

}  // namespace tongket::client
