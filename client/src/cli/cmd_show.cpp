// tongket show <appendix>: the appendix as the form prints it, with this unit's values.
#include <algorithm>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "cli/values.hpp"
#include "tongket/error.hpp"

namespace tongket::cli {

namespace {

bool has_level(const std::vector<UnitLevel>& levels, UnitLevel level) {
  return std::find(levels.begin(), levels.end(), level) != levels.end();
}

// Vietnamese writes a decimal comma: 45,5.
std::string shown_number(const Indicator& ind, const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (!value.is_number()) return format_value(value);
  std::string text;
  if (ind.type == ValueType::ratio) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", value.get<double>());
    text = buf;
  } else {
    text = format_number(value);
  }
  std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

void show_goals(Context& ctx, const ReportTemplate& tpl, const std::string& dept) {
  auto& s = ctx.store();
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : tpl.goals()) {
    if (!dept.empty() && !tpl.department_answers(dept, g.id)) continue;
    std::string result, note;
    if (auto v = s.get_field(ctx.unit(), FieldKey::assessment(g.id)); v && v->is_object()) {
      for (const auto& r : tpl.goal_results())
        if (v->value("result", "") == r.id) result = r.label;
      note = v->value("note", "");
    }
    rows.push_back({g.stt, g.label, result, note});
  }
  ctx.out << render_table({{"STT"}, {"Mục tiêu", false, true}, {"Kết quả"}, {"Ghi chú"}}, rows,
                          terminal_width());
}

void show_rows(Context& ctx, const Table& table) {
  auto& s = ctx.store();
  auto stored = s.fields(ctx.unit(), FieldKind::row, table.id + ":");
  ctx.out << "\n" << table.title << "\n";
  if (stored.empty()) {
    ctx.out << "(no rows)\n";
    return;
  }
  std::vector<Column> columns = {{"STT", true}};
  for (const auto& c : table.columns)
    columns.push_back({c.label, c.type != ValueType::text, c.type == ValueType::text});
  std::vector<std::vector<std::string>> rows;
  std::size_t n = 0;
  for (const auto& f : stored) {
    if (f.value.is_null()) continue;
    std::vector<std::string> row = {std::to_string(++n)};
    for (const auto& c : table.columns)
      row.push_back(f.value.contains(c.id) ? format_value(f.value[c.id]) : "");
    rows.push_back(std::move(row));
  }
  ctx.out << render_table(columns, rows, terminal_width());
}

}  // namespace

int cmd_show(Context& ctx) {
  const auto& tpl = ctx.report_template();
  const std::string id = ctx.operands()[0];
  const Appendix* app = tpl.appendix(id);
  if (!app) {
    std::string ids;
    for (const auto& a : tpl.appendices()) ids += (ids.empty() ? "" : ", ") + a.id;
    throw Error(Errc::not_found, "unknown appendix \"" + id + "\" (appendices: " + ids + ")");
  }
  const auto level = ctx.level();
  if (!has_level(app->levels, level)) {
    throw Error(
        Errc::invalid_argument,
        app->id + " is not filled by a " + std::string(level_name(level)) + " (see tongket parts)");
  }
  const auto dept = ctx.department_key();
  auto answers = [&](std::string_view item) {
    return dept.empty() || tpl.department_answers(dept, item);
  };
  ctx.out << app->id << ". " << app->title << "\n";
  ctx.out << ctx.unit() << " " << ctx.unit_name() << "\n\n";
  if (app->id == "PL8") {
    show_goals(ctx, tpl, dept);
    return 0;
  }

  // The rows this unit fills, with the headings above them; the periods any of them has.
  std::vector<const Indicator*> rows;
  std::vector<std::string> periods;
  for (const auto* ind : tpl.indicators_of(app->id)) {
    if (!has_level(ind->levels, level)) continue;
    if (!ind->periods.empty() && !answers(ind->code)) continue;
    rows.push_back(ind);
    for (const auto& p : ind->periods)
      if (std::find(periods.begin(), periods.end(), p) == periods.end()) periods.push_back(p);
  }
  // Drop headings with nothing under them.
  std::erase_if(rows, [&](const Indicator* ind) {
    if (!ind->periods.empty()) return false;
    return std::none_of(rows.begin(), rows.end(), [&](const Indicator* other) {
      return other->parent == ind->code && !other->periods.empty();
    });
  });
  std::vector<std::string> ordered;  // in the template's period order
  for (const auto& p : tpl.periods())
    if (std::find(periods.begin(), periods.end(), p.id) != periods.end()) ordered.push_back(p.id);

  std::vector<Column> columns = {{"STT", false, false}, {"Chỉ tiêu", false, true}};
  for (const auto& p : ordered) columns.push_back({p, true, false});
  std::vector<std::vector<std::string>> table;
  for (const auto* ind : rows) {
    std::vector<std::string> row = {ind->stt, ind->label};
    for (const auto& p : ordered) {
      bool has = std::find(ind->periods.begin(), ind->periods.end(), p) != ind->periods.end();
      row.push_back(has ? shown_number(*ind, cell_value(ctx, *ind, p)) : "");
    }
    table.push_back(std::move(row));
  }
  ctx.out << render_table(columns, table, terminal_width());
  for (const auto& p : ordered) {
    const Period* period = tpl.period(p);
    if (period && period->label != "Năm " + p) ctx.out << p << ": " << period->label << "\n";
  }
  for (const auto& t : tpl.tables())
    if (t.appendix == app->id && has_level(t.levels, level) && answers(t.id)) show_rows(ctx, t);
  return 0;
}

}  // namespace tongket::cli
