// tongket text set <section> [--file F] / text get <section>: a narrative section's text. A
// file may be a Word .docx or a .txt in UTF-8, UTF-16 or Windows-1258 (the core decodes it).

#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "tongket/platform.hpp"

namespace tongket::cli {

int cmd_text_set(Context& ctx) {
  auto& ws = ctx.workspace();
  const std::string id = ctx.operands()[0];
  const std::string before = ws.section(id).text;  // also: the section exists
  if (auto file = ctx.args().value("file"); file && *file != "-") {
    ws.import_text(id, platform::path_from_utf8(*file));
  } else {
    if (&ctx.in == &std::cin && platform::stdin_is_terminal())
      ctx.err << ctx.msg("cli.text.type", {id}) << "\n";
    std::ostringstream buf;
    buf << ctx.in.rdbuf();
    ws.set_text(id, buf.str());
  }
  const std::string after = ws.section(id).text;
  if (after == before) {
    ctx.out << ctx.msg("cli.text.unchanged", {id}) << "\n";
  } else if (after.empty()) {
    ctx.out << ctx.msg("cli.text.cleared", {id}) << "\n";
  } else {
    ctx.out << ctx.msg("cli.text.saved", {id, std::to_string(display_width(after))}) << "\n";
  }
  return 0;
}

int cmd_text_get(Context& ctx) {
  const auto text = ctx.workspace().section(ctx.operands()[0]).text;
  if (text.empty()) return 0;
  ctx.out << text;
  if (!text.ends_with('\n')) ctx.out << "\n";
  return 0;
}

}  // namespace tongket::cli
