// tongket parts: what this unit's report consists of, with progress and the codes to type.
#include <algorithm>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/display.hpp"

namespace tongket::cli {

namespace {

// "PL3.1, PL3.1.a, ..." wrapped under the appendix.
void print_codes(Context& ctx, const client::Form& form, std::size_t width) {
  std::string codes;
  for (const auto& row : form.rows)
    if (row.fills && row.type != "heading" && row.type != "ratio" && row.type != "text")
      codes += (codes.empty() ? "" : " ") + row.code;
  if (codes.empty()) return;
  for (const auto& line : wrap(codes, width > 16 ? width - 8 : 40))
    ctx.out << "      " << line << "\n";
}

}  // namespace

int cmd_parts(Context& ctx) {
  auto& ws = ctx.workspace();
  const auto unit = ws.unit();
  const auto parts = ws.parts();
  const auto width = terminal_width();
  ctx.out << ctx.msg("cli.parts.unit", {unit.code, unit.name, unit.level}) << "\n\n"
          << ctx.msg("cli.parts.sections") << "\n";
  std::size_t id_width = 0;
  bool any = false;
  for (const auto& p : parts)
    if (p.kind == "section") id_width = std::max(id_width, display_width(p.id));
  for (const auto& p : parts) {
    if (p.kind != "section") continue;
    any = true;
    std::string id = p.writable ? p.id : "";
    std::string text =
        std::string(2 * static_cast<std::size_t>(p.depth), ' ') + p.number + " " + p.title;
    if (p.writable && p.progress.filled) text = "[x] " + text;
    ctx.out << "  " << id << std::string(id_width - display_width(id) + 2, ' ')
            << truncate(text, width > id_width + 6 ? width - id_width - 4 : 20) << "\n";
  }
  if (!any) ctx.out << "  " << ctx.msg("cli.none") << "\n";

  ctx.out << "\n" << ctx.msg("cli.parts.appendices") << "\n";
  any = false;
  for (const auto& p : parts) {
    if (p.kind != "appendix" && p.kind != "goals") continue;
    any = true;
    const std::string what = ctx.msg(
        "cli.parts.filled", {std::to_string(p.progress.filled), std::to_string(p.progress.total)});
    ctx.out << "  " << p.id << "  "
            << truncate("(" + what + ") " + p.title, width > 10 ? width - 8 : 20) << "\n";
    if (p.kind == "appendix") print_codes(ctx, ws.form(p.id), width);
  }
  if (!any) ctx.out << "  " << ctx.msg("cli.none") << "\n";
  ctx.out << "\n" << ctx.msg("cli.parts.lists") << "\n";
  for (const auto& p : parts)
    if (p.kind == "table")
      ctx.out << "  " << p.id << "  "
              << truncate("(" + std::to_string(p.progress.filled) + ") " + p.title,
                          width > 10 ? width - 8 : 20)
              << "\n";
  return 0;
}

}  // namespace tongket::cli
