// What a reviewer does with the data below it, offline from its own store: roll-up,
// drill-down, completeness of the units below; and exports (.docx, .xlsx, CSV) of the
// selected unit's report, own or rolled up.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/workspace_impl.hpp"
#include "review/deadline.hpp"
#include "review/review_log.hpp"
#include "review/rollup_counts.hpp"
#include "tongket/csv.hpp"
#include "tongket/error.hpp"
#include "tongket/file.hpp"
#include "tongket/number_format.hpp"
#include "tongket/platform.hpp"
#include "tongket/report/csv.hpp"
#include "tongket/report/docx.hpp"
#include "tongket/report/unit_report.hpp"
#include "tongket/report/xlsx.hpp"
#include "tongket/rollup.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::client {

namespace {

report::FieldFn store_fields(ClientStore& store) {
  return [&store](const std::string& u, const FieldKey& key) { return store.get_field(u, key); };
}

report::UnitRowsFn store_rows(ClientStore& store) {
  return [&store](const std::string& unit, const std::string& table) {
    std::vector<nlohmann::json> out;
    for (auto& f : store.fields(unit, FieldKind::row, table + ":"))
      if (f.value.is_object() && f.key.item == table) out.push_back(std::move(f.value));
    return out;
  };
}

// The template, hierarchy and store's data, rolled up over the reports that count: accepted,
// or also submitted (set_include_submitted); the one rule is report::counts_in_rollup.
struct Rolled {
  report::FieldSource source;
  Rollup rollup;
  explicit Rolled(Workspace::Impl& d)
      : source(store_fields(d.store)),
        rollup(d.tpl, d.units(), source, counted_in_store(d.store, d.include_submitted)) {}
};

// Written beside the target and renamed, so a failure never leaves half a file.
void write_atomically(Workspace::Impl& d, const std::filesystem::path& path,
                      const std::string& bytes) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << bytes;
    out.close();
    if (!out)
      throw Error(Errc::io_error, d.msg("file.cannot_write", {platform::path_to_utf8(tmp)}));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw Error(Errc::io_error, d.msg("file.cannot_write", {platform::path_to_utf8(path)}));
  }
}

}  // namespace

std::vector<nlohmann::json> table_rows_of(Workspace::Impl& d, const std::string& unit,
                                          const std::string& table, bool rolled_up) {
  std::optional<Rolled> rolled;
  if (rolled_up) rolled.emplace(d);
  return report::unit_table_rows(d.tpl, d.units(), store_rows(d.store), unit, table,
                                 rolled ? &rolled->rollup : nullptr);
}

void Workspace::set_include_submitted(bool include) {
  impl_->include_submitted = include;
}

Coverage Workspace::rollup_coverage() {
  auto& d = *impl_;
  Rolled r(d);
  const auto c = r.rollup.coverage(d.unit());
  Coverage out{static_cast<int>(c.counted), static_cast<int>(c.total), c.line(), {}};
  for (const Unit* u : c.missing) out.missing.push_back(u->name);
  return out;
}

std::size_t Workspace::contributor_count() {
  Rolled r(*impl_);
  return r.rollup.contributors(impl_->unit()).size();
}

Form Workspace::rollup(const std::string& appendix) {
  auto& d = *impl_;
  const Appendix* app = d.tpl.appendix(appendix);
  if (!app) throw Error(Errc::not_found, d.msg("rollup.unknown_appendix", {appendix}));
  Rolled r(d);
  Form f;
  f.appendix = app->id;
  f.title = app->title;
  f.locked = true;
  std::vector<std::string> periods;
  for (const Indicator* ind : d.tpl.indicators_of(app->id))
    for (const auto& p : ind->periods)
      if (std::find(periods.begin(), periods.end(), p) == periods.end()) periods.push_back(p);
  for (const auto& p : periods) {
    const Period* per = d.tpl.period(p);
    f.columns.push_back({p, per ? per->label : p, {}});
  }
  for (const Indicator* ind : d.tpl.indicators_of(app->id)) {
    FormRow row;
    row.code = ind->code;
    row.stt = ind->stt;
    row.label = ind->label;
    row.type = std::string(value_type_name(ind->type));
    row.numerator = ind->numerator;
    row.denominator = ind->denominator;
    for (const auto& p : periods) {
      FormCell cell;
      cell.period = p;
      cell.name = ind->code + "@" + p;
      cell.present = std::find(ind->periods.begin(), ind->periods.end(), p) != ind->periods.end() &&
                     ind->type != ValueType::text && ind->type != ValueType::heading;
      if (cell.present) {
        auto c = r.rollup.cell(d.unit(), ind->code, p);
        cell.number = c.value;
        if (c.value) cell.text = vi_number(*c.value, 1);
        cell.missing = c.missing.size();
        // A yes/no row counts the units answering 1, out of those reporting.
        if (c.flag && c.value) {
          cell.flag_units = static_cast<int>(c.flag_reporting);
          cell.text += "/" + std::to_string(c.flag_reporting);
        }
      }
      row.cells.push_back(std::move(cell));
    }
    f.rows.push_back(std::move(row));
  }
  return f;
}

