#include "cli/report_source.hpp"

#include <optional>

#include "review/rollup_counts.hpp"
#include "tongket/error.hpp"
#include "tongket/report/unit_report.hpp"

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

namespace {

// The row fields of a unit's table in the local store, for the report library.
report::UnitRowsFn store_rows(ClientStore& store) {
  return [&store](const std::string& unit, const std::string& table) {
    std::vector<nlohmann::json> out;
    for (auto& f : store.fields(unit, FieldKind::row, table + ":"))
      if (f.value.is_object() && f.key.item == table) out.push_back(std::move(f.value));
    return out;
  };
}

}  // namespace

std::vector<nlohmann::json> table_rows(Context& ctx, const std::string& unit,
                                       const std::string& table, bool rolled_up) {
  std::optional<StoreSource> source;
  std::optional<Rollup> rollup;
  if (rolled_up) {
    source.emplace(ctx.store());
    rollup.emplace(ctx.report_template(), ctx.hierarchy(), *source,
                   client::counted_in_store(ctx.store(), ctx.args().has("include-submitted")));
  }
  return report::unit_table_rows(ctx.report_template(), ctx.hierarchy(), store_rows(ctx.store()),
                                 unit, table, rollup ? &*rollup : nullptr);
}

report::ReportData report_data(Context& ctx, const std::string& unit, bool rolled_up,
                               const Rollup* rollup) {
  auto& store = ctx.store();
  report::FieldFn field = [&store](const std::string& u, const FieldKey& key) {
    return store.get_field(u, key);
  };
  return report::unit_report_data(
      ctx.report_template(), ctx.hierarchy(), std::move(field), store_rows(store), unit,
      ctx.level(), rolled_up ? rollup : nullptr, client::counted_in_store(store, false));
}

}  // namespace tongket::cli
