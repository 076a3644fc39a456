#include "review/contributions.hpp"

#include "review/review_log.hpp"
#include "tongket/report/unit_report.hpp"

namespace tongket::client {

namespace {

std::string text_of(ClientStore& store, const std::string& unit, const std::string& section) {
  auto v = store.get_field(unit, FieldKey::text(section));
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

std::vector<NarrativeContribution> narrative_contributions(const ReportTemplate& tpl,
                                                           const Hierarchy& hierarchy,
                                                           ClientStore& store,
                                                           const std::string& province,
                                                           const std::string& section) {
  std::vector<const Unit*> departments;
  for (const Unit* u : hierarchy.children(province))
    if (u->level == UnitLevel::department) departments.push_back(u);
  std::vector<NarrativeContribution> out;
  for (const Section& s : tpl.sections()) {
    if (!s.writable || !tpl.level_fills(UnitLevel::province, s.id)) continue;
    if (!section.empty() && s.id != section) continue;
    const std::string own = text_of(store, province, s.id);
    for (const Unit* d : departments) {
      std::string theirs = trimmed(text_of(store, d->code, s.id));
      if (theirs.empty()) continue;
      NarrativeContribution c;
      c.section = s.id;
      c.department = d->code;
      c.accepted = report::counts_in_rollup(current_state(store, d->code), false);
      c.taken_in = own.find(theirs) != std::string::npos;
      c.text = std::move(theirs);
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::string take_in_text(const std::string& own, const std::string& theirs, bool replace) {
  const std::string text = trimmed(theirs);
  if (replace) return text + "\n";
  if (own.find(text) != std::string::npos) return own;
  const std::string kept = trimmed(own);
  return kept.empty() ? text + "\n" : kept + "\n\n" + text + "\n";
}

}  // namespace tongket::client
