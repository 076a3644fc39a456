#include "tongket/report/unit_report.hpp"

#include <map>
#include <memory>
#include <set>

#include "tongket/document_fields.hpp"
#include "tongket/error.hpp"
#include "tongket/report/format.hpp"
#include "tongket/sync/workflow.hpp"

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

bool counts_in_rollup(sync::ReviewState state, bool include_submitted) {
  return state == sync::ReviewState::accepted || state == sync::ReviewState::finalised ||
         (include_submitted && state == sync::ReviewState::submitted);
}

CountsFn memoized(CountsFn counts) {
  auto known = std::make_shared<std::map<std::string, bool>>();
  return [counts = std::move(counts), known](const Unit& u) {
    auto it = known->find(u.code);
    if (it == known->end()) it = known->emplace(u.code, counts(u)).first;
    return it->second;
  };
}

CountsFn counted_reports(FieldFn field, bool include_submitted) {
  return memoized([field = std::move(field), include_submitted](const Unit& u) {
    auto w = field(u.code, FieldKey::review());
    if (!w || !w->is_object() || !w->contains("action") || !(*w)["action"].is_string())
      return false;
    auto action = sync::parse_review_action((*w)["action"].get<std::string>());
    return action && counts_in_rollup(sync::state_after(*action), include_submitted);
  });
}

const Unit* responsible_department(const ReportTemplate& tpl, const Hierarchy& hierarchy,
                                   const std::string& province, const std::string& item) {
  if (!tpl.level_fills(UnitLevel::department, item)) return nullptr;
  for (const auto& key : tpl.responsible_for(item))
    if (const Unit* d = hierarchy.find(province + "-" + key)) return d;
  return nullptr;
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
    auto all = rollup->contributors(unit);
    for (std::size_t i = 0; i < all.size(); ++i)
      if (i == 0 || rollup->counts(*all[i])) units.push_back(all[i]->code);
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

namespace {

std::string text_field(const FieldFn& field, const std::string& unit, const std::string& item) {
  auto v = field(unit, FieldKey::text(item));
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

DocumentInfo document_info(const FieldFn& field, const std::string& unit) {
  auto f = [&](std::string_view name) {
    return text_field(field, unit, std::string(kDocumentFieldPrefix) + std::string(name));
  };
  return {f("co_quan_chu_quan"), f("co_quan"),    f("so_ky_hieu"), f("dia_danh"), f("ngay"),
          f("noi_nhan"),         f("tham_quyen"), f("chuc_vu"),    f("nguoi_ky")};
}

std::string period_label(const ReportTemplate& tpl, const std::string& period) {
  for (const Period& p : tpl.periods())
    if (p.id == period) return p.label;
  return period;
}

// Where the province's figures of each appendix came from, and where it overrode them.
std::map<std::string, std::vector<std::string>> province_sources(const ReportTemplate& tpl,
                                                                 const Hierarchy& hierarchy,
                                                                 const FieldFn& field,
                                                                 const std::string& province,
                                                                 const CountsFn& counts) {
  std::map<std::string, std::vector<std::string>> notes;
  std::map<std::string, std::set<std::string>> from;  // appendix -> department names
  for (const Indicator& ind : tpl.indicators()) {
    if (ind.type == ValueType::heading || ind.type == ValueType::ratio) continue;
    const Unit* d = responsible_department(tpl, hierarchy, province, ind.code);
    if (!d) continue;
    const bool counted = counts(*d);
    from[ind.appendix].insert(d->name + (counted ? "" : " (báo cáo chưa được chấp nhận)"));
    for (const auto& p : ind.periods) {
      auto own = field(province, FieldKey::value(ind.code, p));
      if (!own || own->is_null()) continue;
      auto theirs = counted ? field(d->code, FieldKey::value(ind.code, p)) : std::nullopt;
      std::string was = theirs && !theirs->is_null()
                            ? d->name + " báo cáo " + format_value(ind.type, *theirs)
                            : d->name + " chưa có số liệu";
      notes[ind.appendix].push_back("Tỉnh điều chỉnh " + ind.code + " (" + period_label(tpl, p) +
                                    "): " + format_value(ind.type, *own) + "; " + was);
    }
  }
  for (const Goal& g : tpl.goals()) {
    const Unit* d = responsible_department(tpl, hierarchy, province, g.id);
    if (!d) continue;
    const auto appendix = g.id.substr(0, g.id.find('.'));
    from[appendix].insert(d->name + (counts(*d) ? "" : " (báo cáo chưa được chấp nhận)"));
  }
  for (auto& [appendix, names] : from) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : "; ") + n;
    notes[appendix].insert(notes[appendix].begin(), "Nguồn số liệu: " + list + ".");
  }
  return notes;
}

// A rolled-up flag row: how many units answered 1 out of those that answered.
nlohmann::json flag_count(const RolledCell& cell) {
  return std::to_string(static_cast<long long>(cell.value.value_or(0))) + "/" +
         std::to_string(cell.flag_reporting) + " đơn vị";
}

}  // namespace

