// The conflict rule (docs/protocol.md "Conflict rules"): pure, deterministic, no clocks.
#pragma once

#include <cstdint>
#include <optional>
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

// The details of a "conflict" pull event (its `x`), written by the server and read by the
// clients: one struct for both sides (docs/protocol.md, "Pull"). The incoming value, device,
// author and HLC are the event's own v, dev, a, t.
struct ConflictDetails {
  std::uint64_t id = 0;  // "conflict": the conflict id (the event's seq)
  std::uint64_t current_version = 0;
  nlohmann::json current_value;
  std::string current_device;
  std::string current_author;
  std::uint64_t current_hlc = 0;  // since 1.2; 0 from an older server
  std::int64_t current_ms = 0;    // server receipt times, ms since 1970; since 1.2, 0 = unknown
  std::int64_t incoming_ms = 0;
  bool operator==(const ConflictDetails&) const = default;
};
nlohmann::json conflict_extra(const ConflictDetails& d);
// Lenient for members added later (absent = 0); nullopt when "conflict" is missing.
std::optional<ConflictDetails> conflict_details(const nlohmann::json& extra);

}  // namespace tongket::sync
