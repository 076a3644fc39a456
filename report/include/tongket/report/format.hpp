// Stored values as a Vietnamese reader of a document expects them, built on the one number
// format (tongket/number_format.hpp: vi_number).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "tongket/report_template.hpp"

namespace tongket::report {

std::string format_count(double value);       // rounded to a whole number: "1.234"
std::string format_percentage(double value);  // 45.5 -> "45,5" (no sign)
// A ratio row of the form "(đã tiếp nhận/đã trả đúng hẹn)": "1.200/1.150 (95,8%)".
// Missing parts show as "…"; the percentage only when both are there and received > 0.
std::string format_ratio(std::optional<double> received, std::optional<double> on_time);

// A stored value of `type` as shown in a table cell ("" for null).
std::string format_value(ValueType type, const nlohmann::json& value);

// The numeric content of a stored value, if it has one (numbers and numeric strings).
std::optional<double> number_of(const nlohmann::json& value);

}  // namespace tongket::report
