// Proof of what was submitted and accepted: for each submission, acceptance or finalisation
// of a unit, the digest of the unit's data as of that version (recomputed from the history)
// against the signed data_hash, and the signature of the change set that carried it; then
// what changed since the last acceptance; and for each submission the on-time/late judgement,
// recomputed (a judgement changed in the store after receipt is reported).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/server/store.hpp"

namespace tongket::server::review {

struct CheckedTransition {
  HistoryEntry write;       // the w:report write
  std::string action;       // "submit", "accept", "finalise"
  std::string signed_hash;  // its data_hash
  std::string recomputed;   // report_digest of the data as of its version
  bool digest_ok = false;
  bool signature_ok = false;  // hash, signature and the operation as stored
  // A submission or finalisation: the on-time/late judgement recorded on receipt, recomputed
  // from the signed time, the audit log's receipt times and the deadline recorded with it.
  std::optional<bool> recorded_on_time, recomputed_on_time;
  bool timeliness_ok = true;
  std::string problem;  // why not, for the reader
};

struct FieldChange {
  std::string key;
  nlohmann::json before;  // null: not there
  nlohmann::json after;   // null: cleared
};

struct Verification {
  std::vector<CheckedTransition> transitions;
  // Since the last acceptance (or, if none, the last submission or finalisation).
  std::optional<CheckedTransition> baseline;
  std::vector<FieldChange> changes;
  // The report is locked (submitted, accepted, finalised) yet its data differs from what
  // that transition signed: only a change outside the protocol can do that.
  bool changed_while_locked = false;
  bool ok() const;
};

// Throws Error(not_found) for an unknown unit.
Verification verify_unit(Store& store, const std::string& unit);

}  // namespace tongket::server::review
