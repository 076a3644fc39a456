// The Workspace's plain structs as the JSON the web app reads (docs/ui-api.md), and the
// error body {code, message[, problems]}.
#pragma once

#include <nlohmann/json.hpp>

#include "tongket/workspace.hpp"

namespace tongket::ui {

nlohmann::json to_json(const client::UnitChoice& u);
nlohmann::json to_json(const client::UnitInfo& u);
nlohmann::json to_json(const client::PartInfo& p);
nlohmann::json to_json(const client::Problem& p);
nlohmann::json to_json(const std::vector<client::Problem>& problems);
nlohmann::json to_json(const client::Form& f);
nlohmann::json to_json(const client::SaveResult& r);
nlohmann::json to_json(const client::SectionText& s);
nlohmann::json to_json(const client::GoalRow& g);
nlohmann::json to_json(const client::Completeness& c);
nlohmann::json to_json(const client::ReviewEntry& e);
nlohmann::json to_json(const client::SyncReport& r);
nlohmann::json to_json(const client::Status& s);
nlohmann::json to_json(const client::Conflict& c);
nlohmann::json to_json(const client::UnitReview& u);
nlohmann::json to_json(const client::Tally& t);
nlohmann::json to_json(const client::FieldValue& v);
nlohmann::json to_json(const client::Changes& c);
nlohmann::json to_json(const client::DrillDown& d);
nlohmann::json to_json(const client::Coverage& c);
nlohmann::json to_json(const client::Contribution& c);
nlohmann::json to_json(const client::DocumentPart& d);
nlohmann::json list_json(const std::vector<client::ListColumn>& columns,
                         const std::vector<client::ListRow>& rows);

// {code, message} for an Error; with `problems` for CellsRefused.
nlohmann::json error_json(const Error& e);
// The HTTP status for an error's code.
int http_status(Errc code);

}  // namespace tongket::ui
