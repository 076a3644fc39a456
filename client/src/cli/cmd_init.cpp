// tongket init --unit <code | name>: makes the store for the unit this installation reports for.
#include <ostream>

#include "cli/commands.hpp"
#include "tongket/error.hpp"
#include "tongket/platform.hpp"

namespace tongket::cli {

int cmd_init(Context& ctx) {
  auto& ws = ctx.create_workspace(ctx.args().value("unit").value_or(""),
                                  ctx.args().value("author").value_or(""));
  const auto u = ws.unit();
  ctx.out << ctx.msg("cli.init.created",
                     {platform::path_to_utf8(ctx.store_path()), u.code, u.description, u.level,
                      u.template_id, std::to_string(u.template_version)})
          << "\n";
  // A department added on the server is not in the installed units list yet: said plainly.
  if (u.name == u.code) ctx.out << ctx.msg("cli.init.added_unit", {u.code}) << "\n";
  return 0;
}

}  // namespace tongket::cli
