// tongket contributions [<section>] / take-in <section> --from UNIT [--replace]: the province
// sees its departments' narrative beside its own sections and takes it into its report. The
// rules are the core's (Workspace::contributions, take_in); this file lays them out.
#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "tongket/error.hpp"

namespace tongket::cli {

namespace {

std::string preview(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  // Cut at a character boundary (UTF-8 continuation bytes are 10xxxxxx).
  if (line.size() > 120) {
    std::size_t cut = 120;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line = line.substr(0, cut) + "…";
  }
  return line;
}

}  // namespace

int cmd_contributions(Context& ctx) {
  const std::string section = ctx.operands().empty() ? "" : ctx.operands()[0];
  const auto list = ctx.workspace().contributions(section);
  if (list.empty()) {
    ctx.out << ctx.msg("cli.contributions.none",
                       {section.empty() ? ctx.msg("cli.contributions.these") : section})
            << "\n";
    return 0;
  }
  std::string last;
  for (const auto& c : list) {
    if (c.section != last) {
      ctx.out << c.section << " " << c.heading << "\n"
              << ctx.msg("cli.contributions.own",
                         {c.own_text.empty() ? ctx.msg("cli.contributions.own_empty")
                                             : preview(c.own_text)})
              << "\n";
      last = c.section;
    }
    ctx.out << ctx.msg("cli.contributions.entry",
                       {c.department, c.department_name,
                        ctx.msg(c.accepted ? "cli.contributions.accepted"
                                           : "cli.contributions.not_accepted"),
                        ctx.msg(c.taken_in ? "cli.contributions.taken_in"
                                           : "cli.contributions.not_taken_in"),
                        preview(c.text)})
            << "\n";
  }
  ctx.out << ctx.msg("cli.contributions.hint") << "\n";
  return 0;
}

int cmd_take_in(Context& ctx) {
  const std::string section = ctx.operands()[0];
  const auto from = ctx.args().value("from");
  if (!from || from->empty()) throw Error(Errc::invalid_argument, ctx.msg("cli.takein.from"));
  auto& ws = ctx.workspace();
  std::string name = *from;
  bool accepted = true;
  for (const auto& c : ws.contributions(section))
    if (c.department == *from) {
      name = c.department_name;
      accepted = c.accepted;
    }
  if (!ws.take_in(section, *from, ctx.args().has("replace"))) {
    ctx.out << ctx.msg("cli.takein.already", {section, name}) << "\n";
    return 0;
  }
  ctx.out << ctx.msg("cli.takein.done", {section, name})
          << (accepted ? "" : ctx.msg("cli.takein.not_accepted")) << "\n";
  return 0;
}

}  // namespace tongket::cli
