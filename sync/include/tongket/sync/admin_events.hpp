// What an administrator announces through the pull log (protocol 1.3): a unit added on the
// server (`tongket-server units add`, event kind "unit") and a level's deadline
// (`tongket-server deadline set`, kind "deadline"). One definition of each event for the
// server that writes it and the client that reads it (docs/protocol.md, "Administrator
// events"). Pure logic: the caller gives the seq and the time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tongket/hierarchy.hpp"
#include "tongket/sync/messages.hpp"

namespace tongket::sync {

inline constexpr std::string_view kUnitEventKind = "unit";
inline constexpr std::string_view kDeadlineEventKind = "deadline";

// A "unit" event: u = the new unit's code (so it is in the scopes that hold that unit: its
// province's devices and the unit's own), v = {"code", "name", "type", "level", "parent"},
// x = {"added_ms"}; f, dev empty; a = who added it; ver = seq; t = 0.
PullEvent unit_event(const Unit& unit, std::uint64_t seq, const std::string& author,
                     std::int64_t added_ms);
// The unit a "unit" event carries; nullopt for another kind or a value without its members
// (a client skips what it cannot read rather than stop syncing).
std::optional<Unit> unit_of_event(const PullEvent& event);

struct DeadlineSetting {
  UnitLevel level = UnitLevel::commune;
  std::string value;  // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC+7)
  std::int64_t set_ms = 0;
};
// A "deadline" event: u = "" (a server-wide event: in every scope), v = {"level",
// "deadline"}, x = {"set_ms"}; f, dev empty; a = who set it; ver = seq; t = 0.
PullEvent deadline_event(const DeadlineSetting& deadline, std::uint64_t seq,
                         const std::string& author);
// The setting a "deadline" event carries; nullopt for another kind or an unreadable value.
std::optional<DeadlineSetting> deadline_of_event(const PullEvent& event);

}  // namespace tongket::sync
