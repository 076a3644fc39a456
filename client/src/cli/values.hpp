// Reading a unit's indicator values for display, shared by get, show, validate and export.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/context.hpp"

namespace tongket::cli {

// The indicator, or Error(not_found) naming it.
const Indicator& find_indicator(const ReportTemplate& tpl, const std::string& code);

// What a cell shows: the stored value, or for a ratio the percentage computed from its two
// counts; null when empty.
nlohmann::json cell_value(Context& ctx, const Indicator& ind, const std::string& period);

}  // namespace tongket::cli
