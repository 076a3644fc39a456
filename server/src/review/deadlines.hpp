// Deadlines per level: the template's (levels[].deadline, a date) unless an administrator set
// another (`tongket-server deadline set`), a date or a time in UTC+7.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"
#include "tongket/server/store.hpp"

namespace tongket::server::review {

// Checks an administrator's deadline: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC+7), a real
// calendar day. Throws Error(invalid_argument) saying what is expected.
void check_deadline_text(std::string_view text);

// The deadline in force for every level (the template's, replaced by overrides).
class Deadlines {
 public:
  Deadlines(const ReportTemplate& tpl, const std::vector<DeadlineOverride>& overrides);
  // "" when the level has none.
  const std::string& text(UnitLevel level) const;
  // The last millisecond still on time; nullopt when the level has no deadline.
  std::optional<std::uint64_t> end_ms(UnitLevel level) const;
  bool overridden(UnitLevel level) const { return overridden_.count(level) > 0; }

 private:
  std::map<UnitLevel, std::string> text_;
  std::map<UnitLevel, bool> overridden_;
};

}  // namespace tongket::server::review
