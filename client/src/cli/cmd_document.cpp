// tongket document [show] / document set <name> <text>: the document frame of this unit's
// report (Nghị định 30/2020/NĐ-CP): issuing body, number, place, date, recipients, signer. Kept
// as the unit's fields t:VB.<name>, so they are synced with the report and printed by export.
#include "cli/commands.hpp"
#include "tongket/document_fields.hpp"
#include "tongket/error.hpp"

namespace tongket::cli {

namespace {

std::string names() {
  std::string s;
  for (const auto& f : kDocumentFields) s += (s.empty() ? "" : ", ") + std::string(f.name);
  return s;
}

}  // namespace

int cmd_document_show(Context& ctx) {
  for (const auto& f : kDocumentFields) {
    const auto key = FieldKey::text(std::string(kDocumentFieldPrefix) + std::string(f.name));
    const auto v = ctx.store().get_field(ctx.unit(), key);
    ctx.out << f.name << " (" << f.label
            << "): " << (v && v->is_string() ? v->get<std::string>() : std::string("(chưa có)"))
            << "\n";
  }
  return 0;
}

int cmd_document_set(Context& ctx) {
  const std::string name = ctx.operands()[0];
  const std::string item = std::string(kDocumentFieldPrefix) + name;
  if (!is_document_field(item))
    throw Error(Errc::invalid_argument,
                "unknown document field \"" + name + "\" (one of: " + names() + ")");
  std::string text = ctx.operands()[1];
  // "\n" typed on a command line separates recipients.
  for (std::size_t at = text.find("\\n"); at != std::string::npos; at = text.find("\\n", at))
    text.replace(at, 2, "\n");
  const auto key = FieldKey::text(item);
  const nlohmann::json value = text.find_first_not_of(" \t\r\n") == std::string::npos
                                   ? nlohmann::json()
                                   : nlohmann::json(text);
  ctx.check_writable(key, value);
  ctx.write(key, value);
  ctx.out << name << " saved\n";
  return 0;
}

}  // namespace tongket::cli
