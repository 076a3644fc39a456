// How the CLI shows a cell: plain numbers (12, 45.5) in English, as scripts read them; the
// form's text (45,5) in Vietnamese.
#pragma once

#include <string>

#include "cli/context.hpp"

namespace tongket::cli {

std::string cell_text(const Context& ctx, const client::FormCell& cell);
// A value as typed back by `set` in English ("45.5"), or as shown in Vietnamese ("45,5").
std::string change_text(const Context& ctx, const std::string& shown);

// "error: PL1.4 "label", 2016: message [rule R]", in the context's language.
void print_problem(Context& ctx, const client::Problem& p);

}  // namespace tongket::cli
