#include "tongket/report/unit_report.hpp"

#include "tongket/error.hpp"

namespace tongket::report {

std::optional<double> FieldSource::value(const std::string& unit, const std::string& indicator,
                                         const std::string& period) const {
  auto v = field_(unit, FieldKey::value(indicator, period));
  if (!v || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

std::optional<std::string> FieldSource::assessment(const std::string& unit,
                                                   const std::string& goal) const {
  auto v = field_(unit, FieldKey::assessment(goal));
  if (!v || !v->is_object() || !v->contains("result") || !(*v)["result"].is_string())
    return std::nullopt;
  return (*v)["result"].get<std::string>();
}

std::vector<nlohmann::json> unit_table_rows(const ReportTemplate& tpl, const Hierarchy& hierarchy,
                                            const UnitRowsFn& rows, const std::string& unit,
                                            const std::string& table, const Rollup* rollup) {
  const Table* t = tpl.table(table);
  if (!t) throw Error(Errc::not_found, "unknown table \"" + table + "\" (KT, MH, PL4.III)");
  bool has_unit_column = false;
  for (const auto& c : t->columns) has_unit_column |= c.id == "don_vi";
  std::vector<std::string> units{unit};
  if (rollup) {
    units.clear();
    for (const Unit* u : rollup->contributors(unit)) units.push_back(u->code);
  }
  std::vector<nlohmann::json> out;
  for (const auto& code : units) {
    const Unit* u = hierarchy.find(code);
    for (auto& row : rows(code, table)) {
      if (!row.is_object()) continue;
      if (has_unit_column && u &&
          (!row.contains("don_vi") || !row["don_vi"].is_string() || row["don_vi"] == ""))
        row["don_vi"] = u->name;
      out.push_back(std::move(row));
    }
  }
  return out;
}

ReportData unit_report_data(const ReportTemplate& tpl, const Hierarchy& hierarchy, FieldFn field,
                            UnitRowsFn rows, const std::string& unit, UnitLevel level,
                            const Rollup* rollup) {
  const Unit* u = hierarchy.find(unit);
  ReportData data{tpl, unit, u ? u->name : unit, u ? u->level : level, {}, {}, {}, {}, {}, {}};
  data.value = [&tpl, field, unit, rollup](
                   const std::string& indicator,
                   const std::string& period) -> std::optional<nlohmann::json> {
    const Indicator* ind = tpl.indicator(indicator);
    if (rollup && ind && ind->type != ValueType::text) {
      try {
        auto cell = rollup->cell(unit, indicator, period);
        if (!cell.value) return std::nullopt;
        return nlohmann::json(*cell.value);
      } catch (const Error&) {
        return std::nullopt;
      }
    }
    return field(unit, FieldKey::value(indicator, period));
  };
  data.text = [field, unit](const std::string& section) -> std::optional<std::string> {
    auto v = field(unit, FieldKey::text(section));
    if (!v || !v->is_string()) return std::nullopt;
    return v->get<std::string>();
  };
  data.assessment = [field, unit, rollup](const std::string& goal) -> std::optional<Assessment> {
    auto v = field(unit, FieldKey::assessment(goal));
    std::optional<Assessment> own;
    if (v) own = Assessment::from_json(*v, goal);
    if (!rollup) return own;
    auto tally = rollup->goal(unit, goal);
    if (!own && tally.dat + tally.khong_dat == 0) return std::nullopt;
    Assessment a = own.value_or(Assessment{});
    std::string counts = "Đạt: " + std::to_string(tally.dat) +
                         " đơn vị; Không đạt: " + std::to_string(tally.khong_dat) +
                         " đơn vị; chưa đánh giá: " + std::to_string(tally.missing.size());
    a.note = a.note.empty() ? counts : a.note + " (" + counts + ")";
    if (!own) a.achieved = tally.dat > 0 && tally.khong_dat == 0;
    return a;
  };
  data.rows = [&tpl, &hierarchy, rows, unit, rollup](const std::string& table) {
    return unit_table_rows(tpl, hierarchy, rows, unit, table, rollup);
  };
  return data;
}

}  // namespace tongket::report
