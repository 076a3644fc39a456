#include "tongket/report/csv.hpp"

#include "tongket/csv.hpp"

#include "tongket/number_format.hpp"
#include "tongket/report/format.hpp"
#include "tongket/report/layout.hpp"

namespace tongket::report {

namespace {

// As a user would type it, so the client's import reads it back unchanged.
std::string typed(ValueType type, const nlohmann::json& value) {
  auto n = number_of(value);
  if (!n || type == ValueType::text) {
    return value.is_string() ? value.get<std::string>() : value.dump();
  }
  // Without thousands grouping: "1234", "45,5".
  std::string s = type == ValueType::percentage ? vi_number(*n, 6) : format_count(*n);
  std::erase(s, '.');
  return s;
}

}  // namespace

void write_csv(const ReportData& data, std::ostream& out) {
  out << "indicator,period,value\r\n";
  for (const Indicator& ind : data.tpl.indicators()) {
    if (ind.type == ValueType::heading || ind.type == ValueType::ratio) continue;
    if (!applies_to(ind.levels, data.level) || !data.holds(ind.code)) continue;
    for (const std::string& period : ind.periods) {
      auto v = data.value_of(ind.code, period);
      if (!v) continue;
      out << csv_field(ind.code) << ',' << csv_field(period) << ','
          << csv_field(typed(ind.type, *v)) << "\r\n";
    }
  }
  // A rolled-up export says what it covers, after the values (a re-import is of own values).
  if (!data.coverage.empty()) {
    out << "coverage,," << csv_field(data.coverage) << "\r\n";
    for (const auto& name : data.missing) out << "missing,," << csv_field(name) << "\r\n";
    for (const auto& [appendix, lines] : data.notes)
      for (const auto& line : lines)
        out << "source," << csv_field(appendix) << ',' << csv_field(line) << "\r\n";
  }
}

}  // namespace tongket::report
