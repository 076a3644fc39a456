#include "cli/values.hpp"

#include "tongket/error.hpp"

namespace tongket::cli {

const Indicator& find_indicator(const ReportTemplate& tpl, const std::string& code) {
  if (const Indicator* ind = tpl.indicator(code)) return *ind;
  std::string hint;
  if (auto dot = code.find('.'); dot != std::string::npos && tpl.appendix(code.substr(0, dot))) {
    hint = " (see tongket show " + code.substr(0, dot) + " for the codes)";
  } else {
    hint = " (codes look like PL1.4; see tongket parts and tongket show PL1)";
  }
  throw Error(Errc::not_found, "unknown indicator \"" + code + "\"" + hint);
}

nlohmann::json cell_value(Context& ctx, const Indicator& ind, const std::string& period) {
  auto& s = ctx.store();
  if (ind.type != ValueType::ratio) {
    return s.get_field(ctx.unit(), FieldKey::value(ind.code, period)).value_or(nullptr);
  }
  auto num = s.get_field(ctx.unit(), FieldKey::value(ind.numerator, period));
  auto den = s.get_field(ctx.unit(), FieldKey::value(ind.denominator, period));
  if (!num || !den || !num->is_number() || !den->is_number() || den->get<double>() == 0)
    return nullptr;
  return num->get<double>() * 100.0 / den->get<double>();
}

}  // namespace tongket::cli
