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
#include "tongket/sync/workflow.hpp"

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

// Whether a unit's report counts in a roll-up or in its province's report: the last review
// transition on its "w:report" field left it accepted or finalised (with `include_submitted`,
// submitted too). A draft or returned report never counts.
CountsFn counted_reports(FieldFn field, bool include_submitted = false);
// The rule itself, for a caller that knows the state another way (a client's review log).
bool counts_in_rollup(sync::ReviewState state, bool include_submitted);
// `counts` remembered per unit: a roll-up asks for the same unit once per cell.
CountsFn memoized(CountsFn counts);

// The department (unit "<province>-<key>") whose figure is the province's for `item`: the
// template gives the item to that department's key and a department fills it. nullptr when
// none (then the province's figure is its own, or rolled up).
const Unit* responsible_department(const ReportTemplate& tpl, const Hierarchy& hierarchy,
                                   const std::string& province, const std::string& item);

// What an export of `unit` holds: its own figures, or rolled up when `rollup` is given
// (ratios recomputed, flags as "X/Y đơn vị", appendix 8 as counts of Đạt / Không đạt, lists
// of every counted contributor, the coverage and the missing units). A province's figure that
// a department is responsible for is the department's (when its report counts and holds it)
// unless the province entered its own (an override, listed in `notes`); without either it is
// the roll-up's. A department's report holds only
// its own parts. The document frame comes from the unit's t:VB.* fields. `counts` decides
// which reports count when no `rollup` is given (empty: counted_reports(field)).
// `tpl`, `hierarchy` and `rollup` must outlive the result; `level` is used for a unit the
// hierarchy does not know.
ReportData unit_report_data(const ReportTemplate& tpl, const Hierarchy& hierarchy, FieldFn field,
                            UnitRowsFn rows, const std::string& unit, UnitLevel level,
                            const Rollup* rollup, CountsFn counts = {});

}  // namespace tongket::report
