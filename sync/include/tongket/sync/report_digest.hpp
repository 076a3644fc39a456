// The digest a submission or an acceptance signs: SHA-256 over a canonical serialisation of
// the unit's report data, so that anyone can later prove which figures were submitted or
// accepted and see any edit made after. Client and server both use this one function.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace tongket::sync {

// Whether a field key is report data (v:, t:, g:, r:), as opposed to the workflow's w:report.
bool is_report_field(std::string_view key);

// Lower-case hex SHA-256 of the bytes of the JSON array [[key, value], ...] (nlohmann's dump(),
// no spaces) of every report field (is_report_field) whose value is not null, sorted by key.
// The order and any non-report or null entries of `fields` do not matter.
std::string report_digest(const std::vector<std::pair<std::string, nlohmann::json>>& fields);

}  // namespace tongket::sync
