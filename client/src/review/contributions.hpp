// The departments' narrative contributions to their province's report: what each department
// wrote in a section the province also writes, whether its report counts (accepted), and
// whether the province has taken it in. Taking in copies the department's text into the
// province's own section (an ordinary edit: synced, signed, audited, and exported).
#pragma once

#include <string>
#include <vector>

#include "tongket/client_store.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"

namespace tongket::client {

struct NarrativeContribution {
  std::string section;     // section id
  std::string department;  // unit code "72-STP"
  std::string text;        // the department's text
  bool accepted = false;   // its report was accepted
  bool taken_in = false;   // the province's text already holds it
};

// Every department text below `province` for the sections `province` writes (only
// `section` when not empty), in template order, then by department.
std::vector<NarrativeContribution> narrative_contributions(const ReportTemplate& tpl,
                                                           const Hierarchy& hierarchy,
                                                           ClientStore& store,
                                                           const std::string& province,
                                                           const std::string& section);

// The province's text after taking in `theirs`: appended after a blank line (or instead,
// with `replace`); unchanged when it already holds it.
std::string take_in_text(const std::string& own, const std::string& theirs, bool replace);

}  // namespace tongket::client
