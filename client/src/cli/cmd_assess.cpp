// tongket assess <goal> dat|khong_dat [--note TEXT]: an appendix 8 goal's result.
#include <ostream>

#include "cli/commands.hpp"

namespace tongket::cli {

int cmd_assess(Context& ctx) {
  auto& ws = ctx.workspace();
  const auto& goal = ctx.operands()[0];
  const bool changed = ws.assess(goal, ctx.operands()[1], ctx.args().value("note").value_or(""));
  for (const auto& g : ws.goals())
    if (g.id == goal)
      ctx.out << g.id << ": " << g.result_label
              << (changed ? "" : " " + ctx.msg("cli.set.unchanged")) << "\n";
  return 0;
}

}  // namespace tongket::cli
