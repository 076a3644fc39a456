// The province's report beyond its own figures: the departments' narrative beside its
// sections (taken in by an ordinary edit) and the document frame (t:VB.* fields).
#include <algorithm>

#include "core/workspace_impl.hpp"
#include "review/contributions.hpp"
#include "tongket/calendar_date.hpp"
#include "tongket/document_fields.hpp"
#include "tongket/error.hpp"

namespace tongket::client {

namespace {

std::string text_of(Workspace::Impl& d, const FieldKey& key) {
  const auto v = d.store.get_field(d.unit(), key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace

std::string document_stored_text(Workspace::Impl& d, const std::string& item,
                                 const std::string& typed) {
  const DocumentField* f = document_field(item);
  if (!f || !f->date) return typed;
  const auto date = parse_calendar_date(typed);
  if (!date) {
    const auto first = typed.find_first_not_of(" \t\r\n");  // a line read from stdin ends in "\n"
    const std::string shown =
        first == std::string::npos
            ? typed
            : typed.substr(first, typed.find_last_not_of(" \t\r\n") - first + 1);
    throw Error(Errc::invalid_argument, d.msg("document.bad_date", {shown}));
  }
  return iso_date_text(*date);
}

std::string document_shown_text(const std::string& item, const std::string& stored) {
  const DocumentField* f = document_field(item);
  const auto date = f && f->date ? parse_calendar_date(stored) : std::nullopt;
  return date ? vi_date_text(*date) : stored;  // text stored before dates were checked: as is
}

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
    const std::string item = std::string(kDocumentFieldPrefix) + name;
    out.push_back({name, d.msg("document.field." + name),
                   document_shown_text(item, text_of(d, FieldKey::text(item)))});
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
  set_text(item, text);  // as `text set VB.<name>`: one path, the date's rule included
}

}  // namespace tongket::client
