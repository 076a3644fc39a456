#include "tongket/sync/admin_events.hpp"

#include "tongket/sync/workflow.hpp"

namespace tongket::sync {

namespace {

std::string text_member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t int_member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace

PullEvent unit_event(const Unit& unit, std::uint64_t seq, const std::string& author,
                     std::int64_t added_ms) {
  PullEvent e;
  e.kind = std::string(kUnitEventKind);
  e.seq = seq;
  e.unit = unit.code;
  e.value = {{"code", unit.code},
             {"name", unit.name},
             {"type", unit.type},
             {"level", std::string(level_name(unit.level))},
             {"parent", unit.parent}};
  e.version = seq;
  e.author = author;
  e.extra = {{"added_ms", added_ms}};
  return e;
}

std::optional<Unit> unit_of_event(const PullEvent& event) {
  if (event.kind != kUnitEventKind) return std::nullopt;
  Unit u;
  u.code = text_member(event.value, "code");
  u.name = text_member(event.value, "name");
  u.type = text_member(event.value, "type");
  u.parent = text_member(event.value, "parent");
  auto level = parse_level(text_member(event.value, "level"));
  if (u.code.empty() || u.code != event.unit || u.name.empty() || !level) return std::nullopt;
  u.level = *level;
  return u;
}

PullEvent deadline_event(const DeadlineSetting& deadline, std::uint64_t seq,
                         const std::string& author) {
  PullEvent e;
  e.kind = std::string(kDeadlineEventKind);
  e.seq = seq;
  e.value = {{"level", std::string(level_name(deadline.level))}, {"deadline", deadline.value}};
  e.version = seq;
  e.author = author;
  e.extra = {{"set_ms", deadline.set_ms}};
  return e;
}

std::optional<DeadlineSetting> deadline_of_event(const PullEvent& event) {
  if (event.kind != kDeadlineEventKind) return std::nullopt;
  auto level = parse_level(text_member(event.value, "level"));
  DeadlineSetting d;
  d.value = text_member(event.value, "deadline");
  if (!level || !deadline_end_ms(d.value)) return std::nullopt;
  d.level = *level;
  d.set_ms = int_member(event.extra, "set_ms");
  return d;
}

}  // namespace tongket::sync
