// tongket check: runs the store's damage check now (SQLite quick_check), whatever is due.
// Otherwise the core checks only after an unclean shutdown or when the last check is old
// (ClientStore::open, StoreCheck); a damaged store is refused with exit 4, left unchanged.
#include "cli/commands.hpp"
#include "tongket/platform.hpp"

namespace tongket::cli {

int cmd_check(Context& ctx) {
  auto options = ctx.workspace_options();
  options.check_store = true;
  auto ws = client::Workspace::open(options);
  const auto info = ws.last_store_check();
  ctx.out << ctx.msg("cli.check.ok", {platform::path_to_utf8(ws.store_file()), info.time,
                                      std::to_string(info.count)})
          << "\n";
  return 0;
}

}  // namespace tongket::cli
