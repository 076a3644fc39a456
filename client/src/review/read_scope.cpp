#include "review/read_scope.hpp"

namespace tongket::client {

bool reads_only(const Hierarchy& hierarchy, const std::string& own, const std::string& code) {
  const Unit* me = hierarchy.find(own);
  const Unit* target = hierarchy.find(code);
  if (!me || !target || me->level != UnitLevel::department) return false;
  return target->level == UnitLevel::district && me->parent == target->parent;
}

}  // namespace tongket::client
