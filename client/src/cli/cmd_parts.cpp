// tongket parts: what this unit's report consists of.
#include <algorithm>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/display.hpp"

namespace tongket::cli {

namespace {

bool has_level(const std::vector<UnitLevel>& levels, UnitLevel level) {
  return std::find(levels.begin(), levels.end(), level) != levels.end();
}

std::size_t depth_of(const ReportTemplate& tpl, const Section& s) {
  std::size_t depth = 0;
  for (const Section* p = tpl.section(s.parent); p; p = tpl.section(p->parent)) ++depth;
  return depth;
}

}  // namespace

int cmd_parts(Context& ctx) {
  const auto& tpl = ctx.report_template();
  const auto level = ctx.level();
  const auto dept = ctx.department_key();
  auto answers = [&](std::string_view item) {
    return dept.empty() || tpl.department_answers(dept, item);
  };
  const auto width = terminal_width();
  auto& s = ctx.store();
  ctx.out << "Unit " << s.unit() << " " << s.meta("unit_name").value_or("") << " ("
          << level_name(level) << ")\n\nSections (tongket text set <id>):\n";
  // A heading is shown when one of the writable sections under it is.
  std::vector<const Section*> shown;
  for (const auto& sec : tpl.sections()) {
    if (!has_level(sec.levels, level)) continue;
    if (sec.writable && answers(sec.id)) {
      std::vector<const Section*> chain;
      for (const Section* p = tpl.section(sec.parent); p; p = tpl.section(p->parent))
        chain.push_back(p);
      for (auto it = chain.rbegin(); it != chain.rend(); ++it)
        if (std::find(shown.begin(), shown.end(), *it) == shown.end()) shown.push_back(*it);
      shown.push_back(&sec);
    }
  }
  std::size_t id_width = 0;
  for (const auto* sec : shown) id_width = std::max(id_width, display_width(sec->id));
  for (const auto* sec : shown) {
    std::string indent(2 * depth_of(tpl, *sec), ' ');
    std::string id = sec->writable ? sec->id : "";
    std::string text = indent + sec->number + " " + sec->heading;
    ctx.out << "  " << id << std::string(id_width - display_width(id) + 2, ' ')
            << truncate(text, width > id_width + 6 ? width - id_width - 4 : 20) << "\n";
  }
  if (shown.empty()) ctx.out << "  (none)\n";

  ctx.out << "\nAppendices (tongket show <id>):\n";
  bool any = false;
  for (const auto& app : tpl.appendices()) {
    if (!has_level(app.levels, level)) continue;
    std::size_t rows = 0;
    for (const auto* ind : tpl.indicators_of(app.id))
      if (has_level(ind->levels, level) && !ind->periods.empty() && answers(ind->code)) ++rows;
    for (const auto& g : tpl.goals())
      if (g.id.starts_with(app.id + ".") && answers(g.id)) ++rows;
    if (rows == 0) continue;
    any = true;
    std::string what = std::to_string(rows) + (app.id == "PL8" ? " goals" : " indicators");
    ctx.out << "  " << app.id << "  "
            << truncate("(" + what + ") " + app.title, width > 10 ? width - 8 : 20) << "\n";
  }
  if (!any) ctx.out << "  (none)\n";
  return 0;
}

}  // namespace tongket::cli
