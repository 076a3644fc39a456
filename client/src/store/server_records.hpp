// What the server's administrator announced, as this store received it (schema 4): the units
// added on the server (a province's other departments) and the deadline set for each level.
// StoreReplica::apply_page records them; the hierarchy and the deadline rules read them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tongket/client_store.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::store {
class Database;
}

namespace tongket::client {

// Called by StoreReplica::apply_page, inside its transaction, for every pulled event: records
// a "unit" or "deadline" event (a later event of the same unit or level replaces the earlier
// one); other kinds, and events it cannot read, change nothing. A unit event of the store's
// own unit also sets its name (a department initialised before the unit reached it).
void apply_admin_event(store::Database& db, const std::string& own_unit,
                       const sync::PullEvent& event);

// The added units, in the order the server added them.
std::vector<Unit> added_units(ClientStore& store);

struct ServerDeadline {
  std::string value;  // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC+7)
  std::uint64_t seq = 0;
};
// The deadline the server set for `level`; nullopt when it set none (the template's holds).
std::optional<ServerDeadline> server_deadline(ClientStore& store, UnitLevel level);

}  // namespace tongket::client
