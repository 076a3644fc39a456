// What a submission would send up incomplete: the rows and sections this unit fills but left
// empty, an empty report, and for a district or province the units reporting to it whose
// reports are not accepted yet. Each is a warning: submitting over it needs a reason, kept
// with the submission (docs/protocol.md, "Review").
#pragma once

#include <string>
#include <vector>

#include "tongket/client_store.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"

namespace tongket::client {

// One line per kind of gap (Vietnamese, listing the first items), empty when none.
// `department_key` is the unit's department key ("" for other levels).
std::vector<std::string> submission_gaps(const ReportTemplate& tpl, const Hierarchy& hierarchy,
                                         ClientStore& store, const std::string& unit,
                                         UnitLevel level, const std::string& department_key);

}  // namespace tongket::client
