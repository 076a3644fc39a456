#include "ui/json_views.hpp"

namespace tongket::ui {

using nlohmann::json;

json to_json(const client::UnitChoice& u) {
  return {{"code", u.code}, {"name", u.name}, {"description", u.description}, {"level", u.level}};
}

json to_json(const client::UnitInfo& u) {
  return {{"code", u.code},
          {"name", u.name},
          {"level", u.level},
          {"level_label", u.level_label},
          {"author", u.author},
          {"department", u.department},
          {"is_store_unit", u.is_store_unit}};
}

json to_json(const client::PartInfo& p) {
  return {{"id", p.id},
          {"kind", p.kind},
          {"number", p.number},
          {"title", p.title},
          {"depth", p.depth},
          {"writable", p.writable},
          {"filled", p.progress.filled},
          {"total", p.progress.total}};
}

json to_json(const client::Problem& p) {
  return {{"field", p.field}, {"label", p.label}, {"period", p.period},
          {"rule", p.rule},   {"error", p.error}, {"message", p.message}};
}

json to_json(const std::vector<client::Problem>& problems) {
  json out = json::array();
  for (const auto& p : problems) out.push_back(to_json(p));
  return out;
}

namespace {

json cell_json(const client::FormCell& c) {
  json out = {{"period", c.period},     {"name", c.name}, {"present", c.present},
              {"editable", c.editable}, {"text", c.text}, {"missing", c.missing}};
  out["number"] = c.number ? json(*c.number) : json(nullptr);
  return out;
}

json row_json(const client::FormRow& r) {
  json cells = json::array();
  for (const auto& c : r.cells) cells.push_back(cell_json(c));
  return {{"code", r.code},
          {"stt", r.stt},
          {"label", r.label},
          {"type", r.type},
          {"depth", r.depth},
          {"hint", r.hint},
          {"fills", r.fills},
          {"filled_by", r.filled_by},
          {"numerator", r.numerator},
          {"denominator", r.denominator},
          {"cells", cells}};
}

}  // namespace

json to_json(const client::Form& f) {
  json columns = json::array(), rows = json::array();
  for (const auto& c : f.columns)
    columns.push_back({{"period", c.period}, {"label", c.label}, {"note", c.note}});
  for (const auto& r : f.rows) rows.push_back(row_json(r));
  return {{"appendix", f.appendix},
          {"title", f.title},
          {"columns", columns},
          {"rows", rows},
          {"problems", to_json(f.problems)},
          {"locked", f.locked},
          {"lock_reason", f.lock_reason}};
}

json to_json(const client::SaveResult& r) {
  return {{"changed", r.changed}, {"unchanged", r.unchanged}, {"problems", to_json(r.problems)}};
}

json to_json(const client::Coverage& c) {
  return {{"counted", c.counted}, {"total", c.total}, {"line", c.line}, {"missing", c.missing}};
}

json to_json(const client::Contribution& c) {
  return {{"section", c.section},
          {"heading", c.heading},
          {"own_text", c.own_text},
          {"department", c.department},
          {"department_name", c.department_name},
          {"text", c.text},
          {"accepted", c.accepted},
          {"taken_in", c.taken_in}};
}

json to_json(const client::DocumentPart& d) {
  return {{"name", d.name}, {"label", d.label}, {"value", d.value}};
}

json to_json(const client::SectionText& s) {
  return {{"id", s.id},           {"number", s.number},
          {"heading", s.heading}, {"guidance", s.guidance},
          {"text", s.text},       {"editable", s.editable}};
}

json to_json(const client::GoalRow& g) {
  return {{"id", g.id},
          {"stt", g.stt},
          {"label", g.label},
          {"result", g.result},
          {"result_label", g.result_label},
          {"note", g.note},
          {"editable", g.editable}};
}

json to_json(const client::Completeness& c) {
  return {{"errors", to_json(c.errors)}, {"warnings", to_json(c.warnings)}};
}

json to_json(const client::ReviewEntry& e) {
  json out = {{"action", e.action}, {"state", e.state},     {"author", e.author},
              {"time", e.time},     {"comment", e.comment}, {"override_reason", e.override_reason},
              {"synced", e.synced}};
  out["on_time"] = e.on_time ? json(*e.on_time) : json(nullptr);
  return out;
}

json to_json(const client::SyncReport& r) {
  json refused = json::array();
  for (const auto& x : r.refused)
    refused.push_back({{"change_set", x.change_set}, {"op", x.op}, {"reason", x.reason}});
  return {{"ok", r.ok},
          {"cancelled", r.cancelled},
          {"error", r.error},
          {"sent", r.sent},
          {"applied", r.applied},
          {"duplicates", r.duplicates},
          {"requeued", r.requeued},
          {"pulled", r.pulled},
          {"refused", refused},
          {"refused_kept", r.refused_kept},
          {"conflicts", r.conflicts},
          {"attempts", r.attempts}};
}

json to_json(const client::Status& s) {
  json refused = json::array();
  for (const auto& r : s.refused)
    refused.push_back({{"op", r.op},
                       {"unit", r.unit},
                       {"field", r.field},
                       {"label", r.label},
                       {"value", r.value},
                       {"reason", r.reason}});
  json out = {{"unit", to_json(s.unit)},
              {"device", s.device},
              {"role", s.role},
              {"server", s.server},
              {"report_state", s.report_state},
              {"report_state_label", s.report_state_label},
              {"reviewer_comment", s.reviewer_comment},
              {"deadline", s.deadline},
              {"last_sync", s.last_sync},
              {"last_error", s.last_error},
              {"unsent", s.unsent},
              {"waiting_for_server", s.waiting_for_server},
              {"open_conflicts", s.open_conflicts},
              {"refused", refused},
              {"waiting_for_review", s.waiting_for_review}};
  out["days_left"] = s.days_left ? json(*s.days_left) : json(nullptr);
  return out;
}

json to_json(const client::Conflict& c) {
  return {
      {"id", c.id},
      {"unit", c.unit},
      {"field", c.field},
      {"label", c.label},
      {"state", c.state},
      {"current",
       {{"value", c.current_value}, {"author", c.current_author}, {"device", c.current_device}}},
      {"other",
       {{"value", c.other_value}, {"author", c.other_author}, {"device", c.other_device}}}};
}

json list_json(const std::vector<client::ListColumn>& columns,
               const std::vector<client::ListRow>& rows) {
  json cols = json::array(), out_rows = json::array();
  for (const auto& c : columns)
    cols.push_back({{"id", c.id}, {"label", c.label}, {"type", c.type}});
  for (const auto& r : rows) {
    json cells = json::object();
    for (const auto& [id, text] : r.cells) cells[id] = text;
    out_rows.push_back({{"id", r.id}, {"cells", cells}, {"unit", r.unit}});
  }
  return {{"columns", cols}, {"rows", out_rows}};
}

json error_json(const Error& e) {
  json out = {{"code", std::string(errc_name(e.code()))}, {"message", e.what()}};
  if (auto* refused = dynamic_cast<const client::CellsRefused*>(&e))
    out["problems"] = to_json(refused->problems());
  return out;
}

int http_status(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
    case Errc::invalid_data:
    case Errc::validation_failed:
      return 422;
    case Errc::not_found:
      return 404;
    case Errc::locked:
    case Errc::conflict:
      return 409;
    case Errc::too_large:
      return 413;
    case Errc::network:
    case Errc::tls:
    case Errc::unavailable:
    case Errc::protocol:
      return 502;
    case Errc::unauthorized:
    case Errc::forbidden:
      return 403;
    default:
      return 500;
  }
}

