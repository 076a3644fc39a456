// The province's report beyond its own figures: the departments' narrative beside its
// sections (taken in by an ordinary edit) and the document frame (t:VB.* fields).
#include <algorithm>

#include "core/workspace_impl.hpp"
#include "review/contributions.hpp"
#include "tongket/document_fields.hpp"
#include "tongket/error.hpp"

namespace tongket::client {

namespace {

std::string text_of(Workspace::Impl& d, const FieldKey& key) {
  const auto v = d.store.get_field(d.unit(), key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace

std::vector<Contribution> Workspace::contributions(const std::string& section) {
  auto& d = *impl_;
  if (!section.empty() && !d.tpl.section(section))
    throw Error(Errc::not_found, d.msg("text.unknown_section", {section}));
  std::vector<Contribution> out;
  for (const auto& c : narrative_contributions(d.tpl, d.units(), d.store, d.unit(), section)) {
    const Section* s = d.tpl.section(c.section);
    const Unit* u = d.units().find(c.department);
    out.push_back({c.section, s ? s->heading : std::string(), text_of(d, FieldKey::text(c.section)),
                   c.department, u ? u->name : c.department, c.text, c.accepted, c.taken_in});
  }
  return out;
}

bool Workspace::take_in(const std::string& section, const std::string& department, bool replace) {
  auto& d = *impl_;
  const auto list = contributions(section);
  const auto found = std::find_if(
      list.begin(), list.end(), [&](const Contribution& c) { return c.department == department; });
  if (found == list.end())
    throw Error(Errc::not_found, d.msg("takein.nothing", {department, section, d.unit()}));
  const auto key = FieldKey::text(section);
  const std::string before = text_of(d, key);
  const std::string after = take_in_text(before, found->text, replace);
  if (after == before) return false;
  d.write_one(key, after);
  return true;
}

std::vector<DocumentPart> Workspace::document() {
  auto& d = *impl_;
  std::vector<DocumentPart> out;
  for (const auto& f : kDocumentFields) {
    const std::string name(f.name);
    out.push_back({name, d.msg("document.field." + name),
                   text_of(d, FieldKey::text(std::string(kDocumentFieldPrefix) + name))});
  }
  return out;
}

void Workspace::set_document(const std::string& name, const std::string& text) {
  auto& d = *impl_;
  const std::string item = std::string(kDocumentFieldPrefix) + name;
  if (!is_document_field(item)) {
    std::string names;
    for (const auto& f : kDocumentFields)
      names += (names.empty() ? "" : ", ") + std::string(f.name);
    throw Error(Errc::invalid_argument, d.msg("document.unknown", {name, names}));
  }
  const bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
  d.write_one(FieldKey::text(item), blank ? nlohmann::json() : nlohmann::json(text));
}

}  // namespace tongket::client
