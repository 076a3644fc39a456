// The deadline in force for a unit as the client knows it, the server's rule: the deadline an
// administrator set for its level (a "deadline" event, protocol 1.3, pulled by every device),
// else the template's. A server before 1.3 sends no such event: then the deadline it judged
// the unit's latest transition against (in the "review" event) stands for it. Whichever the
// server sent last wins. status, submit, completeness and the reviewer's lists use it, and the
// same rule for a resubmission after a return as the server (judged by the first submission).
#pragma once

#include <optional>
#include <string>

#include "tongket/client_store.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"

namespace tongket::client {

// The deadline of every unit of `level`: the server's setting, else the template's; "" when
// neither has one.
std::string deadline_of_level(const ReportTemplate& tpl, ClientStore& store, UnitLevel level);

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC+7); "" when none is known.
std::string deadline_in_force(const ReportTemplate& tpl, ClientStore& store,
                              const std::string& unit, UnitLevel level);

struct Judgement {
  bool resubmission = false;  // judged by the first submission
  bool late = false;
};

// How a submission signed at `signed_ms` is judged: by itself, or for a resubmission after a
// return by the first submission. nullopt when there is no deadline.
std::optional<Judgement> judge_submission(ClientStore& store, const std::string& unit,
                                          const std::string& deadline, std::uint64_t signed_ms);

}  // namespace tongket::client
