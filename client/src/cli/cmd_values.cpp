// tongket set <indicator> <period> <value> / get <indicator> [period].
#include <ostream>

#include "cli/commands.hpp"
#include "cli/values.hpp"
#include "tongket/error.hpp"

namespace tongket::cli {

int cmd_set(Context& ctx) {
  auto& ws = ctx.workspace();
  const auto& ops = ctx.operands();
  const auto result = ws.set_value(ops[0], ops[1], ops[2]);
  const std::string code = ws.resolve_indicator(ops[0]);
  if (result.changes.empty()) {
    std::string now;
    for (const auto& cell : ws.row(code).cells)
      if (cell.period == ops[1]) now = cell_text(ctx, cell);
    ctx.out << code << " " << ops[1] << " = " << now << " " << ctx.msg("cli.set.unchanged") << "\n";
    return 0;
  }
  const auto& c = result.changes.front();
  const std::string after = c.after.empty() ? ctx.msg("value.empty") : change_text(ctx, c.after);
  ctx.out << code << " " << c.period << " = " << after;
  if (!c.before.empty()) ctx.out << " " << ctx.msg("cli.set.was", {change_text(ctx, c.before)});
  ctx.out << "\n";
  return 0;
}

int cmd_get(Context& ctx) {
  auto& ws = ctx.workspace();
  const auto& ops = ctx.operands();
  const auto row = ws.row(ops[0]);
  if (ops.size() == 2) {
    std::string periods;
    for (const auto& cell : row.cells) {
      if (!cell.present) continue;
      if (cell.period == ops[1]) {
        ctx.out << cell_text(ctx, cell) << "\n";
        return 0;
      }
      periods += (periods.empty() ? "" : ", ") + cell.period;
    }
    throw Error(Errc::invalid_argument,
                ctx.msg("period.unknown", {row.code + "@" + ops[1], row.code, ops[1], periods}));
  }
  ctx.out << row.code << " " << row.label << "\n";
  for (const auto& cell : row.cells)
    if (cell.present) ctx.out << "  " << cell.period << "\t" << cell_text(ctx, cell) << "\n";
  return 0;
}

}  // namespace tongket::cli
