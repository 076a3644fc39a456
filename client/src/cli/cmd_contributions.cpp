// tongket contributions [<section>] / take-in <section> --from UNIT [--replace]: the province
// sees its departments' narrative beside its own sections and takes it into its report.
#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "review/contributions.hpp"
#include "tongket/error.hpp"

namespace tongket::cli {

namespace {

std::string unit_name(Context& ctx, const std::string& code) {
  const Unit* u = ctx.hierarchy().find(code);
  return u ? u->name : code;
}

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
  if (!section.empty() && !ctx.report_template().section(section))
    throw Error(Errc::not_found, "unknown section \"" + section + "\" (see tongket parts)");
  const auto list = client::narrative_contributions(ctx.report_template(), ctx.hierarchy(),
                                                    ctx.store(), ctx.unit(), section);
  if (list.empty()) {
    ctx.out << "no department has written in " << (section.empty() ? "these sections" : section)
            << " yet (sync first to see new ones)\n";
    return 0;
  }
  std::string last;
  for (const auto& c : list) {
    if (c.section != last) {
      const Section* s = ctx.report_template().section(c.section);
      const auto own = ctx.store().get_field(ctx.unit(), FieldKey::text(c.section));
      ctx.out << c.section << " " << (s ? s->heading : "") << "\n    của tỉnh: "
              << (own && own->is_string() && !own->get<std::string>().empty()
                      ? preview(own->get<std::string>())
                      : std::string("(chưa viết)"))
              << "\n";
      last = c.section;
    }
    ctx.out << "  " << c.department << " " << unit_name(ctx, c.department) << " ["
            << (c.accepted ? "đã chấp nhận" : "chưa chấp nhận") << ", "
            << (c.taken_in ? "đã đưa vào" : "chưa đưa vào") << "]: " << preview(c.text) << "\n";
  }
  ctx.out << "take one in: tongket take-in <section> --from <unit>\n";
  return 0;
}

int cmd_take_in(Context& ctx) {
  const std::string section = ctx.operands()[0];
  const auto from = ctx.args().value("from");
  if (!from || from->empty())
    throw Error(Errc::invalid_argument, "say whose text: --from UNIT (see tongket contributions)");
  const auto list = client::narrative_contributions(ctx.report_template(), ctx.hierarchy(),
                                                    ctx.store(), ctx.unit(), section);
  const client::NarrativeContribution* found = nullptr;
  for (const auto& c : list)
    if (c.department == *from) found = &c;
  if (!found)
    throw Error(Errc::not_found, *from + " has no text in section " + section + " of " +
                                     ctx.unit() + " (see tongket contributions)");
  const auto key = FieldKey::text(section);
  const auto own = ctx.store().get_field(ctx.unit(), key);
  const std::string before = own && own->is_string() ? own->get<std::string>() : "";
  const std::string after = client::take_in_text(before, found->text, ctx.args().has("replace"));
  if (after == before) {
    ctx.out << "Section " << section << " already holds the text of " << unit_name(ctx, *from)
            << "\n";
    return 0;
  }
  ctx.check_writable(key, after);
  ctx.write(key, after);
  ctx.out << "Section " << section << ": took in the text of " << unit_name(ctx, *from) << " ("
          << display_width(found->text) << " characters)"
          << (found->accepted ? "" : "; note: its report is not accepted yet") << "\n";
  return 0;
}

}  // namespace tongket::cli
