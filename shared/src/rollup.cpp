#include "tongket/rollup.hpp"

#include <algorithm>
#include <array>

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

// A cell's running totals while its contributors are added.
struct Totals {
  double sum = 0, num = 0, den = 0;
  std::size_t flag_reporting = 0;
  bool any = false;
};

// Adds one contributor's own figure to a cell. cell() and table() share it so that both give
// the same figures.
// A contributor whose report does not count (`counted` false) is missing: its figures stay out.
void add_unit(const Indicator& ind, const std::string& period, const Unit& u,
              const ReportSource& source, bool counted, bool drilldown, RolledCell& out,
              Totals& t) {
  ++out.contributor_count;
  Contribution c{u.code, std::nullopt, std::nullopt};
  bool known = false;
  if (!counted) {
    // nothing: listed as missing below
  } else if (ind.type == ValueType::flag) {
    c.value = source.value(u.code, ind.code, period);
    known = c.value.has_value();
    if (known) {
      ++t.flag_reporting;
      if (*c.value == 1) t.sum += 1;  // units that answered 1
    }
  } else if (ind.type == ValueType::ratio) {
    c.value = source.value(u.code, ind.numerator, period);
    c.denominator = source.value(u.code, ind.denominator, period);
    known = c.value && c.denominator;
    if (known) {
      t.num += *c.value;
      t.den += *c.denominator;
    }
  } else {
    c.value = source.value(u.code, ind.code, period);
    known = c.value.has_value();
    if (known) t.sum += *c.value;
  }
  t.any = t.any || known;
  if (!known) {
    ++out.missing_count;
    if (drilldown) out.missing.push_back(u.code);
  }
  if (drilldown) out.contributions.push_back(std::move(c));
}

void finish(const Indicator& ind, const Totals& t, RolledCell& out) {
  out.flag = ind.type == ValueType::flag;
  out.flag_reporting = t.flag_reporting;
  if (!t.any) return;
  if (ind.type == ValueType::ratio) {
    out.numerator = t.num;
    out.denominator = t.den;
    if (t.den > 0) out.value = t.num * 100.0 / t.den;
  } else {
    out.value = t.sum;
  }
}

bool holds_numbers(const Indicator& ind) {
  return ind.type == ValueType::count || ind.type == ValueType::percentage ||
         ind.type == ValueType::flag || ind.type == ValueType::ratio;
}

}  // namespace

const RolledCell* RolledTable::find(const std::string& indicator, const std::string& period) const {
  auto row = cells.find(indicator);
  if (row == cells.end()) return nullptr;
  auto it = row->second.find(period);
  return it == row->second.end() ? nullptr : &it->second;
}

std::string Coverage::line() const {
  return "Số liệu tổng hợp từ " + std::to_string(counted) + "/" + std::to_string(total) + " đơn vị";
}

Rollup::Rollup(const ReportTemplate& tpl, const Hierarchy& hierarchy, const ReportSource& source,
               CountsFn counts)
    : tpl_(tpl), hierarchy_(hierarchy), source_(source), counts_(std::move(counts)) {}

Coverage Rollup::coverage(const std::string& unit) const {
  Coverage c;
  auto units = contributors(unit);
  for (std::size_t i = 1; i < units.size(); ++i) {
    ++c.total;
    if (counts(*units[i]))
      ++c.counted;
    else
      c.missing.push_back(units[i]);
  }
  return c;
}

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

  Totals totals;
  for (std::size_t i = 0; i < units.size(); ++i)
    if (fills(tpl_, *units[i], indicator))
      add_unit(*ind, period, *units[i], source_, i == 0 || counts(*units[i]), true, out, totals);
  finish(*ind, totals, out);
  return out;
}

RolledTable Rollup::table(const std::string& unit, bool drilldown) const {
  return table_of(contributors(unit), true, drilldown);
}

RolledTable Rollup::country_table(bool drilldown) const {
  std::vector<const Unit*> all;
  for (const Unit& u : hierarchy_.units()) {
    if (u.level != UnitLevel::province) continue;
    auto under = contributors(u.code);
    all.insert(all.end(), under.begin(), under.end());
  }
  return table_of(all, false, drilldown);
}

// One pass over the contributors, unit by unit (a source that keeps a unit's values together
// reads them in order): which units fill each indicator is worked out once per level and per
// department key, not once per unit and cell as cell() does. Cells list their contributors in
// the same order as cell().
RolledTable Rollup::table_of(const std::vector<const Unit*>& units, bool own_first,
                             bool drilldown) const {
  struct Row {
    const Indicator* ind;
    std::array<bool, 4> level_fills{};             // indexed by UnitLevel
    std::map<std::string, bool> department_fills;  // by department key, filled lazily
    std::vector<RolledCell> cells;                 // one per period
    std::vector<Totals> totals;
  };
  constexpr std::array kLevels = {UnitLevel::province, UnitLevel::district, UnitLevel::commune,
                                  UnitLevel::department};
  std::vector<Row> rows;
  for (const Indicator& ind : tpl_.indicators()) {
    if (!holds_numbers(ind)) continue;
    Row row{&ind,
            {},
            {},
            std::vector<RolledCell>(ind.periods.size()),
            std::vector<Totals>(ind.periods.size())};
    for (UnitLevel level : kLevels)
      row.level_fills[static_cast<std::size_t>(level)] = tpl_.level_fills(level, ind.code);
    rows.push_back(std::move(row));
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    const Unit& u = *units[i];
    const bool counted = (own_first && i == 0) || counts(u);
    std::string department_key;
    if (u.level == UnitLevel::department) {
      const auto dash = u.code.find('-');
      if (dash != std::string::npos) department_key = u.code.substr(dash + 1);
    }
    for (Row& row : rows) {
      if (row.ind->rollup == RollUp::none && !(own_first && i == 0)) continue;  // own value only
      if (!row.level_fills[static_cast<std::size_t>(u.level)]) continue;
      if (u.level == UnitLevel::department) {
        auto it = row.department_fills.find(department_key);
        if (it == row.department_fills.end())
          it = row.department_fills
                   .emplace(department_key,
                            !department_key.empty() &&
                                tpl_.department_answers(department_key, row.ind->code))
                   .first;
        if (!it->second) continue;
      }
      for (std::size_t p = 0; p < row.ind->periods.size(); ++p)
        add_unit(*row.ind, row.ind->periods[p], u, source_, counted, drilldown, row.cells[p],
                 row.totals[p]);
    }
  }
  RolledTable out;
  for (Row& row : rows) {
    auto& cells = out.cells[row.ind->code];
    for (std::size_t p = 0; p < row.ind->periods.size(); ++p) {
      finish(*row.ind, row.totals[p], row.cells[p]);
      cells.emplace(row.ind->periods[p], std::move(row.cells[p]));
    }
  }
  return out;
}

GoalTally Rollup::goal(const std::string& unit, const std::string& goal) const {
  if (!tpl_.goal(goal)) throw Error(Errc::not_found, "unknown goal \"" + goal + "\"");
  GoalTally tally;
  auto units = contributors(unit);
  for (std::size_t i = 0; i < units.size(); ++i) {
    const Unit* u = units[i];
    if (!fills(tpl_, *u, goal)) continue;
    std::optional<std::string> result;
    if (i == 0 || counts(*u)) result = source_.assessment(u->code, goal);
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