// ---- the reviewer's pages ----

json to_json(const client::UnitReview& u) {
  return {
      {"unit", to_json(u.unit)},         {"state", u.state},         {"state_label", u.state_label},
      {"deadline", u.deadline},          {"late", u.late},           {"last_action", u.last_action},
      {"last_author", u.last_author},    {"last_time", u.last_time}, {"comment", u.comment},
      {"reviewed_here", u.reviewed_here}};
}

json to_json(const client::Tally& t) {
  return {{"title", t.title},       {"expected", t.expected}, {"submitted", t.submitted},
          {"accepted", t.accepted}, {"returned", t.returned}, {"late", t.late},
          {"missing", t.missing}};
}

json to_json(const client::FieldValue& v) {
  return {{"field", v.field}, {"label", v.label}, {"value", v.value}, {"before", v.before}};
}

json to_json(const client::Changes& c) {
  json rows = json::array();
  for (const auto& r : c.rows) rows.push_back(to_json(r));
  return {{"known", c.known}, {"action", c.action}, {"state", c.state},
          {"time", c.time},   {"rows", rows},       {"digest_matches", c.digest_matches}};
}

namespace {

json number_or_null(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

json to_json(const client::DrillDown& d) {
  json contributions = json::array();
  for (const auto& c : d.contributions)
    contributions.push_back({{"unit", c.unit},
                             {"name", c.name},
                             {"value", number_or_null(c.value)},
                             {"denominator", number_or_null(c.denominator)}});
  return {{"indicator", d.indicator},
          {"label", d.label},
          {"period", d.period},
          {"type", d.type},
          {"value", number_or_null(d.value)},
          {"numerator", number_or_null(d.numerator)},
          {"denominator", number_or_null(d.denominator)},
          {"contributions", contributions},
          {"missing", d.missing}};
}

}  // namespace tongket::ui
