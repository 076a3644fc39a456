// tongket show <appendix> [--codes]: the appendix as the form prints it, with this unit's
// values; --codes adds the code to type for each row (tongket set PL3.4.c 2019 12).
#include <algorithm>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "cli/values.hpp"

namespace tongket::cli {

namespace {

void show_goals(Context& ctx, bool codes) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : ctx.workspace().goals()) {
    std::vector<std::string> row = {g.stt, g.label, g.result_label, g.note};
    if (codes) row.insert(row.begin() + 1, g.id);
    rows.push_back(std::move(row));
  }
  std::vector<Column> columns = {{"STT"}, {"Mục tiêu", false, true}, {"Kết quả"}, {"Ghi chú"}};
  if (codes) columns.insert(columns.begin() + 1, Column{ctx.msg("cli.code")});
  ctx.out << render_table(columns, rows, terminal_width());
}

void show_list(Context& ctx, const client::PartInfo& table) {
  auto& ws = ctx.workspace();
  const auto rows = ws.list_rows(table.id);
  ctx.out << "\n" << table.title << "\n";
  if (rows.empty()) {
    ctx.out << ctx.msg("cli.rows.none") << "\n";
    return;
  }
  std::vector<Column> columns = {{"STT", true}};
  for (const auto& c : ws.list_columns(table.id))
    columns.push_back({c.label, c.type != "text", c.type == "text"});
  std::vector<std::vector<std::string>> out;
  std::size_t n = 0;
  for (const auto& r : rows) {
    std::vector<std::string> row = {std::to_string(++n)};
    for (const auto& [id, text] : r.cells) row.push_back(change_text(ctx, text));
    out.push_back(std::move(row));
  }
  ctx.out << render_table(columns, out, terminal_width());
}

}  // namespace

int cmd_show(Context& ctx) {
  auto& ws = ctx.workspace();
  const bool codes = ctx.args().has("codes");
  const auto form = ws.form(ctx.operands()[0]);  // checks the appendix and the level
  const auto unit = ws.unit();
  ctx.out << form.appendix << ". " << form.title << "\n" << unit.code << " " << unit.name << "\n\n";
  if (form.appendix == "PL8") {
    show_goals(ctx, codes);
    return 0;
  }
  // The rows this unit fills, with the headings above them; the periods any of them has.
  std::vector<const client::FormRow*> rows;
  for (const auto& r : form.rows) {
    if (!r.fills) continue;
    const bool heading = std::none_of(r.cells.begin(), r.cells.end(),
                                      [](const client::FormCell& c) { return c.present; });
    if (heading && std::none_of(form.rows.begin(), form.rows.end(), [&](const client::FormRow& o) {
          return o.fills && o.code.starts_with(r.code + ".") &&
                 std::any_of(o.cells.begin(), o.cells.end(),
                             [](const client::FormCell& c) { return c.present; });
        }))
      continue;  // a heading with nothing under it
    rows.push_back(&r);
  }
  std::vector<std::size_t> used;  // columns any shown row has
  for (std::size_t i = 0; i < form.columns.size(); ++i)
    if (std::any_of(rows.begin(), rows.end(),
                    [&](const client::FormRow* r) { return r->cells[i].present; }))
      used.push_back(i);
  std::vector<Column> columns = {{"STT"}};
  if (codes) columns.push_back({ctx.msg("cli.code")});
  columns.push_back({"Chỉ tiêu", false, true});
  for (auto i : used) columns.push_back({form.columns[i].period, true});
  std::vector<std::vector<std::string>> table;
  for (const auto* r : rows) {
    std::vector<std::string> row = {r->stt};
    if (codes) row.push_back(r->code);
    row.push_back(r->label);
    for (auto i : used) row.push_back(r->cells[i].text);
    table.push_back(std::move(row));
  }
  ctx.out << render_table(columns, table, terminal_width());
  for (auto i : used) {
    const auto& c = form.columns[i];
    if (!c.note.empty()) ctx.out << c.period << ": " << c.label << " (" << c.note << ")\n";
  }
  for (const auto& p : ws.parts())
    if (p.kind == "table" && p.id.starts_with(form.appendix + ".")) show_list(ctx, p);
  return 0;
}

}  // namespace tongket::cli
