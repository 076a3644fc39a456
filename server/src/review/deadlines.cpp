#include "review/deadlines.hpp"

#include "tongket/calendar_date.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::server::review {

void check_deadline_text(std::string_view text) {
  const std::string shown(text);
  // deadline_end_ms checks the shape and ranges; the day must also exist in its month
  // (2020-02-30 would otherwise silently mean 1 March).
  if (!sync::deadline_end_ms(text))
    throw Error(Errc::invalid_argument,
                "--date " + shown +
                    ": give a date YYYY-MM-DD (end of that day) or a time YYYY-MM-DDTHH:MM:SS, "
                    "both in Vietnam time (UTC+7)");
  const int year = std::stoi(shown.substr(0, 4));
  const auto month = static_cast<unsigned>(std::stoi(shown.substr(5, 2)));
  const auto day = static_cast<unsigned>(std::stoi(shown.substr(8, 2)));
  const unsigned days = days_in_month(year, month);
  if (day > days)
    throw Error(Errc::invalid_argument, "--date " + shown + ": " + shown.substr(0, 7) +
                                            " has only " + std::to_string(days) + " days");
}

Deadlines::Deadlines(const ReportTemplate& tpl, const std::vector<DeadlineOverride>& overrides) {
  for (auto level :
       {UnitLevel::commune, UnitLevel::district, UnitLevel::department, UnitLevel::province})
    if (const LevelInfo* info = tpl.level(level)) text_[level] = info->deadline;
  for (const auto& o : overrides) {
    text_[o.level] = o.value;
    overridden_[o.level] = true;
  }
}

const std::string& Deadlines::text(UnitLevel level) const {
  static const std::string kNone;
  auto it = text_.find(level);
  return it == text_.end() ? kNone : it->second;
}

std::optional<std::uint64_t> Deadlines::end_ms(UnitLevel level) const {
  return sync::deadline_end_ms(text(level));
}

}  // namespace tongket::server::review
