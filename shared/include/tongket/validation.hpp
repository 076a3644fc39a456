// What a value may be, and the rules between a unit's values.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tongket/field.hpp"
#include "tongket/report_template.hpp"

namespace tongket {

// Turns what a user typed for an indicator into its stored value: a count "12" -> 12,
// a percentage "45,5" or "45.5%" -> 45.5, a flag "1"/"0" (also "có"/"không") -> 1/0.
// Throws Error(invalid_argument) saying what was wrong: "-3: a count cannot be negative".
nlohmann::json parse_user_value(const Indicator& indicator, std::string_view text);

// Checks that `value` may be stored in field `key` of a unit at `level` under `tpl`:
// the indicator/section/goal/table exists, the period is one the indicator has, the level
// fills it, and the value has the right type and range. null (clearing) is always allowed.
// Throws Error(invalid_argument or not_found) naming the field.
void check_field(const ReportTemplate& tpl, UnitLevel level, const FieldKey& key,
                 const nlohmann::json& value);

struct Violation {
  std::string rule;  // rule id, or "type" / "range"
  Severity severity = Severity::error;
  std::string indicator;  // code
  std::string label;      // official label
  std::string period;     // period id
  std::string message;    // what is broken, with the figures
};

// Looks up a stored value of the unit; nullopt when empty.
using ValueLookup =
    std::function<std::optional<double>(const std::string& indicator, const std::string& period)>;

// Every rule of the template (part <= whole, children add up to their "tổng số") on one
// unit's values, for every period. Empty values are not checked.
std::vector<Violation> validate_values(const ReportTemplate& tpl, UnitLevel level,
                                       const ValueLookup& lookup);

}  // namespace tongket
