// What an export needs to know about one unit's report, independent of storage: the client
// fills the lookups from its local store, the server from a unit's rolled-up values.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"

namespace tongket::report {

// One goal of appendix 8 as the unit assessed it.
struct Assessment {
  bool achieved = false;  // "dat" -> Đạt, "khong_dat" -> Không đạt
  std::string note;       // Ghi chú

  // From the stored field value {"result": "dat"|"khong_dat", "note": "..."}.
  // Throws Error(invalid_data) naming the goal when the result is neither.
  static Assessment from_json(const nlohmann::json& value, const std::string& goal);
};

using ValueFn = std::function<std::optional<nlohmann::json>(const std::string& indicator,
                                                            const std::string& period)>;
using TextFn = std::function<std::optional<std::string>(const std::string& section)>;
using AssessmentFn = std::function<std::optional<Assessment>(const std::string& goal)>;
// The rows of a repeating table, each an object keyed by the table's column ids.
using RowsFn = std::function<std::vector<nlohmann::json>(const std::string& table)>;

struct ReportData {
  const ReportTemplate& tpl;
  std::string unit_code;  // "72", "703", "72-SNV"
  std::string unit_name;  // "Tỉnh Tây Ninh"
  UnitLevel level = UnitLevel::province;
  // Stored values: a number (count, percentage, flag) or a string (text). Ratios are not
  // stored: they are computed from their numerator and denominator.
  ValueFn value;
  TextFn text;              // a narrative section's text; lines become paragraphs
  AssessmentFn assessment;  // appendix 8
  RowsFn rows;              // repeating tables (PL4.III, ...)
  std::string title;        // empty: "BÁO CÁO" + the template's title
  std::string date;         // printed under the title as given ("Tây Ninh, ngày 30/6/2020")

  // The lookups tolerate being empty (std::function without a target): nothing is stored.
  std::optional<nlohmann::json> value_of(const std::string& indicator,
                                         const std::string& period) const;
  std::optional<std::string> text_of(const std::string& section) const;
  std::optional<Assessment> assessment_of(const std::string& goal) const;
  std::vector<nlohmann::json> rows_of(const std::string& table) const;
  std::string document_title() const;
};

}  // namespace tongket::report
