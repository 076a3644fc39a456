#include "cli/values.hpp"

#include "tongket/number_format.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli/display.hpp"

namespace tongket::cli {

std::string cell_text(const Context& ctx, const client::FormCell& cell) {
  if (ctx.language() == client::Language::vi || !cell.number) return cell.text;
  return number_text(*cell.number);
}

std::string change_text(const Context& ctx, const std::string& shown) {
  if (ctx.language() == client::Language::vi) return shown;
  // The core shows a decimal comma; a number has no other comma.
  const bool number = !shown.empty() && std::all_of(shown.begin(), shown.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == ',' || c == '-';
  });
  std::string out = shown;
  if (number) std::replace(out.begin(), out.end(), ',', '.');
  return out;
}

}  // namespace tongket::cli
