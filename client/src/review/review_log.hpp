// The review workflow as this store knows it: transitions pulled from the server (table
// review) and this device's own ones still on their way (outbox operations on "w:report").
// The state a store shows is the latest of these; edits check it to refuse a locked report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/client_store.hpp"
#include "tongket/sync/messages.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::store {
class Database;
}

namespace tongket::client {

struct ReviewRecord {
  std::string unit;
  sync::ReviewAction action = sync::ReviewAction::submit;
  sync::ReviewState state = sync::ReviewState::draft;
  std::string data_hash, comment, override_reason;
  std::string device, author;
  std::uint64_t hlc = 0;             // the signed time
  std::optional<std::uint64_t> seq;  // server log seq; nullopt: made here, not pulled yet
  std::string local_state;           // outbox state of a local one ("pending", "packed", ...)
  nlohmann::json extra;              // the server's judgement (on_time, deadline, ...), if any
  nlohmann::json snapshot;           // {key: value} of the data it covers, as pulled; or null
};

// The transition that set `unit`'s current state; nullopt = draft (nothing yet).
std::optional<ReviewRecord> current_review(ClientStore& store, const std::string& unit);
sync::ReviewState current_state(ClientStore& store, const std::string& unit);
// Every known transition of `unit`, oldest first (pulled ones, then this device's unsent ones).
std::vector<ReviewRecord> review_history(ClientStore& store, const std::string& unit);
// Units with a pulled or local transition, for lists (pending, completeness).
std::vector<std::string> reviewed_units(ClientStore& store);

// The unit's report data as this store holds it now: every non-null v/t/g/r field.
std::vector<std::pair<std::string, nlohmann::json>> report_fields(ClientStore& store,
                                                                  const std::string& unit);

// Called by StoreReplica::apply_page, inside its transaction, for each pulled event: records
// a transition carried by a "review" event, or by a "value" event on "w:report" (a server
// that does not know the workflow yet), with a snapshot of the unit's server values so far.
void apply_review_event(store::Database& db, const sync::PullEvent& event);

// Whether a pulled event carries a transition.
bool is_review_event(const sync::PullEvent& event);

}  // namespace tongket::client
