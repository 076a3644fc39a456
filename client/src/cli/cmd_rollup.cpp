// What a reviewer does with the data below it, offline from its own store: rollup (an
// appendix with the figures summed per each indicator's rule), drilldown (the units and
// values that make one cell, and who is missing), completeness (who submitted, was accepted,
// was late, is missing), and export of the report as .docx, .xlsx or CSV.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "cli/report_source.hpp"
#include "cli/values.hpp"
#include "review/review_log.hpp"
#include "tongket/error.hpp"
#include "tongket/platform.hpp"
#include "tongket/report/csv.hpp"
#include "tongket/report/docx.hpp"
#include "tongket/report/xlsx.hpp"
#include "tongket/sync/bytes.hpp"
#include "tongket/sync/crypto.hpp"
#include "tongket/sync/hlc.hpp"
#include "tongket/sync/workflow.hpp"
#include "tongket/validation.hpp"

namespace tongket::cli {

namespace {

std::string shown(std::optional<double> v) {
  if (!v) return "";
  std::string text = format_number(nlohmann::json(std::round(*v * 10) / 10));
  std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

std::string name_of(Context& ctx, const std::string& code) {
  const Unit* u = ctx.hierarchy().find(code);
  return u ? u->name : code;
}

}  // namespace

int cmd_rollup(Context& ctx) {
  const auto& tpl = ctx.report_template();
  const std::string appendix = ctx.operands()[0];
  if (!tpl.appendix(appendix))
    throw Error(Errc::not_found, "unknown appendix \"" + appendix + "\" (PL1 .. PL8)");
  const std::string unit = ctx.unit();
  StoreSource source(ctx.store());
  Rollup rollup(tpl, ctx.hierarchy(), source);
  const auto contributors = rollup.contributors(unit);
  ctx.out << appendix << " " << tpl.appendix(appendix)->title << "\n"
          << name_of(ctx, unit) << " (" << unit << "), rolled up over " << contributors.size()
          << " unit(s)\n";
  if (appendix == "PL8") {
    std::vector<std::vector<std::string>> rows;
    for (const auto& g : tpl.goals()) {
      auto t = rollup.goal(unit, g.id);
      rows.push_back({g.stt, g.label, std::to_string(t.dat), std::to_string(t.khong_dat),
                      std::to_string(t.missing.size())});
    }
    ctx.out << render_table(
        {{"STT"}, {"Mục tiêu", false, true}, {"Đạt", true}, {"Không đạt", true}, {"chưa có", true}},
        rows, terminal_width());
    return 0;
  }
  std::vector<std::string> periods;
  for (const Indicator* ind : tpl.indicators_of(appendix))
    for (const auto& p : ind->periods)
      if (std::find(periods.begin(), periods.end(), p) == periods.end()) periods.push_back(p);
  std::vector<Column> columns = {{"STT"}, {"code"}, {"Chỉ tiêu", false, true}};
  for (const auto& p : periods) columns.push_back({p, true});
  columns.push_back({"thiếu", true});
  std::vector<std::vector<std::string>> rows;
  for (const Indicator* ind : tpl.indicators_of(appendix)) {
    std::vector<std::string> row = {ind->stt, ind->code, ind->label};
    std::size_t missing = 0;
    for (const auto& p : periods) {
      if (std::find(ind->periods.begin(), ind->periods.end(), p) == ind->periods.end() ||
          ind->type == ValueType::text || ind->type == ValueType::heading) {
        row.push_back("");
        continue;
      }
      auto cell = rollup.cell(unit, ind->code, p);
      row.push_back(shown(cell.value));
      missing = std::max(missing, cell.missing.size());
    }
    row.push_back(missing ? std::to_string(missing) : "");
    rows.push_back(std::move(row));
  }
  ctx.out << render_table(columns, rows, terminal_width())
          << "(thiếu: how many units fill the row but have no value yet; see tongket drilldown)\n";
  return 0;
}

int cmd_drilldown(Context& ctx) {
  const auto& tpl = ctx.report_template();
  const Indicator& ind = find_indicator(tpl, ctx.operands()[0]);
  const std::string period = ctx.operands()[1];
  const std::string unit = ctx.unit();
  StoreSource source(ctx.store());
  Rollup rollup(tpl, ctx.hierarchy(), source);
  auto cell = rollup.cell(unit, ind.code, period);
  ctx.out << ind.code << " " << ind.label << ", " << period << ", " << name_of(ctx, unit) << ": "
          << (cell.value ? shown(cell.value) : std::string("(nothing known)"));
  if (cell.numerator && cell.denominator)
    ctx.out << " = " << shown(cell.numerator) << "/" << shown(cell.denominator);
  ctx.out << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : cell.contributions) {
    std::vector<std::string> row = {c.unit, name_of(ctx, c.unit),
                                    c.value ? shown(c.value) : "(missing)"};
    if (ind.type == ValueType::ratio) row.push_back(shown(c.denominator));
    rows.push_back(std::move(row));
  }
  std::vector<Column> columns = {{"unit"}, {"name", false, true}, {"value", true}};
  if (ind.type == ValueType::ratio) {
    columns.back().header = "numerator";
    columns.push_back({"denominator", true});
  }
  ctx.out << render_table(columns, rows, terminal_width());
  ctx.out << cell.missing.size() << " unit(s) missing";
  for (std::size_t i = 0; i < cell.missing.size() && i < 50; ++i)
    ctx.out << (i ? ", " : ": ") << cell.missing[i];
  ctx.out << "\n";
  return 0;
}

namespace {

struct Tally {
  int expected = 0, submitted = 0, accepted = 0, returned = 0, late = 0;
  std::vector<std::string> missing;
};

// On time by the server's judgement when it gave one, else by the signed time against the
// template's deadline of the unit's level.
bool was_late(Context& ctx, const client::ReviewRecord& submit, UnitLevel level) {
  if (submit.extra.is_object() && submit.extra.contains("on_time") &&
      submit.extra["on_time"].is_boolean())
    return !submit.extra["on_time"].get<bool>();
  const auto* info = ctx.report_template().level(level);
  if (!info) return false;
  auto end = sync::deadline_end_ms(info->deadline);
  return end && sync::HybridClock::millis(submit.hlc) > *end;
}

Tally tally_of(Context& ctx, const std::vector<const Unit*>& units) {
  Tally t;
  for (const Unit* u : units) {
    ++t.expected;
    const auto history = client::review_history(ctx.store(), u->code);
    const client::ReviewRecord* first_submit = nullptr;
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
    if (was_late(ctx, *first_submit, u->level)) ++t.late;
  }
  return t;
}

void print_tally(Context& ctx, const std::string& title, const Tally& t) {
  ctx.out << title << ": " << t.expected << " unit(s): " << t.submitted << " submitted (waiting), "
          << t.accepted << " accepted, " << t.returned << " returned, " << t.late << " late, "
          << t.missing.size() << " missing\n";
  for (const auto& m : t.missing) ctx.out << "  missing: " << m << "\n";
}

}  // namespace

int cmd_completeness(Context& ctx) {
  const auto& h = ctx.hierarchy();
  const std::string unit = ctx.unit();
  const Unit* top = h.find(unit);
  if (!top) throw Error(Errc::not_found, "unknown unit " + unit);
  if (top->level == UnitLevel::commune || top->level == UnitLevel::department) {
    throw Error(Errc::invalid_argument, unit + " has no units reporting to it");
  }
  if (top->level == UnitLevel::district) {
    print_tally(ctx, name_of(ctx, unit) + " (communes)", tally_of(ctx, h.children(unit)));
    return 0;
  }
  print_tally(ctx, name_of(ctx, unit) + " (districts and departments)",
              tally_of(ctx, h.children(unit)));
  for (const Unit* d : h.children(unit))
    if (d->level == UnitLevel::district)
      print_tally(ctx, "  " + d->name + " (" + d->code + ", communes)",
                  tally_of(ctx, h.children(d->code)));
  return 0;
}

int cmd_export(Context& ctx) {
  const auto format = ctx.args().value("format");
  if (!format) {
    // tongket export <file.csv | -> as before: the values, in the import format.
    if (ctx.operands().empty())
      throw Error(Errc::invalid_argument,
                  "say where: tongket export <file.csv | -> or --format docx|xlsx|csv --out FILE");
    return cmd_export_values(ctx);
  }
  const auto out =
      ctx.args().value("out").value_or(ctx.operands().empty() ? "" : ctx.operands()[0]);
  if (out.empty()) throw Error(Errc::invalid_argument, "say where: --out FILE");
  const bool rolled_up = ctx.args().has("rollup");
  const std::string unit = ctx.unit();
  StoreSource source(ctx.store());
  Rollup rollup(ctx.report_template(), ctx.hierarchy(), source);
  auto data = report_data(ctx, unit, rolled_up, &rollup);
  if (*format == "docx") {
    report::write_docx(data, platform::path_from_utf8(out));
  } else if (*format == "xlsx") {
    report::write_xlsx(data, platform::path_from_utf8(out));
  } else if (*format == "csv") {
    std::ostringstream csv;
    report::write_csv(data, csv);
    if (out == "-") {
      ctx.out << csv.str();
      return 0;
    }
    std::ofstream file(platform::path_from_utf8(out), std::ios::binary | std::ios::trunc);
    file << csv.str();
    file.close();
    if (!file) throw Error(Errc::io_error, "cannot write " + out);
  } else {
    throw Error(Errc::invalid_argument, "--format is docx, xlsx or csv, not " + *format);
  }
  ctx.out << "wrote " << out << " (" << name_of(ctx, unit) << ", "
          << (rolled_up ? "rolled up" : "own figures") << ")\n";
  return 0;
}

// ---- repeating rows: award nominations (KT), models and initiatives (MH), PL4.III ----

namespace {

const Table& find_table(Context& ctx, const std::string& id) {
  const Table* t = ctx.report_template().table(id);
  if (!t) {
    std::string list;
    for (const auto& x : ctx.report_template().tables()) list += (list.empty() ? "" : ", ") + x.id;
    throw Error(Errc::not_found, "unknown table \"" + id + "\" (tables: " + list + ")");
  }
  return *t;
}

}  // namespace

int cmd_rows_add(Context& ctx) {
  const auto& ops = ctx.operands();
  const Table& table = find_table(ctx, ops[0]);
  nlohmann::json row = nlohmann::json::object();
  for (std::size_t i = 1; i < ops.size(); ++i) {
    auto eq = ops[i].find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(Errc::invalid_argument, "\"" + ops[i] + "\": write column=value");
    const std::string col = ops[i].substr(0, eq), text = ops[i].substr(eq + 1);
    auto c = std::find_if(table.columns.begin(), table.columns.end(),
                          [&](const TableColumn& x) { return x.id == col; });
    if (c == table.columns.end()) {
      std::string list;
      for (const auto& x : table.columns) list += (list.empty() ? "" : ", ") + x.id;
      throw Error(Errc::invalid_argument,
                  table.id + " has no column \"" + col + "\" (columns: " + list + ")");
    }
    if (c->type == ValueType::text) {
      row[col] = text;
    } else {
      Indicator as_indicator;
      as_indicator.code = table.id + "/" + col;
      as_indicator.type = c->type;
      row[col] = parse_user_value(as_indicator, text);
    }
  }
  const std::string id = sync::random_id().substr(0, 12);
  const auto key = FieldKey::row(table.id, id);
  ctx.check_writable(key, row);
  ctx.write(key, row);
  ctx.out << "added row " << id << " to " << table.id << "\n";
  return 0;
}

int cmd_rows_list(Context& ctx) {
  const Table& table = find_table(ctx, ctx.operands()[0]);
  const bool rolled_up = ctx.args().has("rollup");
  std::vector<Column> columns;
  if (!rolled_up) columns.push_back({"id"});
  for (const auto& c : table.columns) columns.push_back({c.label, c.type != ValueType::text});
  if (!columns.empty()) columns.back().wrap = true;
  std::vector<std::vector<std::string>> rows;
  auto cells = [&](const nlohmann::json& v) {
    std::vector<std::string> r;
    for (const auto& c : table.columns)
      r.push_back(v.contains(c.id) && !v[c.id].is_null() ? format_value(v[c.id]) : "");
    return r;
  };
  if (rolled_up) {
    for (const auto& v : table_rows(ctx, ctx.unit(), table.id, true)) rows.push_back(cells(v));
  } else {
    for (const auto& f : ctx.store().fields(ctx.unit(), FieldKind::row, table.id + ":")) {
      if (f.value.is_null() || f.key.item != table.id) continue;
      auto r = cells(f.value);
      r.insert(r.begin(), f.key.detail);
      rows.push_back(std::move(r));
    }
  }
  ctx.out << table.title << "\n";
  if (rows.empty()) {
    ctx.out << "(no rows)\n";
    return 0;
  }
  ctx.out << render_table(columns, rows, terminal_width());
  return 0;
}

int cmd_rows_delete(Context& ctx) {
  const Table& table = find_table(ctx, ctx.operands()[0]);
  const auto key = FieldKey::row(table.id, ctx.operands()[1]);
  if (!ctx.store().get_field(ctx.unit(), key))
    throw Error(Errc::not_found, table.id + " has no row " + ctx.operands()[1] +
                                     " (see tongket rows list " + table.id + ")");
  ctx.check_writable(key, nullptr);
  ctx.write(key, nullptr);
  ctx.out << "deleted row " << ctx.operands()[1] << " of " << table.id << "\n";
  return 0;
}

}  // namespace tongket::cli
