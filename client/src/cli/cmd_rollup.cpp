// What a reviewer does with the data below it, offline from its own store: rollup, drilldown,
// completeness, export of the report (.docx, .xlsx, CSV); and the lists (KT, MH, PL4.III).
// The figures come from the core; this file only lays them out.
#include <algorithm>
#include <cmath>
#include <ostream>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"

#include "cli/display.hpp"
#include "cli/values.hpp"
#include "tongket/error.hpp"
#include "tongket/number_format.hpp"
#include "tongket/platform.hpp"

namespace tongket::cli {

namespace {

std::string shown(std::optional<double> v) {
  if (!v) return "";
  std::string text = number_text(std::round(*v * 10) / 10);
  std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

// "Số liệu tổng hợp từ X/Y đơn vị" and the units not counted yet.
void print_coverage(Context& ctx) {
  const auto c = ctx.workspace().rollup_coverage();
  ctx.out << c.line << "\n";
  if (c.missing.empty()) return;
  std::string names;
  for (std::size_t i = 0; i < c.missing.size() && i < 50; ++i)
    names += (i ? ", " : "") + c.missing[i];
  if (c.missing.size() > 50) names += ", ... (" + std::to_string(c.missing.size()) + ")";
  ctx.out << ctx.msg("cli.rollup.not_counted", {names}) << "\n";
}

}  // namespace

int cmd_rollup(Context& ctx) {
  auto& ws = ctx.workspace();
  const std::string appendix = ctx.operands()[0];
  if (appendix == "PL8") {
    const auto unit = ws.unit();
    ctx.out << "PL8 " << ws.rollup("PL8").title << "\n"
            << unit.name << " (" << unit.code << "), "
            << ctx.msg("cli.rollup.over", {std::to_string(ws.contributor_count())}) << "\n";
    print_coverage(ctx);
    std::vector<std::vector<std::string>> rows;
    for (const auto& g : ws.rollup_goals())
      rows.push_back({g.stt, g.label, std::to_string(g.dat), std::to_string(g.khong_dat),
                      std::to_string(g.missing)});
    ctx.out << render_table(
        {{"STT"}, {"Mục tiêu", false, true}, {"Đạt", true}, {"Không đạt", true}, {"chưa có", true}},
        rows, terminal_width());
    return 0;
  }
  const auto form = ws.rollup(appendix);
  const auto unit = ws.unit();
  ctx.out << form.appendix << " " << form.title << "\n"
          << unit.name << " (" << unit.code << "), "
          << ctx.msg("cli.rollup.over", {std::to_string(ws.contributor_count())}) << "\n";
  print_coverage(ctx);
  std::vector<Column> columns = {{"STT"}, {"code"}, {"Chỉ tiêu", false, true}};
  for (const auto& c : form.columns) columns.push_back({c.period, true});
  columns.push_back({"thiếu", true});
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : form.rows) {
    std::vector<std::string> row = {r.stt, r.code, r.label};
    std::size_t missing = 0;
    for (const auto& c : r.cells) {
      row.push_back(c.present ? c.text : "");  // a yes/no row: "2/3" (units answering 1)
      missing = std::max(missing, c.missing);
    }
    row.push_back(missing ? std::to_string(missing) : "");
    rows.push_back(std::move(row));
  }
  ctx.out << render_table(columns, rows, terminal_width()) << ctx.msg("cli.rollup.missing_note")
          << "\n";
  return 0;
}

int cmd_drilldown(Context& ctx) {
  auto& ws = ctx.workspace();
  const auto d = ws.drilldown(ctx.operands()[0], ctx.operands()[1]);
  const auto unit = ws.unit();
  ctx.out << d.indicator << " " << d.label << ", " << d.period << ", " << unit.name << ": "
          << (d.value ? shown(d.value) : ctx.msg("cli.drilldown.nothing"));
  if (d.flag_units && d.value)
    ctx.out << ctx.msg("cli.drilldown.flag_units", {std::to_string(d.flag_units)});
  if (d.numerator && d.denominator)
    ctx.out << " = " << shown(d.numerator) << "/" << shown(d.denominator);
  ctx.out << "\n";
  if (!d.department.empty()) {
    if (d.province_overrides)
      ctx.out << ctx.msg("cli.drilldown.province_override",
                         {d.province_figure ? shown(d.province_figure) : "", d.department_name});
    else if (d.province_figure)
      ctx.out << ctx.msg("cli.drilldown.province_from",
                         {shown(d.province_figure), d.department_name});
    else
      ctx.out << ctx.msg("cli.drilldown.province_none", {d.department_name});
    ctx.out << "\n";
  }
  const bool ratio = d.type == "ratio";
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : d.contributions) {
    std::vector<std::string> row = {c.unit, c.name,
                                    c.value ? shown(c.value) : ctx.msg("cli.drilldown.missing")};
    if (ratio) row.push_back(shown(c.denominator));
    rows.push_back(std::move(row));
  }
  std::vector<Column> columns = {{"unit"}, {"name", false, true}, {"value", true}};
  if (ratio) {
    columns.back().header = "numerator";
    columns.push_back({"denominator", true});
  }
  ctx.out << render_table(columns, rows, terminal_width());
  ctx.out << ctx.msg("cli.drilldown.missing_count", {std::to_string(d.missing.size())});
  for (std::size_t i = 0; i < d.missing.size() && i < 50; ++i)
    ctx.out << (i ? ", " : ": ") << d.missing[i];
  ctx.out << "\n";
  return 0;
}

