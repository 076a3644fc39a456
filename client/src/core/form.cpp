// What this unit fills (parts, with progress) and an appendix laid out as the official form.
#include <algorithm>

#include "core/workspace_impl.hpp"
#include "review/review_log.hpp"
#include "tongket/error.hpp"
#include "tongket/sync/workflow.hpp"

namespace tongket::client {

namespace {

bool filled(const std::optional<nlohmann::json>& v) {
  return v && !v->is_null() && !(v->is_string() && v->get<std::string>().empty());
}

int depth_of_section(const ReportTemplate& tpl, const Section& s) {
  int depth = 0;
  for (const Section* p = tpl.section(s.parent); p; p = tpl.section(p->parent)) ++depth;
  return depth;
}

int depth_of_indicator(const ReportTemplate& tpl, const Indicator& ind) {
  int depth = 0;
  for (const Indicator* p = tpl.indicator(ind.parent); p; p = tpl.indicator(p->parent)) ++depth;
  return depth;
}

// Who fills a row this unit does not: the levels, and the departments.
std::string filled_by(Workspace::Impl& d, const Indicator& ind) {
  std::string out;
  for (auto lvl : ind.levels)
    if (const auto* info = d.tpl.level(lvl)) out += (out.empty() ? "" : ", ") + info->name;
  for (const auto& k : ind.responsible)
    if (const auto* dep = d.tpl.department(k)) out += (out.empty() ? "" : ", ") + dep->name;
  return out;
}

FormColumn column_of(const Period& p) {
  FormColumn c{p.id, p.label, {}};
  if (auto open = p.label.find(" ("); open != std::string::npos && p.label.back() == ')') {
    c.label = p.label.substr(0, open);
    c.note = p.label.substr(open + 2, p.label.size() - open - 3);
  }
  return c;
}

}  // namespace

std::vector<PartInfo> Workspace::parts() {
  auto& d = *impl_;
  const auto lvl = d.level();
  const auto dept = d.department_key();
  auto answers = [&](std::string_view item) {
    return dept.empty() || d.tpl.department_answers(dept, item);
  };
  std::vector<PartInfo> out;
  // A heading is shown when one of the writable sections under it is.
  std::vector<const Section*> shown;
  for (const auto& sec : d.tpl.sections()) {
    if (!has_level(sec.levels, lvl) || !sec.writable || !answers(sec.id)) continue;
    std::vector<const Section*> chain;
    for (const Section* p = d.tpl.section(sec.parent); p; p = d.tpl.section(p->parent))
      chain.push_back(p);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
      if (std::find(shown.begin(), shown.end(), *it) == shown.end()) shown.push_back(*it);
    shown.push_back(&sec);
  }
  for (const auto* sec : shown) {
    PartInfo p{sec->id,       "section", sec->number, sec->heading, depth_of_section(d.tpl, *sec),
               sec->writable, {}};
    if (sec->writable)
      p.progress = {filled(d.store.get_field(d.unit(), FieldKey::text(sec->id))) ? 1 : 0, 1};
    out.push_back(std::move(p));
  }
  for (const auto& app : d.tpl.appendices()) {
    if (!has_level(app.levels, lvl)) continue;
    PartInfo p{app.id, app.id == "PL8" ? "goals" : "appendix", "", app.title, 0, true, {}};
    for (const auto* ind : d.tpl.indicators_of(app.id)) {
      if (!has_level(ind->levels, lvl) || ind->periods.empty() || !answers(ind->code)) continue;
      if (ind->type == ValueType::ratio || ind->type == ValueType::heading) continue;
      for (const auto& per : ind->periods) {
        ++p.progress.total;
        if (filled(d.store.get_field(d.unit(), FieldKey::value(ind->code, per))))
          ++p.progress.filled;
      }
    }
    for (const auto& g : d.tpl.goals()) {
      if (!g.id.starts_with(app.id + ".") || !answers(g.id)) continue;
      ++p.progress.total;
      if (filled(d.store.get_field(d.unit(), FieldKey::assessment(g.id)))) ++p.progress.filled;
    }
    if (p.progress.total == 0) continue;
    out.push_back(std::move(p));
  }
  for (const auto& t : d.tpl.tables()) {
    if (!has_level(t.levels, lvl)) continue;
    const bool everyones = t.appendix.empty() && t.responsible.empty();
    if (!everyones && !answers(t.id)) continue;
    PartInfo p{t.id, "table", "", t.title, 0, true, {}};
    for (const auto& f : d.store.fields(d.unit(), FieldKind::row, t.id + ":"))
      if (f.key.item == t.id && !f.value.is_null()) ++p.progress.filled;
    p.progress.total = p.progress.filled;
    out.push_back(std::move(p));
  }
  return out;
}

Form Workspace::form(const std::string& appendix_id) {
  auto& d = *impl_;
  std::string id = appendix_id;
  for (auto& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Appendix* app = d.tpl.appendix(id);
  if (!app) {
    std::string ids;
    for (const auto& a : d.tpl.appendices()) ids += (ids.empty() ? "" : ", ") + a.id;
    throw Error(Errc::not_found, d.msg("form.unknown_appendix", {appendix_id, ids}));
  }
  const auto lvl = d.level();
  if (!has_level(app->levels, lvl))
    throw Error(Errc::invalid_argument,
                d.msg("form.not_filled", {app->id, std::string(level_name(lvl))}));
  const auto dept = d.department_key();
  auto answers = [&](std::string_view item) {
    return dept.empty() || d.tpl.department_answers(dept, item);
  };
  Form f;
  f.appendix = app->id;
  f.title = app->title;
  try {
    d.check_unlocked(d.unit());
  } catch (const Error& e) {
    f.locked = true;
    f.lock_reason = e.what();
  }
  std::vector<std::string> periods;
  for (const auto* ind : d.tpl.indicators_of(app->id))
    for (const auto& p : ind->periods)
      if (std::find(periods.begin(), periods.end(), p) == periods.end()) periods.push_back(p);
  for (const auto& p : d.tpl.periods())
    if (std::find(periods.begin(), periods.end(), p.id) != periods.end())
      f.columns.push_back(column_of(p));
  auto stored = [&](const std::string& code, const std::string& period) {
    return d.store.get_field(d.unit(), FieldKey::value(code, period)).value_or(nullptr);
  };
  for (const auto* ind : d.tpl.indicators_of(app->id)) {
    FormRow row;
    row.code = ind->code;
    row.stt = ind->stt;
    row.label = ind->label;
    row.type = std::string(value_type_name(ind->type));
    row.depth = depth_of_indicator(d.tpl, *ind);
    row.hint = ind->note;
    row.fills = has_level(ind->levels, lvl) && (ind->periods.empty() || answers(ind->code));
    if (!row.fills) row.filled_by = filled_by(d, *ind);
    row.numerator = ind->numerator;
    row.denominator = ind->denominator;
    for (const auto& col : f.columns) {
      FormCell cell;
      cell.period = col.period;
      cell.name = ind->code + "@" + col.period;
      cell.present =
          std::find(ind->periods.begin(), ind->periods.end(), col.period) != ind->periods.end();
      if (cell.present) {
        nlohmann::json v;
        if (ind->type == ValueType::ratio) {
          auto num = stored(ind->numerator, col.period), den = stored(ind->denominator, col.period);
          if (num.is_number() && den.is_number() && den.get<double>() != 0)
            v = num.get<double>() * 100.0 / den.get<double>();
        } else {
          v = stored(ind->code, col.period);
        }
        if (v.is_number()) cell.number = v.get<double>();
        cell.text = shown_value(v, ind->type == ValueType::ratio);
        cell.editable = row.fills && !f.locked && ind->type != ValueType::ratio &&
                        ind->type != ValueType::heading;
      }
      row.cells.push_back(std::move(cell));
    }
    f.rows.push_back(std::move(row));
  }
  f.problems = d.validate_stored(d.unit(), lvl);
  return f;
}

FormRow Workspace::row(const std::string& indicator) {
  const Indicator& ind = impl_->find_indicator(indicator);
  for (auto& r : form(ind.appendix).rows)
    if (r.code == ind.code) return r;
  throw Error(Errc::internal, "row " + ind.code + " missing from its form");
}

}  // namespace tongket::client