std::vector<GoalTallyRow> Workspace::rollup_goals() {
  auto& d = *impl_;
  Rolled r(d);
  std::vector<GoalTallyRow> out;
  for (const auto& g : d.tpl.goals()) {
    auto t = r.rollup.goal(d.unit(), g.id);
    out.push_back({g.id, g.stt, g.label, t.dat, t.khong_dat, static_cast<int>(t.missing.size())});
  }
  return out;
}

namespace {

// A province's row a department answers: its figure is the department's accepted one unless
// the province entered its own (report/unit_report.hpp, the export's rule).
void province_figure(Workspace::Impl& d, const Indicator& ind, const std::string& period,
                     DrillDown& out) {
  if (d.level() != UnitLevel::province || ind.type == ValueType::ratio) return;
  const Unit* dept = report::responsible_department(d.tpl, d.units(), d.unit(), ind.code);
  if (!dept) return;
  out.department = dept->code;
  out.department_name = dept->name;
  const auto data =
      report::unit_report_data(d.tpl, d.units(), store_fields(d.store), store_rows(d.store),
                               d.unit(), d.level(), nullptr, counted_in_store(d.store, false));
  if (auto v = data.value_of(ind.code, period); v && v->is_number())
    out.province_figure = v->get<double>();
  const auto own = d.store.get_field(d.unit(), FieldKey::value(ind.code, period));
  out.province_overrides = own && !own->is_null();
}

}  // namespace

DrillDown Workspace::drilldown(const std::string& indicator, const std::string& period) {
  auto& d = *impl_;
  const Indicator& ind = d.find_indicator(indicator);
  Rolled r(d);
  auto cell = r.rollup.cell(d.unit(), ind.code, period);
  DrillDown out{
      ind.code,    ind.label,      period,           std::string(value_type_name(ind.type)),
      cell.value,  cell.numerator, cell.denominator, {},
      cell.missing};
  if (cell.flag) out.flag_units = static_cast<int>(cell.flag_reporting);
  for (const auto& c : cell.contributions) {
    const Unit* u = d.units().find(c.unit);
    out.contributions.push_back({c.unit, u ? u->name : c.unit, c.value, c.denominator});
  }
  province_figure(d, ind, period, out);
  return out;
}

namespace {

// On time by the server's judgement when it gave one, else by the signed time against the
// deadline in force for the unit (review/deadline.hpp).
bool was_late(Workspace::Impl& d, const ReviewRecord& submit, const Unit& unit) {
  if (submit.extra.is_object() && submit.extra.contains("on_time") &&
      submit.extra["on_time"].is_boolean())
    return !submit.extra["on_time"].get<bool>();
  auto end = sync::deadline_end_ms(deadline_in_force(d.tpl, d.store, unit.code, unit.level));
  return end && sync::HybridClock::millis(submit.hlc) > *end;
}

Tally tally_of(Workspace::Impl& d, std::string title, const std::vector<const Unit*>& units) {
  Tally t;
  t.title = std::move(title);
  for (const Unit* u : units) {
    // The deadline of each level listed, as every client of this server shows it.
    const auto* info = d.tpl.level(u->level);
    const std::string level = info ? info->name : std::string(level_name(u->level));
    if (std::none_of(t.deadlines.begin(), t.deadlines.end(),
                     [&](const auto& x) { return x.first == level; }))
      t.deadlines.emplace_back(level, deadline_of_level(d.tpl, d.store, u->level));
    ++t.expected;
    const auto history = review_history(d.store, u->code);
    const ReviewRecord* first_submit = nullptr;
    for (const auto& r : history)
      if (r.action == sync::ReviewAction::submit && !first_submit) first_submit = &r;
    const auto state = history.empty() ? sync::ReviewState::draft : history.back().state;
    if (!first_submit) {
      t.missing.push_back(u->code + " " + u->name);
      continue;
    }
    if (state == sync::ReviewState::submitted) ++t.submitted;
    if (state == sync::ReviewState::accepted) ++t.accepted;
    if (state == sync::ReviewState::returned) ++t.returned;
    if (was_late(d, *first_submit, *u)) ++t.late;
  }
  return t;
}

}  // namespace

