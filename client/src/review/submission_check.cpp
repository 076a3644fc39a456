#include "review/submission_check.hpp"

#include "review/review_log.hpp"

namespace tongket::client {

namespace {

constexpr std::size_t kListed = 12;

std::string listed(const std::vector<std::string>& items) {
  std::string s;
  for (std::size_t i = 0; i < items.size() && i < kListed; ++i) s += (i ? ", " : "") + items[i];
  if (items.size() > kListed) s += " … (" + std::to_string(items.size() - kListed) + " nữa)";
  return s;
}

bool fills(const ReportTemplate& tpl, UnitLevel level, const std::string& key,
           const std::string& item) {
  return tpl.level_fills(level, item) && (key.empty() || tpl.department_answers(key, item));
}

bool holds_numbers(ValueType t) {
  return t == ValueType::count || t == ValueType::percentage || t == ValueType::flag;
}

}  // namespace

std::vector<std::string> submission_gaps(const ReportTemplate& tpl, const Hierarchy& hierarchy,
                                         ClientStore& store, const std::string& unit,
                                         UnitLevel level, const std::string& department_key) {
  std::vector<std::string> out;
  if (report_fields(store, unit).empty())
    out.push_back("báo cáo trống: chưa có số liệu, nội dung nào");
  std::vector<std::string> rows, sections;
  for (const Indicator& ind : tpl.indicators()) {
    if (!holds_numbers(ind.type) || !fills(tpl, level, department_key, ind.code)) continue;
    bool any = false;
    for (const auto& p : ind.periods) {
      auto v = store.get_field(unit, FieldKey::value(ind.code, p));
      any = any || (v && !v->is_null());
    }
    if (!any) rows.push_back(ind.code);
  }
  for (const Section& s : tpl.sections()) {
    if (!s.writable || !fills(tpl, level, department_key, s.id)) continue;
    auto v = store.get_field(unit, FieldKey::text(s.id));
    if (!v || !v->is_string() ||
        v->get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)
      sections.push_back(s.id);
  }
  if (!rows.empty())
    out.push_back(std::to_string(rows.size()) + " chỉ tiêu chưa có số liệu: " + listed(rows));
  if (!sections.empty())
    out.push_back(std::to_string(sections.size()) + " mục chưa viết: " + listed(sections));
  if (level == UnitLevel::district || level == UnitLevel::province) {
    std::vector<std::string> pending;
    for (const Unit* c : hierarchy.children(unit)) {
      const auto state = current_state(store, c->code);
      if (state != sync::ReviewState::accepted && state != sync::ReviewState::finalised)
        pending.push_back(c->code + " " + c->name + " (" +
                          std::string(sync::review_state_name(state)) + ")");
    }
    if (!pending.empty())
      out.push_back(std::to_string(pending.size()) +
                    " đơn vị chưa được chấp nhận báo cáo: " + listed(pending));
  }
  return out;
}

}  // namespace tongket::client
