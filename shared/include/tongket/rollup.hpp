// Roll-up: a district's figures are its own plus its communes'; a province's are its own plus
// its districts' (rolled up) and its departments'. Each indicator's rule decides: sum, a ratio
// recomputed from the summed counts (never averaged), or none (own value only). Appendix 8
// rolls up as how many units assessed each goal Đạt and Không đạt. Pure: values come through
// ReportSource, so the server's store, a client's store or a generated data set all serve.
//
// Honest roll-ups: a contributor below the unit counts only when its report is counted (the
// caller's predicate: by default an accepted report, see report/assembly.hpp); one that does
// not count is listed as missing, never summed. A yes/no row (flag) rolls up as how many
// units answered 1 out of those that answered, never as a sum shown in the flag cell.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"

namespace tongket {

class ReportSource {
 public:
  virtual ~ReportSource() = default;
  // A unit's own stored number for an indicator and period; nullopt when empty.
  virtual std::optional<double> value(const std::string& unit, const std::string& indicator,
                                      const std::string& period) const = 0;
  // A unit's own appendix 8 result: "dat", "khong_dat", or nullopt.
  virtual std::optional<std::string> assessment(const std::string& unit,
                                                const std::string& goal) const = 0;
};

struct Contribution {
  std::string unit;             // a unit whose own value counts in the cell
  std::optional<double> value;  // for a ratio: the numerator's value
  std::optional<double> denominator;
};

struct RolledCell {
  std::optional<double> value;  // the sum, or the ratio in percent; nullopt if nothing known
  std::optional<double> numerator, denominator;  // ratio rows
  std::vector<Contribution> contributions;       // every unit that fills this row, with its value
  std::vector<std::string> missing;              // of those, the units with no value yet
  // How many units fill this row, and how many of them have no value yet (also set when the
  // drill-down lists above are left empty: see Rollup::table).
  std::size_t contributor_count = 0;
  std::size_t missing_count = 0;
  // A flag row: `value` is how many counted units answered 1, out of `flag_reporting` that
  // answered at all. Printed "X/Y đơn vị", never as a flag value.
  bool flag = false;
  std::size_t flag_reporting = 0;
};

// Which of a unit's contributors a roll-up counts, and which it is missing.
struct Coverage {
  std::size_t counted = 0;           // contributors below the unit whose reports count
  std::size_t total = 0;             // contributors below the unit
  std::vector<const Unit*> missing;  // those that do not count (yet)
  // "Số liệu tổng hợp từ 7/15 đơn vị"
  std::string line() const;
};

// Whether a unit's report counts in its parents' roll-ups (by default every unit does).
using CountsFn = std::function<bool(const Unit& unit)>;

// A unit's (or the country's) rolled-up figures for every indicator that holds numbers
// (headings and text excluded) and each of its periods.
struct RolledTable {
  std::map<std::string, std::map<std::string, RolledCell>> cells;  // indicator -> period -> cell
  // nullptr when the indicator or period is not in the table.
  const RolledCell* find(const std::string& indicator, const std::string& period) const;
};

struct GoalTally {
  int dat = 0;
  int khong_dat = 0;
  std::vector<std::string> dat_units, khong_dat_units, missing;
};

class Rollup {
 public:
  // `counts` decides which contributors below a unit count; the unit's own figures always do
  // (it is the report being prepared). Empty: every unit counts.
  Rollup(const ReportTemplate& tpl, const Hierarchy& hierarchy, const ReportSource& source,
         CountsFn counts = {});

  // Whether `u`'s report counts in a roll-up above it.
  bool counts(const Unit& u) const { return !counts_ || counts_(u); }
  // The contributors below `unit` (not itself): how many count and which do not.
  Coverage coverage(const std::string& unit) const;

  // The units whose own values make up `unit`'s rolled-up figures: itself, and below it the
  // communes (district), or the districts, their communes and the departments (province).
  std::vector<const Unit*> contributors(const std::string& unit) const;

  // `unit`'s rolled-up figure for an indicator and period, with its drill-down. Throws
  // Error(not_found) for an unknown unit, indicator or period.
  RolledCell cell(const std::string& unit, const std::string& indicator,
                  const std::string& period) const;
  GoalTally goal(const std::string& unit, const std::string& goal) const;

  // `unit`'s whole table in one pass over its contributors: the same figures as cell() for
  // every indicator and period. Without `drilldown` the per-cell lists (contributions,
  // missing) stay empty and only their counts are set: a province's drill-down is every unit
  // times every cell. Throws Error(not_found) for an unknown unit.
  RolledTable table(const std::string& unit, bool drilldown = false) const;
  // The whole country: every province's contributors together. Rows that do not roll up
  // (RollUp::none) have no national figure.
  RolledTable country_table(bool drilldown = false) const;

 private:
  const ReportTemplate& tpl_;
  const Hierarchy& hierarchy_;
  const ReportSource& source_;
  CountsFn counts_;

  RolledTable table_of(const std::vector<const Unit*>& units, bool own_first, bool drilldown) const;
};

}  // namespace tongket