std::vector<Tally> Workspace::completeness_below() {
  auto& d = *impl_;
  const auto& h = d.units();
  const std::string unit = d.unit();
  const Unit* top = h.find(unit);
  if (!top) throw Error(Errc::not_found, d.msg("unit.unknown", {unit}));
  if (top->level == UnitLevel::commune || top->level == UnitLevel::department)
    throw Error(Errc::invalid_argument, d.msg("completeness.none_below", {unit}));
  std::vector<Tally> out;
  if (top->level == UnitLevel::district) {
    out.push_back(
        tally_of(d, top->name + " (" + d.msg("completeness.communes") + ")", h.children(unit)));
    return out;
  }
  out.push_back(tally_of(d, top->name + " (" + d.msg("completeness.districts_departments") + ")",
                         h.children(unit)));
  for (const Unit* c : h.children(unit))
    if (c->level == UnitLevel::district)
      out.push_back(
          tally_of(d, "  " + c->name + " (" + c->code + ", " + d.msg("completeness.communes") + ")",
                   h.children(c->code)));
  return out;
}

std::string Workspace::export_bytes(ExportFormat format, bool rolled_up) {
  auto& d = *impl_;
  if (format == ExportFormat::values_csv) {
    std::map<std::string, nlohmann::json> stored;
    for (const auto& f : d.store.fields(d.unit(), FieldKind::value))
      if (!f.value.is_null()) stored[f.key.str()] = f.value;
    std::ostringstream csv;
    write_csv_record(csv, {"indicator", "period", "value"});
    for (const auto& ind : d.tpl.indicators())  // the form's order
      for (const auto& period : ind.periods) {
        auto it = stored.find(FieldKey::value(ind.code, period).str());
        if (it == stored.end()) continue;
        write_csv_record(csv, {ind.code, period,
                               it->second.is_number()   ? number_text(it->second.get<double>())
                               : it->second.is_string() ? it->second.get<std::string>()
                                                        : it->second.dump()});
      }
    return csv.str();
  }
  Rolled r(d);
  // Without a roll-up, a province's department figures count accepted reports only.
  auto data = report::unit_report_data(d.tpl, d.units(), store_fields(d.store), store_rows(d.store),
                                       d.unit(), d.level(), rolled_up ? &r.rollup : nullptr,
                                       counted_in_store(d.store, false));
  if (format == ExportFormat::csv) {
    std::ostringstream csv;
    report::write_csv(data, csv);
    return csv.str();
  }
  // The writers write files: a private temporary one beside the store, read back.
  std::filesystem::path tmp = d.store.file();
  tmp += ".export-" + sync::random_id().substr(0, 8) +
         (format == ExportFormat::docx ? ".docx" : ".xlsx");
  try {
    if (format == ExportFormat::docx)
      report::write_docx(data, tmp);
    else
      report::write_xlsx(data, tmp);
    auto bytes = read_file(tmp, "the export");
    std::filesystem::remove(tmp);
    return bytes;
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

void Workspace::export_file(ExportFormat format, bool rolled_up,
                            const std::filesystem::path& path) {
  write_atomically(*impl_, path, export_bytes(format, rolled_up));
}

void Workspace::export_file_bytes(const std::string& bytes, const std::filesystem::path& path) {
  write_atomically(*impl_, path, bytes);
}

}  // namespace tongket::client
