// The conflict rule (docs/protocol.md "Conflict rules"): pure, deterministic, no clocks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/field.hpp"

namespace tongket::sync {

// One accepted write of the field, as the server's history holds it.
struct AcceptedWrite {
  std::uint64_t version = 0;  // server log sequence number
  std::string device;
  nlohmann::json value;
};

struct ConflictInput {
  FieldKind kind = FieldKind::value;
  std::string device;                            // the incoming operation's device
  nlohmann::json incoming;                       // the incoming operation's value
  std::uint64_t base = 0;                        // the incoming operation's base version
  std::vector<AcceptedWrite> writes_after_base;  // accepted writes with version > base
  nlohmann::json base_value;  // the field's value at version `base` (null if base = 0)
  nlohmann::json current;     // the field's current value (null if never written)
};

struct Decision {
  enum class Outcome {
    apply,          // not concurrent (or same value): incoming becomes current
    merge_applied,  // concurrent text, clean merge: the merge becomes current
    conflict,       // concurrent: current stays, incoming goes to a conflict record
  };
  Outcome outcome = Outcome::apply;
  nlohmann::json value_to_store_as_current;  // incoming, merged text, or unchanged current
};

const char* outcome_name(Decision::Outcome o);

Decision decide(const ConflictInput& in);

}  // namespace tongket::sync
