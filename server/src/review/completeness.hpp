// Where the units reporting to a district or province stand in the review round, from the
// server's review records: per unit its state and submission, and how many submitted, were
// accepted, were late, are missing (the same counting as the client's `tongket completeness`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tongket/server/store.hpp"

namespace tongket::server::review {

struct UnitStanding {
  UnitInfo unit;
  std::string state = "draft";            // the latest transition's state
  std::optional<ReviewEntry> submission;  // the latest submit (or finalise)
  std::optional<ReviewEntry> latest;      // the latest transition of any kind
  bool late = false;                      // by its first submission, as judged on receipt
  std::optional<ReviewEntry> first;       // the first submit (or finalise): the one judged
  int submissions = 0;
};

struct Tally {
  std::vector<UnitStanding> units;
  int submitted = 0;  // waiting for review
  int accepted = 0;
  int returned = 0;
  int late = 0;
  std::vector<UnitInfo> missing;  // never submitted
};

// The units whose parent is `parent` (communes of a district; districts and departments of
// a province).
Tally tally_children(Store& store, const std::string& parent);

}  // namespace tongket::server::review
