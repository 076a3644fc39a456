// Roll-up: a district's figures are its own plus its communes'; a province's are its own plus
// its districts' (rolled up) and its departments'. Each indicator's rule decides: sum, a ratio
// recomputed from the summed counts (never averaged), or none (own value only). Appendix 8
// rolls up as how many units assessed each goal Đạt and Không đạt. Pure: values come through
// ReportSource, so the server's store, a client's store or a generated data set all serve.
#pragma once

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
};

struct GoalTally {
  int dat = 0;
  int khong_dat = 0;
  std::vector<std::string> dat_units, khong_dat_units, missing;
};

class Rollup {
 public:
  Rollup(const ReportTemplate& tpl, const Hierarchy& hierarchy, const ReportSource& source);

  // The units whose own values make up `unit`'s rolled-up figures: itself, and below it the
  // communes (district), or the districts, their communes and the departments (province).
  std::vector<const Unit*> contributors(const std::string& unit) const;

  // `unit`'s rolled-up figure for an indicator and period, with its drill-down. Throws
  // Error(not_found) for an unknown unit, indicator or period.
  RolledCell cell(const std::string& unit, const std::string& indicator,
                  const std::string& period) const;
  GoalTally goal(const std::string& unit, const std::string& goal) const;

 private:
  const ReportTemplate& tpl_;
  const Hierarchy& hierarchy_;
  const ReportSource& source_;
};

}  // namespace tongket