ReportData unit_report_data(const ReportTemplate& tpl, const Hierarchy& hierarchy, FieldFn field,
                            UnitRowsFn rows, const std::string& unit, UnitLevel level,
                            const Rollup* rollup, CountsFn counts) {
  const Unit* u = hierarchy.find(unit);
  ReportData data{
      tpl, unit, u ? u->name : unit, u ? u->level : level, {}, {}, {}, {}, {}, {}, {}, {}, {},
      {},  {}};
  if (!counts) {
    counts = rollup ? CountsFn([rollup](const Unit& x) { return rollup->counts(x); })
                    : counted_reports(field);
  }
  const bool province = data.level == UnitLevel::province;
  // The department answering an item for the province, when its figure is the province's.
  auto source_of = [&tpl, &hierarchy, unit, province](const std::string& item) -> const Unit* {
    return province ? responsible_department(tpl, hierarchy, unit, item) : nullptr;
  };
  data.value = [&tpl, field, unit, rollup, counts, source_of](
                   const std::string& indicator,
                   const std::string& period) -> std::optional<nlohmann::json> {
    const Indicator* ind = tpl.indicator(indicator);
    auto own = field(unit, FieldKey::value(indicator, period));
    const bool rolled_flag = rollup && ind && ind->type == ValueType::flag;
    if (ind && ind->type != ValueType::text && !rolled_flag) {
      if (const Unit* d = source_of(indicator)) {
        if (own && !own->is_null()) return own;  // the province's override
        if (counts(*d)) {
          auto theirs = field(d->code, FieldKey::value(indicator, period));
          if (theirs && !theirs->is_null()) return theirs;
        }
        // No accepted figure from the department: the roll-up's (or nothing of its own).
      }
    }
    if (rollup && ind && ind->type != ValueType::text) {
      try {
        auto cell = rollup->cell(unit, indicator, period);
        if (cell.flag) return cell.flag_reporting ? std::optional(flag_count(cell)) : std::nullopt;
        if (!cell.value) return std::nullopt;
        return nlohmann::json(*cell.value);
      } catch (const Error&) {
        return std::nullopt;
      }
    }
    return own;
  };
  data.text = [field, unit](const std::string& section) -> std::optional<std::string> {
    auto v = field(unit, FieldKey::text(section));
    if (!v || !v->is_string()) return std::nullopt;
    return v->get<std::string>();
  };
  data.assessment = [field, unit, rollup, counts,
                     source_of](const std::string& goal) -> std::optional<Assessment> {
    auto v = field(unit, FieldKey::assessment(goal));
    std::optional<Assessment> own;
    if (v && !v->is_null()) own = Assessment::from_json(*v, goal);
    if (const Unit* d = source_of(goal)) {
      if (own || !counts(*d)) return own;
      auto theirs = field(d->code, FieldKey::assessment(goal));
      if (!theirs || theirs->is_null()) return std::nullopt;
      return Assessment::from_json(*theirs, goal);
    }
    if (!rollup) return own;
    auto tally = rollup->goal(unit, goal);
    if (!own && tally.dat + tally.khong_dat == 0) return std::nullopt;
    Assessment a = own.value_or(Assessment{});
    std::string counted = "Đạt: " + std::to_string(tally.dat) +
                          " đơn vị; Không đạt: " + std::to_string(tally.khong_dat) +
                          " đơn vị; chưa đánh giá: " + std::to_string(tally.missing.size());
    a.note = a.note.empty() ? counted : a.note + " (" + counted + ")";
    if (!own) a.achieved = tally.dat > 0 && tally.khong_dat == 0;
    return a;
  };
  data.rows = [&tpl, &hierarchy, rows, unit, rollup](const std::string& table) {
    return unit_table_rows(tpl, hierarchy, rows, unit, table, rollup);
  };
  data.doc = document_info(field, unit);
  if (rollup) {
    auto coverage = rollup->coverage(unit);
    data.coverage = coverage.line();
    for (const Unit* m : coverage.missing) data.missing.push_back(m->name);
  }
  if (province) data.notes = province_sources(tpl, hierarchy, field, unit, counts);
  if (data.level == UnitLevel::department) {
    const auto dash = unit.find('-');
    const std::string key = dash == std::string::npos ? "" : unit.substr(dash + 1);
    data.includes = [&tpl, key](const std::string& item) {
      const Table* t = tpl.table(item);
      if (t && t->appendix.empty() && t->responsible.empty()) return true;  // everyone's lists
      return tpl.department_answers(key, item);
    };
  }
  return data;
}

}  // namespace tongket::report
