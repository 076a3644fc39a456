// The administrator's records that reach the clients: a unit added, a level's deadline. The
// record and its pull event go in one transaction (docs/protocol.md, "Administrator events").
#include "tongket/error.hpp"
#include "tongket/server/protocol.hpp"
#include "tongket/server/pull_log.hpp"
#include "tongket/sync/admin_events.hpp"

namespace tongket::server {

UnitInfo add_department(Store& store, const Unit& unit, const std::string& author,
                        std::int64_t now_ms) {
  Unit u = unit;
  u.level = UnitLevel::department;
  UnitInfo info{u.code, u.name, u.level, u.parent, u.parent, {}};
  store.write([&](WriteTxn& w) {
    auto parent = w.unit(u.parent);
    if (!parent || parent->level != UnitLevel::province)
      throw Error(Errc::invalid_argument,
                  "--parent " + u.parent + ": " +
                      (parent ? parent->name + " là " + std::string(level_name(parent->level)) +
                                    ", không phải tỉnh (not a province)"
                              : "không có tỉnh, thành phố mã " + u.parent +
                                    " (no province has this code)"));
    if (auto problem = added_department_problem(u); !problem.empty())
      throw Error(Errc::invalid_argument, problem);
    if (auto taken = w.unit(u.code))
      throw Error(Errc::invalid_argument,
                  "--code " + u.code + ": mã đã có: " + taken->name + " (the code is taken)");
    w.add_unit(info, u.type);
    PullLogWriter log(w);
    auto event = sync::unit_event(u, log.next_seq(), author, now_ms);
    log.append(event);
  });
  return info;
}

void set_deadline(Store& store, UnitLevel level, const std::string& value,
                  const std::string& author, std::int64_t now_ms) {
  store.write([&](WriteTxn& w) {
    w.set_deadline(level, value, now_ms);
    PullLogWriter log(w);
    auto event = sync::deadline_event({level, value, now_ms}, log.next_seq(), author);
    log.append(event);
  });
}

}  // namespace tongket::server
