// tongket document [show] / document set <name> <text>: the document frame of this unit's
// report (Nghị định 30/2020/NĐ-CP): issuing body, number, place, date, recipients, signer.
// The core keeps it as the unit's fields t:VB.<name> (Workspace::document, set_document).
#include "cli/commands.hpp"

namespace tongket::cli {

int cmd_document_show(Context& ctx) {
  for (const auto& f : ctx.workspace().document())
    ctx.out << f.name << " (" << f.label
            << "): " << (f.value.empty() ? ctx.msg("cli.document.empty") : f.value) << "\n";
  return 0;
}

int cmd_document_set(Context& ctx) {
  const std::string name = ctx.operands()[0];
  // "\n" typed on a command line separates recipients.
  const std::string& typed = ctx.operands()[1];
  std::string text;
  for (std::size_t i = 0; i < typed.size(); ++i) {
    if (typed[i] == '\\' && i + 1 < typed.size() && typed[i + 1] == 'n') {
      text += '\n';
      ++i;
    } else {
      text += typed[i];
    }
  }
  ctx.workspace().set_document(name, text);
  ctx.out << ctx.msg("cli.document.saved", {name}) << "\n";
  return 0;
}

}  // namespace tongket::cli
