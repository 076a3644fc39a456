// tongket assess <goal> dat|khong_dat [--note TEXT]: an appendix 8 goal's result.
#include <ostream>

#include "cli/commands.hpp"
#include "tongket/error.hpp"

namespace tongket::cli {

int cmd_assess(Context& ctx) {
  const auto& tpl = ctx.report_template();
  const auto key = FieldKey::assessment(ctx.operands()[0]);
  ctx.check_writable(key, nullptr);
  // "dat", "Đạt", "khong_dat", "không đạt", "Không Đạt" all name a result.
  std::string typed = fold_vietnamese(ctx.operands()[1]);
  for (char& c : typed)
    if (c == ' ' || c == '-') c = '_';
  const GoalResult* result = nullptr;
  std::string choices;
  for (const auto& r : tpl.goal_results()) {
    if (typed == r.id || typed == fold_vietnamese(r.label)) result = &r;
    choices += (choices.empty() ? "" : " or ") + r.id + " (" + r.label + ")";
  }
  if (!result) {
    throw Error(Errc::invalid_argument,
                key.str() + ": \"" + ctx.operands()[1] + "\" is not a result; use " + choices);
  }
  nlohmann::json value = {{"result", result->id}};
  if (auto note = ctx.args().value("note"); note && !note->empty()) value["note"] = *note;
  ctx.check_writable(key, value);
  auto& s = ctx.store();
  if (s.get_field(ctx.unit(), key).value_or(nullptr) == value) {
    ctx.out << key.item << ": " << result->label << " (unchanged)\n";
    return 0;
  }
  ctx.write(key, value);
  ctx.out << key.item << ": " << result->label << "\n";
  return 0;
}

}  // namespace tongket::cli
