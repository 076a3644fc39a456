// tongket set <indicator> <period> <value> / get <indicator> [period].
#include <algorithm>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "cli/values.hpp"
#include "tongket/error.hpp"
#include "tongket/validation.hpp"

namespace tongket::cli {

int cmd_set(Context& ctx) {
  const auto& tpl = ctx.report_template();
  const auto& ops = ctx.operands();
  const Indicator& ind = find_indicator(tpl, ops[0]);
  const auto key = FieldKey::value(ind.code, ops[1]);
  ctx.check_writable(key, nullptr);  // the indicator, its period and this unit's level
  const auto value = parse_user_value(ind, ops[2]);
  ctx.check_writable(key, value);
  auto& s = ctx.store();
  const auto before = s.get_field(ctx.unit(), key).value_or(nullptr);
  if (before == value) {
    ctx.out << ind.code << " " << key.detail << " = " << format_value(value) << " (unchanged)\n";
    return 0;
  }
  ctx.write(key, value);
  ctx.out << ind.code << " " << key.detail << " = "
          << (value.is_null() ? "(empty)" : format_value(value));
  if (!before.is_null()) ctx.out << " (was " << format_value(before) << ")";
  ctx.out << "\n";
  return 0;
}

int cmd_get(Context& ctx) {
  const auto& tpl = ctx.report_template();
  const auto& ops = ctx.operands();
  const Indicator& ind = find_indicator(tpl, ops[0]);
  if (ops.size() == 2) {
    const auto key = FieldKey::value(ind.code, ops[1]);
    if (ind.type != ValueType::ratio) {
      check_field(tpl, ctx.level(), key, nullptr);
    } else if (std::find(ind.periods.begin(), ind.periods.end(), key.detail) == ind.periods.end()) {
      throw Error(Errc::invalid_argument,
                  key.str() + ": " + ind.code + " has no period \"" + key.detail + "\"");
    }
    ctx.out << format_value(cell_value(ctx, ind, ops[1])) << "\n";
    return 0;
  }
  ctx.out << ind.code << " " << ind.label << "\n";
  for (const auto& period : ind.periods) {
    ctx.out << "  " << period << "\t" << format_value(cell_value(ctx, ind, period)) << "\n";
  }
  return 0;
}

}  // namespace tongket::cli
