// A unit's report as an export sees it, its own figures or rolled up, built from field
// lookups: the client fills them from its local store, the server from its authoritative one,
// so both export the same document for the same data.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/field.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/report/report_data.hpp"
#include "tongket/report_template.hpp"
#include "tongket/rollup.hpp"

namespace tongket::report {

// A unit's stored value of a field; nullopt when empty.
using FieldFn =
    std::function<std::optional<nlohmann::json>(const std::string& unit, const FieldKey& key)>;
// The stored rows (objects keyed by column id) of a unit's repeating table.
using UnitRowsFn =
    std::function<std::vector<nlohmann::json>(const std::string& unit, const std::string& table)>;

// Own values and assessments of any unit, through a FieldFn: what Rollup reads.
class FieldSource final : public ReportSource {
 public:
  explicit FieldSource(FieldFn field) : field_(std::move(field)) {}
  std::optional<double> value(const std::string& unit, const std::string& indicator,
                              const std::string& period) const override;
  std::optional<std::string> assessment(const std::string& unit,
                                        const std::string& goal) const override;

 private:
  FieldFn field_;
};

// The rows of a repeating table: the unit's own, or (with `rollup`) every contributor's,
// each with the unit's name in its "don_vi" column when it has one and it is empty.
// Throws Error(not_found) for a table the template does not have.
std::vector<nlohmann::json> unit_table_rows(const ReportTemplate& tpl, const Hierarchy& hierarchy,
                                            const UnitRowsFn& rows, const std::string& unit,
                                            const std::string& table, const Rollup* rollup);

// What an export of `unit` holds: its own figures, or rolled up when `rollup` is given
// (ratios recomputed, appendix 8 as counts of Đạt / Không đạt, lists of every contributor).
// `tpl`, `hierarchy` and `rollup` must outlive the result; `level` is used for a unit the
// hierarchy does not know.
ReportData unit_report_data(const ReportTemplate& tpl, const Hierarchy& hierarchy, FieldFn field,
                            UnitRowsFn rows, const std::string& unit, UnitLevel level,
                            const Rollup* rollup);

}  // namespace tongket::report
