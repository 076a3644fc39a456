// tongket ui: the local web app (client/src/ui). The CLI only parses the options.
#include "cli/commands.hpp"
#include "ui/ui_server.hpp"

namespace tongket::cli {

int cmd_ui(Context& ctx) {
  ui::UiOptions options;
  options.store = ctx.store_path();
  options.port = static_cast<int>(ctx.args().number("port", 0, 0, 65535));
  options.open_browser = !ctx.args().has("no-browser");
  return ui::serve(options, ctx.out, ctx.err);
}

}  // namespace tongket::cli
