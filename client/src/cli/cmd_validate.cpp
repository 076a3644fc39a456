// tongket validate: every rule of the template on this unit's stored values.
#include <map>
#include <ostream>

#include "cli/commands.hpp"
#include "tongket/error.hpp"
#include "tongket/validation.hpp"

namespace tongket::cli {

int cmd_validate(Context& ctx) {
  const auto& tpl = ctx.report_template();
  auto& s = ctx.store();
  std::map<std::pair<std::string, std::string>, double> numbers;
  std::size_t count = 0;
  for (const auto& f : s.fields(ctx.unit(), FieldKind::value)) {
    if (f.value.is_null()) continue;
    ++count;
    if (f.value.is_number()) numbers[{f.key.item, f.key.detail}] = f.value.get<double>();
  }
  auto lookup = [&](const std::string& indicator,
                    const std::string& period) -> std::optional<double> {
    auto it = numbers.find({indicator, period});
    if (it == numbers.end()) return std::nullopt;
    return it->second;
  };
  const auto violations = validate_values(tpl, ctx.level(), lookup);
  std::size_t errors = 0, warnings = 0;
  for (const auto& v : violations) {
    bool error = v.severity == Severity::error;
    (error ? errors : warnings)++;
    ctx.out << (error ? "error" : "warning") << ": " << v.indicator << " \"" << v.label << "\", "
            << v.period << ": " << v.message << " [rule " << v.rule << "]\n";
  }
  if (violations.empty()) {
    ctx.out << "No problems in " << count << " stored values.\n";
    return 0;
  }
  ctx.out << errors << " error(s), " << warnings << " warning(s) in " << count
          << " stored values.\n";
  if (errors == 0) return 0;
  ctx.err << "tongket: validation failed: " << errors << " error(s)\n";
  return exit_code(Errc::validation_failed);
}

}  // namespace tongket::cli
