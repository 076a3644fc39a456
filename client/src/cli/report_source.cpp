#include "cli/report_source.hpp"

#include "tongket/error.hpp"

namespace tongket::cli {

std::optional<double> StoreSource::value(const std::string& unit, const std::string& indicator,
                                         const std::string& period) const {
  auto v = store_.get_field(unit, FieldKey::value(indicator, period));
  if (!v || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

std::optional<std::string> StoreSource::assessment(const std::string& unit,
                                                   const std::string& goal) const {
  auto v = store_.get_field(unit, FieldKey::assessment(goal));
  if (!v || !v->is_object() || !v->contains("result") || !(*v)["result"].is_string())
    return std::nullopt;
  return (*v)["result"].get<std::string>();
}

std::vector<nlohmann::json> table_rows(Context& ctx, const std::string& unit,
                                       const std::string& table, bool rolled_up) {
  const Table* t = ctx.report_template().table(table);
  if (!t) throw Error(Errc::not_found, "unknown table \"" + table + "\" (KT, MH, PL4.III)");
  bool has_unit_column = false;
  for (const auto& c : t->columns) has_unit_column |= c.id == "don_vi";
  std::vector<std::string> units{unit};
  if (rolled_up) {
    StoreSource source(ctx.store());
    Rollup r(ctx.report_template(), ctx.hierarchy(), source);
    units.clear();
    for (const Unit* u : r.contributors(unit)) units.push_back(u->code);
  }
  std::vector<nlohmann::json> out;
  for (const auto& code : units) {
    const Unit* u = ctx.hierarchy().find(code);
    for (auto& f : ctx.store().fields(code, FieldKind::row, table + ":")) {
      if (f.value.is_null() || !f.value.is_object() || f.key.item != table) continue;
      auto row = f.value;
      if (has_unit_column && u &&
          (!row.contains("don_vi") || !row["don_vi"].is_string() || row["don_vi"] == ""))
        row["don_vi"] = u->name;
      out.push_back(std::move(row));
    }
  }
  return out;
}

report::ReportData report_data(Context& ctx, const std::string& unit, bool rolled_up,
                               const Rollup* rollup) {
  const Unit* u = ctx.hierarchy().find(unit);
  report::ReportData data{ctx.report_template(),
                          unit,
                          u ? u->name : unit,
                          u ? u->level : ctx.level(),
                          {},
                          {},
                          {},
                          {},
                          {},
                          {}};
  auto& store = ctx.store();
  const auto& tpl = ctx.report_template();
  data.value = [&store, &tpl, unit, rolled_up, rollup](
                   const std::string& indicator,
                   const std::string& period) -> std::optional<nlohmann::json> {
    const Indicator* ind = tpl.indicator(indicator);
    if (rolled_up && rollup && ind && ind->type != ValueType::text) {
      try {
        auto cell = rollup->cell(unit, indicator, period);
        if (!cell.value) return std::nullopt;
        return nlohmann::json(*cell.value);
      } catch (const Error&) {
        return std::nullopt;
      }
    }
    return store.get_field(unit, FieldKey::value(indicator, period));
  };
  data.text = [&store, unit](const std::string& section) -> std::optional<std::string> {
    auto v = store.get_field(unit, FieldKey::text(section));
    if (!v || !v->is_string()) return std::nullopt;
    return v->get<std::string>();
  };
  data.assessment = [&store, unit, rolled_up,
                     rollup](const std::string& goal) -> std::optional<report::Assessment> {
    auto v = store.get_field(unit, FieldKey::assessment(goal));
    std::optional<report::Assessment> own;
    if (v) own = report::Assessment::from_json(*v, goal);
    if (!rolled_up || !rollup) return own;
    auto tally = rollup->goal(unit, goal);
    if (!own && tally.dat + tally.khong_dat == 0) return std::nullopt;
    report::Assessment a = own.value_or(report::Assessment{});
    std::string counts = "Đạt: " + std::to_string(tally.dat) +
                         " đơn vị; Không đạt: " + std::to_string(tally.khong_dat) +
                         " đơn vị; chưa đánh giá: " + std::to_string(tally.missing.size());
    a.note = a.note.empty() ? counts : a.note + " (" + counts + ")";
    if (!own) a.achieved = tally.dat > 0 && tally.khong_dat == 0;
    return a;
  };
  data.rows = [&ctx, unit, rolled_up](const std::string& table) {
    return table_rows(ctx, unit, table, rolled_up);
  };
  return data;
}

}  // namespace tongket::cli