int cmd_completeness(Context& ctx) {
  for (const auto& t : ctx.workspace().completeness_below()) {
    ctx.out << ctx.msg("cli.completeness.tally",
                       {t.title, std::to_string(t.expected), std::to_string(t.submitted),
                        std::to_string(t.accepted), std::to_string(t.returned),
                        std::to_string(t.late), std::to_string(t.missing.size())})
            << "\n";
    for (const auto& [level, deadline] : t.deadlines)
      if (!deadline.empty())
        ctx.out << "  " << ctx.msg("cli.completeness.deadline", {level, deadline}) << "\n";
    for (const auto& m : t.missing)
      ctx.out << "  " << ctx.msg("cli.completeness.missing") << m << "\n";
  }
  return 0;
}

int cmd_export(Context& ctx) {
  const auto format = ctx.args().value("format");
  if (!format) {
    // tongket export <file.csv | -> as before: the values, in the import format.
    if (ctx.operands().empty() && !ctx.args().has("blank"))
      throw Error(Errc::invalid_argument, ctx.msg("cli.export.where"));
    return cmd_export_values(ctx);
  }
  const auto out =
      ctx.args().value("out").value_or(ctx.operands().empty() ? "" : ctx.operands()[0]);
  if (out.empty()) throw Error(Errc::invalid_argument, ctx.msg("cli.export.where_out"));
  const bool rolled_up = ctx.args().has("rollup");
  client::ExportFormat f;
  if (*format == "docx")
    f = client::ExportFormat::docx;
  else if (*format == "xlsx")
    f = client::ExportFormat::xlsx;
  else if (*format == "csv")
    f = client::ExportFormat::csv;
  else
    throw Error(Errc::invalid_argument, ctx.msg("cli.export.format", {*format}));
  auto& ws = ctx.workspace();
  if (f == client::ExportFormat::csv && out == "-") {
    ctx.out << ws.export_bytes(f, rolled_up);
    return 0;
  }
  ws.export_file(f, rolled_up, platform::path_from_utf8(out));
  ctx.out << ctx.msg(rolled_up ? "cli.export.wrote_rollup" : "cli.export.wrote",
                     {out, ws.unit().name})
          << "\n";
  return 0;
}

// ---- repeating rows: award nominations (KT), models and initiatives (MH), PL4.III ----

int cmd_rows_add(Context& ctx) {
  const auto& ops = ctx.operands();
  std::vector<std::pair<std::string, std::string>> cells;
  for (std::size_t i = 1; i < ops.size(); ++i) {
    auto eq = ops[i].find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(Errc::invalid_argument, ctx.msg("cli.rows.column_value", {ops[i]}));
    cells.emplace_back(ops[i].substr(0, eq), ops[i].substr(eq + 1));
  }
  const auto id = ctx.workspace().add_row(ops[0], cells);
  ctx.out << ctx.msg("cli.rows.added", {id, ops[0]}) << "\n";
  return 0;
}

int cmd_rows_list(Context& ctx) {
  auto& ws = ctx.workspace();
  const std::string table = ctx.operands()[0];
  const bool rolled_up = ctx.args().has("rollup");
  const auto cols = ws.list_columns(table);
  std::vector<Column> columns;
  if (!rolled_up) columns.push_back({"id"});
  for (const auto& c : cols) columns.push_back({c.label, c.type != "text"});
  if (!columns.empty()) columns.back().wrap = true;
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : ws.list_rows(table, rolled_up)) {
    std::vector<std::string> row;
    if (!rolled_up) row.push_back(r.id);
    for (const auto& [id, text] : r.cells) row.push_back(change_text(ctx, text));
    rows.push_back(std::move(row));
  }
  ctx.out << ws.list_title(table) << "\n";
  if (rows.empty()) {
    ctx.out << ctx.msg("cli.rows.none") << "\n";
    return 0;
  }
  ctx.out << render_table(columns, rows, terminal_width());
  return 0;
}

int cmd_rows_delete(Context& ctx) {
  ctx.workspace().delete_row(ctx.operands()[0], ctx.operands()[1]);
  ctx.out << ctx.msg("cli.rows.deleted", {ctx.operands()[1], ctx.operands()[0]}) << "\n";
  return 0;
}

}  // namespace tongket::cli
