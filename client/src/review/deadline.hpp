// The deadline in force for this unit as the client knows it: the one the server judged the
// unit's latest transition against (an administrator's override travels in each judged
// "review" event), else the template's for its level. status and submit both use it, and the
// same rule for a resubmission after a return as the server (judged by the first submission).
#pragma once

#include <optional>
#include <string>

#include "tongket/client_store.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"

namespace tongket::client {

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
