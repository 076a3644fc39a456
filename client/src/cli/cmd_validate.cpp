// tongket validate: every rule of the template on this unit's stored values (the core's
// validation engine; the messages are the template's, in Vietnamese).
#include <ostream>

#include "cli/commands.hpp"
#include "cli/values.hpp"
#include "tongket/error.hpp"

namespace tongket::cli {

void print_problem(Context& ctx, const client::Problem& p) {
  const auto at = p.field.find('@');
  const std::string code = p.field.substr(0, at);
  ctx.out << ctx.msg(p.error ? "cli.error" : "cli.warning") << ": " << code << " \"" << p.label
          << "\"" << (p.period.empty() ? "" : ", " + p.period) << ": " << p.message
          << (p.rule.empty() ? "" : " [" + ctx.msg("cli.rule") + " " + p.rule + "]") << "\n";
}

int cmd_validate(Context& ctx) {
  auto& ws = ctx.workspace();
  const auto problems = ws.validate();
  std::size_t stored = 0;
  for (const auto& p : ws.parts())
    if (p.kind == "appendix") stored += static_cast<std::size_t>(p.progress.filled);
  std::size_t errors = 0, warnings = 0;
  for (const auto& p : problems) {
    (p.error ? errors : warnings)++;
    print_problem(ctx, p);
  }
  if (problems.empty()) {
    ctx.out << ctx.msg("cli.validate.ok", {std::to_string(stored)}) << "\n";
    return 0;
  }
  ctx.out << ctx.msg("cli.validate.counts",
                     {std::to_string(errors), std::to_string(warnings), std::to_string(stored)})
          << "\n";
  if (errors == 0) return 0;
  ctx.err << "tongket: " << ctx.msg("cli.validate.failed", {std::to_string(errors)}) << "\n";
  return exit_code(Errc::validation_failed);
}

}  // namespace tongket::cli
