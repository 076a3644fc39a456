#include "tongket/rollup.hpp"

#include <algorithm>

#include "tongket/error.hpp"

namespace tongket {

namespace {

// Whether `unit` fills `item`: its level does, and a department only what it answers.
bool fills(const ReportTemplate& tpl, const Unit& unit, const std::string& item) {
  if (!tpl.level_fills(unit.level, item)) return false;
  if (unit.level != UnitLevel::department) return true;
  const auto dash = unit.code.find('-');
  return dash != std::string::npos && tpl.department_answers(unit.code.substr(dash + 1), item);
}

}  // namespace

Rollup::Rollup(const ReportTemplate& tpl, const Hierarchy& hierarchy, const ReportSource& source)
    : tpl_(tpl), hierarchy_(hierarchy), source_(source) {}

std::vector<const Unit*> Rollup::contributors(const std::string& unit) const {
  const Unit* top = hierarchy_.find(unit);
  if (!top) throw Error(Errc::not_found, "unknown unit \"" + unit + "\"");
  std::vector<const Unit*> out{top};
  // Depth-first over the hierarchy; departments sit directly under their province.
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i]->level == UnitLevel::commune || out[i]->level == UnitLevel::department) continue;
    for (const Unit* child : hierarchy_.children(out[i]->code)) out.push_back(child);
  }
  return out;
}

RolledCell Rollup::cell(const std::string& unit, const std::string& indicator,
                        const std::string& period) const {
  const Indicator* ind = tpl_.indicator(indicator);
  if (!ind) throw Error(Errc::not_found, "unknown indicator \"" + indicator + "\"");
  if (std::find(ind->periods.begin(), ind->periods.end(), period) == ind->periods.end()) {
    throw Error(Errc::not_found, "indicator " + indicator + " has no period \"" + period + "\"");
  }
  RolledCell out;
  std::vector<const Unit*> units = contributors(unit);
  if (ind->rollup == RollUp::none) units.resize(1);  // own value only

  double sum = 0, num = 0, den = 0;
  bool any = false;
  for (const Unit* u : units) {
    if (!fills(tpl_, *u, indicator)) continue;
    Contribution c{u->code, std::nullopt, std::nullopt};
    if (ind->type == ValueType::ratio) {
      c.value = source_.value(u->code, ind->numerator, period);
      c.denominator = source_.value(u->code, ind->denominator, period);
      if (c.value && c.denominator) {
        num += *c.value;
        den += *c.denominator;
        any = true;
      } else {
        out.missing.push_back(u->code);
      }
    } else {
      c.value = source_.value(u->code, indicator, period);
      if (c.value) {
        sum += *c.value;
        any = true;
      } else {
        out.missing.push_back(u->code);
      }
    }
    out.contributions.push_back(std::move(c));
  }
  if (!any) return out;
  if (ind->type == ValueType::ratio) {
    out.numerator = num;
    out.denominator = den;
    if (den > 0) out.value = num * 100.0 / den;
  } else {
    out.value = sum;
  }
  return out;
}

GoalTally Rollup::goal(const std::string& unit, const std::string& goal) const {
  if (!tpl_.goal(goal)) throw Error(Errc::not_found, "unknown goal \"" + goal + "\"");
  GoalTally tally;
  for (const Unit* u : contributors(unit)) {
    if (!fills(tpl_, *u, goal)) continue;
    auto result = source_.assessment(u->code, goal);
    if (result == "dat") {
      ++tally.dat;
      tally.dat_units.push_back(u->code);
    } else if (result == "khong_dat") {
      ++tally.khong_dat;
      tally.khong_dat_units.push_back(u->code);
    } else {
      tally.missing.push_back(u->code);
    }
  }
  return tally;
}

}  // namespace tongket
