// Loads the report template JSON and checks it thoroughly, so that a mistake in the data
// is refused at start with the file, the JSON pointer of the place and the problem.
#include "tongket/report_template.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tongket/error.hpp"
#include "tongket/file.hpp"

#include "template_reader.hpp"
#include "tongket/platform.hpp"

namespace tongket {

using nlohmann::json;
using template_detail::Reader;

std::string_view value_type_name(ValueType type) {
  switch (type) {
    case ValueType::count:
      return "count";
    case ValueType::percentage:
      return "percentage";
    case ValueType::flag:
      return "flag";
    case ValueType::ratio:
      return "ratio";
    case ValueType::text:
      return "text";
    case ValueType::heading:
      return "heading";
  }
  return "count";
}

namespace template_detail {
struct Data {
  std::string id;
  int version = 0;
  std::string title;
  std::string data_from;
  std::string data_to;
  std::vector<Period> periods;
  std::vector<Section> sections;
  std::vector<Appendix> appendices;
  std::vector<Indicator> indicators;
  std::vector<Goal> goals;
  std::vector<GoalResult> goal_results;
  std::vector<Table> tables;
  std::vector<Rule> rules;
  std::vector<LevelInfo> levels;
  std::vector<Department> departments;
  std::vector<Decision> decisions;

  std::map<std::string, std::size_t, std::less<>> indicator_at, section_at, goal_at, table_at,
      period_at, appendix_at, department_at;

  // Longest part of any department that `item` falls under, and the departments with it.
  std::vector<std::string> responsible_for(std::string_view item) const {
    std::size_t best = 0;
    std::vector<std::string> keys;
    for (const auto& d : departments) {
      std::size_t longest = 0;
      for (const auto& part : d.parts) {
        bool under = item == part || (item.size() > part.size() && item.starts_with(part) &&
                                      item[part.size()] == '.');
        if (under) longest = std::max(longest, part.size());
      }
      if (longest == 0) continue;
      if (longest > best) {
        best = longest;
        keys.clear();
      }
      if (longest == best) keys.push_back(d.key);
    }
    return keys;
  }
};
}  // namespace template_detail

struct ReportTemplate::Impl : template_detail::Data {};

namespace {

template <class T>
const T* find_in(const std::vector<T>& items,
                 const std::map<std::string, std::size_t, std::less<>>& at, std::string_view key) {
  auto it = at.find(key);
  return it == at.end() ? nullptr : &items[it->second];
}

bool contains(const std::vector<UnitLevel>& levels, UnitLevel level) {
  return std::find(levels.begin(), levels.end(), level) != levels.end();
}

bool is_numeric(ValueType t) {
  return t == ValueType::count || t == ValueType::percentage || t == ValueType::flag;
}

std::string level_list(const std::vector<UnitLevel>& levels) {
  std::string out;
  for (auto l : levels) {
    if (!out.empty()) out += ", ";
    out += template_detail::level_id(l);
  }
  return out;
}

// Builds the template from the parsed document; every check names its JSON pointer.
class Loader {
 public:
  Loader(const json& doc, std::string file) : r_(std::move(file)), doc_(doc) {}

  template_detail::Data load() {
    r_.object(doc_, "");
    r_.only_keys(doc_, "",
                 {"template", "version", "title", "source", "data_window", "levels", "periods",
                  "period_sets", "departments", "sections", "appendices", "indicators",
                  "goal_results", "goals", "tables", "rules", "decisions"});
    t_.id = r_.str(doc_, "", "template");
    const json& v = r_.member(doc_, "", "version");
    if (!v.is_number_integer() || v.get<long long>() < 1)
      r_.fail("/version", "must be a positive integer");
    t_.version = v.get<int>();
    t_.title = r_.str(doc_, "", "title");
    load_sources();
    load_window();
    load_levels();
    load_periods();
    load_sections();
    load_appendices();
    load_indicators();
    load_goals();
    load_tables();
    load_rules();
    load_departments();
    check_responsible();
    load_decisions();
    for (auto& ind : t_.indicators) ind.responsible = t_.responsible_for(ind.code);
    return std::move(t_);
  }

 private:
  Reader r_;
  const json& doc_;
  template_detail::Data t_;
  std::set<std::string> sources_;
  std::map<std::string, std::vector<std::string>> period_sets_;
  // Deferred checks of department keys: (path, key).
  std::vector<std::pair<std::string, std::string>> responsible_refs_;

  std::string at(const std::string& list, std::size_t i) {
    return "/" + list + "/" + std::to_string(i);
  }

  void check_id(const std::string& path, const std::string& id) {
    for (char c : id)
      if (c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '/')
        r_.fail(path,
                "\"" + id + "\" must not contain ':', '/' or spaces (it is part of field keys)");
  }

  void load_sources() {
    const json& arr = r_.array(doc_, "", "source");
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("source", i);
      r_.object(arr[i], p);
      r_.only_keys(arr[i], p, {"id", "title"});
      std::string id = r_.str(arr[i], p, "id");
      r_.str(arr[i], p, "title");
      if (!sources_.insert(id).second) r_.fail(p + "/id", "duplicate source id \"" + id + "\"");
    }
  }

  void load_window() {
    const json& w = r_.member(doc_, "", "data_window");
    r_.object(w, "/data_window");
    r_.only_keys(w, "/data_window", {"from", "to"});
    t_.data_from = r_.date(w, "/data_window", "from");
    t_.data_to = r_.date(w, "/data_window", "to");
    if (t_.data_from > t_.data_to)
      r_.fail("/data_window", "\"from\" " + t_.data_from + " is after \"to\" " + t_.data_to);
  }

  void load_levels() {
    const json& arr = r_.array(doc_, "", "levels");
    std::vector<std::optional<std::string>> reports(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("levels", i);
      r_.object(arr[i], p);
      r_.only_keys(arr[i], p, {"id", "name", "deadline", "reports_to", "submits_to"});
      LevelInfo info;
      info.level = r_.level(arr[i], p, "id");
      for (const auto& l : t_.levels)
        if (l.level == info.level) r_.fail(p + "/id", "level defined twice");
      info.name = r_.str(arr[i], p, "name");
      info.deadline = r_.date(arr[i], p, "deadline");
      info.submits_to = r_.str(arr[i], p, "submits_to", false);
      const json& rt = r_.member(arr[i], p, "reports_to");
      if (!rt.is_null()) {
        info.reports_to = r_.level(arr[i], p, "reports_to");
        if (*info.reports_to == info.level)
          r_.fail(p + "/reports_to", "a level cannot report to itself");
      }
      t_.levels.push_back(info);
    }
    for (auto l :
         {UnitLevel::commune, UnitLevel::district, UnitLevel::department, UnitLevel::province}) {
      bool found = std::any_of(t_.levels.begin(), t_.levels.end(),
                               [&](const LevelInfo& x) { return x.level == l; });
      if (!found)
        r_.fail("/levels",
                "level \"" + std::string(template_detail::level_id(l)) + "\" is missing");
    }
  }

  std::vector<UnitLevel> levels(const json& obj, const std::string& p, const char* key,
                                bool required = true) {
    std::vector<UnitLevel> out;
    if (!obj.contains(key)) {
      if (required) r_.fail(p, std::string("missing key \"") + key + "\"");
      return out;
    }
    const json& arr = obj.at(key);
    std::string lp = p + "/" + key;
    if (!arr.is_array() || arr.empty()) r_.fail(lp, "must be a non-empty array of levels");
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string ip = lp + "/" + std::to_string(i);
      if (!arr[i].is_string()) r_.fail(ip, "must be a string");
      auto l = template_detail::parse_level_id(arr[i].get<std::string>());
      if (!l)
        r_.fail(ip, "unknown level \"" + arr[i].get<std::string>() +
                        "\" (expected commune, district, department, province)");
      if (contains(out, *l)) r_.fail(ip, "level listed twice");
      out.push_back(*l);
    }
    return out;
  }

  void load_periods() {
    const json& arr = r_.array(doc_, "", "periods");
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("periods", i);
      r_.object(arr[i], p);
      r_.only_keys(arr[i], p, {"id", "label"});
      Period per{r_.str(arr[i], p, "id"), r_.str(arr[i], p, "label")};
      check_id(p + "/id", per.id);
      if (!t_.period_at.emplace(per.id, t_.periods.size()).second)
        r_.fail(p + "/id", "duplicate period \"" + per.id + "\"");
      t_.periods.push_back(per);
    }
    const json& sets = r_.member(doc_, "", "period_sets");
    r_.object(sets, "/period_sets");
    for (const auto& [name, list] : sets.items()) {
      std::string p = "/period_sets/" + name;
      period_sets_[name] = period_list(list, p);
    }
  }

  std::vector<std::string> period_list(const json& list, const std::string& p) {
    if (!list.is_array() || list.empty()) r_.fail(p, "must be a non-empty array of period ids");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string ip = p + "/" + std::to_string(i);
      if (!list[i].is_string()) r_.fail(ip, "must be a string");
      std::string id = list[i].get<std::string>();
      if (!t_.period_at.count(id)) r_.fail(ip, "unknown period \"" + id + "\"");
      if (std::find(out.begin(), out.end(), id) != out.end())
        r_.fail(ip, "period \"" + id + "\" listed twice");
      out.push_back(id);
    }
    return out;
  }

  void load_sections() {
    const json& arr = r_.array(doc_, "", "sections");
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("sections", i);
      const json& o = arr[i];
      r_.object(o, p);
      r_.only_keys(
          o, p, {"id", "parent", "number", "heading", "writable", "levels", "guidance", "source"});
      Section s;
      s.id = r_.str(o, p, "id");
      check_id(p + "/id", s.id);
      if (t_.section_at.count(s.id)) r_.fail(p + "/id", "duplicate section id \"" + s.id + "\"");
      s.parent = r_.str(o, p, "parent", false, true);
      s.number = r_.str(o, p, "number");
      s.heading = r_.str(o, p, "heading");
      s.writable = r_.boolean(o, p, "writable");
      s.levels = levels(o, p, "levels");
      s.guidance = r_.str_list(o, p, "guidance", false);
      s.source = r_.str(o, p, "source");
      if (!sources_.count(s.source)) r_.fail(p + "/source", "unknown source \"" + s.source + "\"");
      if (!s.parent.empty()) {
        const Section* parent = find_in(t_.sections, t_.section_at, s.parent);
        if (!parent)
          r_.fail(p + "/parent", "parent \"" + s.parent + "\" is not a section defined before it");
        for (auto l : s.levels)
          if (!contains(parent->levels, l))
            r_.fail(p + "/levels", "level \"" + std::string(template_detail::level_id(l)) +
                                       "\" is not a level of parent \"" + s.parent + "\"");
      }
      t_.section_at.emplace(s.id, t_.sections.size());
      t_.sections.push_back(std::move(s));
    }
  }

  void load_appendices() {
    const json& arr = r_.array(doc_, "", "appendices");
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("appendices", i);
      const json& o = arr[i];
      r_.object(o, p);
      r_.only_keys(o, p, {"id", "title", "levels", "responsible", "note"});
      Appendix a;
      a.id = r_.str(o, p, "id");
      check_id(p + "/id", a.id);
      if (t_.appendix_at.count(a.id)) r_.fail(p + "/id", "duplicate appendix \"" + a.id + "\"");
      a.title = r_.str(o, p, "title");
      a.levels = levels(o, p, "levels");
      a.responsible = r_.str_list(o, p, "responsible", false);
      defer_responsible(p + "/responsible", a.responsible);
      a.note = r_.str(o, p, "note", false);
      t_.appendix_at.emplace(a.id, t_.appendices.size());
      t_.appendices.push_back(std::move(a));
    }
  }

  void defer_responsible(const std::string& p, const std::vector<std::string>& keys) {
    for (std::size_t j = 0; j < keys.size(); ++j)
      responsible_refs_.emplace_back(p + "/" + std::to_string(j), keys[j]);
  }

  void load_indicators() {
    const json& arr = r_.array(doc_, "", "indicators");
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("indicators", i);
      paths.push_back(p);
      const json& o = arr[i];
      r_.object(o, p);
      r_.only_keys(o, p,
                   {"code", "appendix", "stt", "label", "parent", "type", "periods", "rollup",
                    "numerator", "denominator", "levels", "note"});
      Indicator ind;
      ind.code = r_.str(o, p, "code");
      check_id(p + "/code", ind.code);
      if (t_.indicator_at.count(ind.code))
        r_.fail(p + "/code", "duplicate indicator code \"" + ind.code + "\"");
      ind.appendix = r_.str(o, p, "appendix");
      const Appendix* app = find_in(t_.appendices, t_.appendix_at, ind.appendix);
      if (!app) r_.fail(p + "/appendix", "unknown appendix \"" + ind.appendix + "\"");
      if (!ind.code.starts_with(ind.appendix + "."))
        r_.fail(p + "/code", "code \"" + ind.code + "\" does not start with its appendix \"" +
                                 ind.appendix + ".\"");
      ind.stt = r_.str(o, p, "stt", true, true);
      ind.label = r_.str(o, p, "label");
      ind.parent = r_.str(o, p, "parent", false, true);
      ind.type = r_.value_type(o, p, "type");
      ind.rollup = r_.rollup(o, p, "rollup");
      check_rollup(p, ind);
      ind.levels = levels(o, p, "levels");
      for (auto l : ind.levels)
        if (!contains(app->levels, l))
          r_.fail(p + "/levels", "level \"" + std::string(template_detail::level_id(l)) +
                                     "\" is not a level of appendix " + app->id + " (" +
                                     level_list(app->levels) + ")");
      ind.note = r_.str(o, p, "note", false);
      load_periods_of(o, p, ind);
      if (!ind.parent.empty()) {
        const Indicator* parent = find_in(t_.indicators, t_.indicator_at, ind.parent);
        if (!parent)
          r_.fail(p + "/parent",
                  "parent \"" + ind.parent + "\" is not an indicator defined before it");
        if (parent->appendix != ind.appendix)
          r_.fail(p + "/parent", "parent \"" + ind.parent + "\" is in another appendix");
        for (auto l : ind.levels)
          if (!contains(parent->levels, l))
            r_.fail(p + "/levels", "level \"" + std::string(template_detail::level_id(l)) +
                                       "\" is not a level of parent \"" + ind.parent + "\"");
      }
      bool has_num = o.contains("numerator"), has_den = o.contains("denominator");
      if (ind.type == ValueType::ratio) {
        ind.numerator = r_.str(o, p, "numerator");
        ind.denominator = r_.str(o, p, "denominator");
      } else if (has_num || has_den) {
        r_.fail(p + (has_num ? "/numerator" : "/denominator"),
                "only a ratio indicator has a numerator and a denominator");
      }
      t_.indicator_at.emplace(ind.code, t_.indicators.size());
      t_.indicators.push_back(std::move(ind));
    }
    // Ratios name their counts, which come after them in the form's order.
    for (std::size_t i = 0; i < t_.indicators.size(); ++i) {
      const Indicator& ind = t_.indicators[i];
      if (ind.type != ValueType::ratio) continue;
      check_ratio_part(paths[i] + "/numerator", ind, ind.numerator);
      check_ratio_part(paths[i] + "/denominator", ind, ind.denominator);
      if (ind.numerator == ind.denominator)
        r_.fail(paths[i] + "/denominator", "numerator and denominator are the same indicator");
    }
  }

  void check_rollup(const std::string& p, const Indicator& ind) {
    bool ok = false;
    switch (ind.type) {
      case ValueType::count:
      case ValueType::flag:
        ok = ind.rollup != RollUp::ratio;
        break;
      case ValueType::ratio:
        ok = ind.rollup == RollUp::ratio;
        break;
      case ValueType::percentage:
      case ValueType::text:
      case ValueType::heading:
        ok = ind.rollup == RollUp::none;
        break;
    }
    if (!ok)
      r_.fail(p + "/rollup", "roll-up \"" + std::string(template_detail::rollup_id(ind.rollup)) +
                                 "\" does not fit a " + std::string(value_type_name(ind.type)) +
                                 " (a count or flag sums or has none, a ratio is recomputed from "
                                 "its counts, a percentage, text or heading has none)");
  }

  void load_periods_of(const json& o, const std::string& p, Indicator& ind) {
    if (ind.type == ValueType::heading) {
      if (o.contains("periods") && !(o["periods"].is_array() && o["periods"].empty()))
        r_.fail(p + "/periods", "a heading has no periods (it holds no value)");
      return;
    }
    const json& per = r_.member(o, p, "periods");
    if (per.is_string()) {
      auto it = period_sets_.find(per.get<std::string>());
      if (it == period_sets_.end())
        r_.fail(p + "/periods", "unknown period set \"" + per.get<std::string>() + "\"");
      ind.periods = it->second;
    } else {
      ind.periods = period_list(per, p + "/periods");
    }
  }

  void check_ratio_part(const std::string& p, const Indicator& ratio, const std::string& code) {
    const Indicator* part = find_in(t_.indicators, t_.indicator_at, code);
    if (!part) r_.fail(p, "unknown indicator \"" + code + "\"");
    if (part->type != ValueType::count)
      r_.fail(p, "\"" + code + "\" is a " + std::string(value_type_name(part->type)) +
                     "; a ratio is computed from two counts");
    for (const auto& per : ratio.periods)
      if (std::find(part->periods.begin(), part->periods.end(), per) == part->periods.end())
        r_.fail(p, "\"" + code + "\" lacks period \"" + per + "\" of the ratio");
    for (auto l : ratio.levels)
      if (!contains(part->levels, l))
        r_.fail(p, "\"" + code + "\" is not filled at level \"" +
                       std::string(template_detail::level_id(l)) + "\" where the ratio is");
  }

  void load_goals() {
    const json& res = r_.array(doc_, "", "goal_results");
    for (std::size_t i = 0; i < res.size(); ++i) {
      std::string p = at("goal_results", i);
      r_.object(res[i], p);
      r_.only_keys(res[i], p, {"id", "label"});
      GoalResult g{r_.str(res[i], p, "id"), r_.str(res[i], p, "label")};
      for (const auto& x : t_.goal_results)
        if (x.id == g.id) r_.fail(p + "/id", "duplicate result \"" + g.id + "\"");
      t_.goal_results.push_back(g);
    }
    const json& arr = r_.array(doc_, "", "goals");
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("goals", i);
      const json& o = arr[i];
      r_.object(o, p);
      r_.only_keys(o, p, {"id", "stt", "label", "responsible", "note"});
      Goal g;
      g.id = r_.str(o, p, "id");
      check_id(p + "/id", g.id);
      if (t_.goal_at.count(g.id) || t_.indicator_at.count(g.id))
        r_.fail(p + "/id", "duplicate id \"" + g.id + "\"");
      if (!t_.appendix_at.count(appendix_of(g.id)))
        r_.fail(p + "/id", "goal \"" + g.id + "\" does not start with an appendix id");
      g.stt = r_.str(o, p, "stt");
      g.label = r_.str(o, p, "label");
      g.responsible = r_.str_list(o, p, "responsible", false);
      defer_responsible(p + "/responsible", g.responsible);
      g.note = r_.str(o, p, "note", false);
      t_.goal_at.emplace(g.id, t_.goals.size());
      t_.goals.push_back(std::move(g));
    }
  }

  void load_tables() {
    const json& arr = r_.array(doc_, "", "tables");
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("tables", i);
      const json& o = arr[i];
      r_.object(o, p);
      r_.only_keys(o, p, {"id", "appendix", "title", "columns", "levels", "responsible", "note"});
      Table t;
      t.id = r_.str(o, p, "id");
      check_id(p + "/id", t.id);
      if (t_.table_at.count(t.id) || t_.indicator_at.count(t.id) || t_.goal_at.count(t.id))
        r_.fail(p + "/id", "duplicate id \"" + t.id + "\"");
      // A list the outline asks for without a form (award nominations, models) has none.
      t.appendix = r_.str(o, p, "appendix", false);
      if (!t.appendix.empty() && !t_.appendix_at.count(t.appendix))
        r_.fail(p + "/appendix", "unknown appendix \"" + t.appendix + "\"");
      t.title = r_.str(o, p, "title");
      t.levels = levels(o, p, "levels");
      t.responsible = r_.str_list(o, p, "responsible", false);
      defer_responsible(p + "/responsible", t.responsible);
      t.note = r_.str(o, p, "note", false);
      const json& cols = r_.array(o, p, "columns");
      if (cols.empty()) r_.fail(p + "/columns", "a table needs at least one column");
      for (std::size_t j = 0; j < cols.size(); ++j) {
        std::string cp = p + "/columns/" + std::to_string(j);
        r_.object(cols[j], cp);
        r_.only_keys(cols[j], cp, {"id", "label", "type"});
        TableColumn c;
        c.id = r_.str(cols[j], cp, "id");
        c.label = r_.str(cols[j], cp, "label");
        c.type = r_.value_type(cols[j], cp, "type");
        if (c.type == ValueType::ratio || c.type == ValueType::heading)
          r_.fail(cp + "/type", "a column is a count, percentage, flag or text");
        for (const auto& x : t.columns)
          if (x.id == c.id) r_.fail(cp + "/id", "duplicate column \"" + c.id + "\"");
        t.columns.push_back(std::move(c));
      }
      t_.table_at.emplace(t.id, t_.tables.size());
      t_.tables.push_back(std::move(t));
    }
  }

  const Indicator* numeric_indicator(const std::string& p, const std::string& code) {
    const Indicator* ind = find_in(t_.indicators, t_.indicator_at, code);
    if (!ind) r_.fail(p, "unknown indicator \"" + code + "\"");
    if (!is_numeric(ind->type))
      r_.fail(p, "\"" + code + "\" is a " + std::string(value_type_name(ind->type)) +
                     "; rules compare counts, percentages or flags");
    return ind;
  }

  void load_rules() {
    const json& arr = r_.array(doc_, "", "rules");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("rules", i);
      const json& o = arr[i];
      r_.object(o, p);
      r_.only_keys(o, p,
                   {"id", "kind", "left", "right", "parts", "partial", "severity", "message"});
      Rule rule;
      rule.id = r_.str(o, p, "id");
      if (!ids.insert(rule.id).second) r_.fail(p + "/id", "duplicate rule \"" + rule.id + "\"");
      std::string kind = r_.str(o, p, "kind");
      if (kind == "part_le_whole")
        rule.kind = Rule::Kind::part_le_whole;
      else if (kind == "children_sum")
        rule.kind = Rule::Kind::children_sum;
      else
        r_.fail(p + "/kind",
                "unknown rule kind \"" + kind + "\" (expected part_le_whole, children_sum)");
      rule.left = r_.str(o, p, "left");
      const Indicator* left = numeric_indicator(p + "/left", rule.left);
      std::string sev = r_.str(o, p, "severity");
      if (sev == "error")
        rule.severity = Severity::error;
      else if (sev == "warning")
        rule.severity = Severity::warning;
      else
        r_.fail(p + "/severity", "unknown severity \"" + sev + "\" (expected error, warning)");
      rule.message = r_.str(o, p, "message");
      if (rule.kind == Rule::Kind::part_le_whole) {
        if (o.contains("parts") || o.contains("partial"))
          r_.fail(p, "\"parts\" and \"partial\" belong to a children_sum rule");
        rule.right = r_.str(o, p, "right");
        const Indicator* right = numeric_indicator(p + "/right", rule.right);
        if (right == left) r_.fail(p + "/right", "a rule compares two different indicators");
        bool shared = std::any_of(left->periods.begin(), left->periods.end(), [&](auto& per) {
          return std::find(right->periods.begin(), right->periods.end(), per) !=
                 right->periods.end();
        });
        if (!shared)
          r_.fail(p + "/right",
                  "\"" + rule.right + "\" shares no period with \"" + rule.left + "\"");
      } else {
        if (o.contains("right")) r_.fail(p + "/right", "a children_sum rule has no \"right\"");
        rule.parts = r_.str_list(o, p, "parts", false);
        if (o.contains("partial")) rule.partial = r_.boolean(o, p, "partial");
        for (std::size_t j = 0; j < rule.parts.size(); ++j) {
          std::string pp = p + "/parts/" + std::to_string(j);
          const Indicator* part = numeric_indicator(pp, rule.parts[j]);
          if (part->parent != rule.left)
            r_.fail(pp, "\"" + rule.parts[j] + "\" is not a child of \"" + rule.left + "\"");
        }
        if (rule.parts.empty()) {
          bool any = false;
          for (const auto& ind : t_.indicators)
            if (ind.parent == rule.left && is_numeric(ind.type)) any = true;
          if (!any) r_.fail(p + "/left", "\"" + rule.left + "\" has no children holding a number");
        }
      }
      t_.rules.push_back(std::move(rule));
    }
  }

  static std::string appendix_of(const std::string& id) { return id.substr(0, id.find('.')); }

  void load_departments() {
    const json& arr = r_.array(doc_, "", "departments");
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("departments", i);
      const json& o = arr[i];
      r_.object(o, p);
      r_.only_keys(o, p, {"key", "name", "parts"});
      Department d;
      d.key = r_.str(o, p, "key");
      check_id(p + "/key", d.key);
      if (t_.department_at.count(d.key))
        r_.fail(p + "/key", "duplicate department \"" + d.key + "\"");
      d.name = r_.str(o, p, "name");
      d.parts = r_.str_list(o, p, "parts");
      for (std::size_t j = 0; j < d.parts.size(); ++j) {
        const std::string& part = d.parts[j];
        if (!known_item(part))
          r_.fail(p + "/parts/" + std::to_string(j),
                  "\"" + part + "\" is not an appendix, indicator, goal, table or section");
      }
      t_.department_at.emplace(d.key, t_.departments.size());
      t_.departments.push_back(std::move(d));
    }
  }

  bool known_item(const std::string& id) const {
    return t_.appendix_at.count(id) || t_.indicator_at.count(id) || t_.goal_at.count(id) ||
           t_.table_at.count(id) || t_.section_at.count(id);
  }

  void check_responsible() {
    for (const auto& [p, key] : responsible_refs_)
      if (!t_.department_at.count(key)) r_.fail(p, "unknown department \"" + key + "\"");
  }

  void load_decisions() {
    const json& arr = r_.array(doc_, "", "decisions");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < arr.size(); ++i) {
      std::string p = at("decisions", i);
      const json& o = arr[i];
      r_.object(o, p);
      r_.only_keys(o, p, {"id", "kind", "about", "text"});
      Decision d;
      d.id = r_.str(o, p, "id");
      if (!ids.insert(d.id).second) r_.fail(p + "/id", "duplicate decision \"" + d.id + "\"");
      d.kind = r_.str(o, p, "kind");
      if (d.kind != "page_break" && d.kind != "interpretation" && d.kind != "as_printed")
        r_.fail(p + "/kind", "unknown decision kind \"" + d.kind +
                                 "\" (expected page_break, interpretation, as_printed)");
      d.about = r_.str_list(o, p, "about", false);  // empty for a decision about the whole form
      for (std::size_t j = 0; j < d.about.size(); ++j) {
        const std::string& a = d.about[j];
        if (!known_item(a) && !t_.department_at.count(a) && !t_.period_at.count(a))
          r_.fail(p + "/about/" + std::to_string(j),
                  "\"" + a + "\" is not defined in the template");
      }
      d.text = r_.str(o, p, "text");
      t_.decisions.push_back(std::move(d));
    }
  }
};

}  // namespace

ReportTemplate ReportTemplate::parse(const std::string& json_text, const std::string& file_name) {
  json doc = template_detail::parse_json(json_text, file_name);
  ReportTemplate t;
  static_cast<template_detail::Data&>(*t.impl_) = Loader(doc, file_name).load();
  return t;
}

ReportTemplate ReportTemplate::load(const std::filesystem::path& file) {
  return parse(read_file(file, "the report template"), platform::path_to_utf8(file));
}

ReportTemplate::ReportTemplate() : impl_(std::make_unique<Impl>()) {}
ReportTemplate::~ReportTemplate() = default;
ReportTemplate::ReportTemplate(ReportTemplate&&) noexcept = default;
ReportTemplate& ReportTemplate::operator=(ReportTemplate&&) noexcept = default;

const std::string& ReportTemplate::id() const {
  return impl_->id;
}
int ReportTemplate::version() const {
  return impl_->version;
}
const std::string& ReportTemplate::title() const {
  return impl_->title;
}
const std::string& ReportTemplate::data_from() const {
  return impl_->data_from;
}
const std::string& ReportTemplate::data_to() const {
  return impl_->data_to;
}
const std::vector<Period>& ReportTemplate::periods() const {
  return impl_->periods;
}
const std::vector<Section>& ReportTemplate::sections() const {
  return impl_->sections;
}
const std::vector<Appendix>& ReportTemplate::appendices() const {
  return impl_->appendices;
}
const std::vector<Indicator>& ReportTemplate::indicators() const {
  return impl_->indicators;
}
const std::vector<Goal>& ReportTemplate::goals() const {
  return impl_->goals;
}
const std::vector<Table>& ReportTemplate::tables() const {
  return impl_->tables;
}
const std::vector<Rule>& ReportTemplate::rules() const {
  return impl_->rules;
}
const std::vector<LevelInfo>& ReportTemplate::levels() const {
  return impl_->levels;
}
const std::vector<Department>& ReportTemplate::departments() const {
  return impl_->departments;
}
const std::vector<Decision>& ReportTemplate::decisions() const {
  return impl_->decisions;
}
const std::vector<GoalResult>& ReportTemplate::goal_results() const {
  return impl_->goal_results;
}

const Indicator* ReportTemplate::indicator(std::string_view code) const {
  return find_in(impl_->indicators, impl_->indicator_at, code);
}
const Section* ReportTemplate::section(std::string_view id) const {
  return find_in(impl_->sections, impl_->section_at, id);
}
const Goal* ReportTemplate::goal(std::string_view id) const {
  return find_in(impl_->goals, impl_->goal_at, id);
}
const Table* ReportTemplate::table(std::string_view id) const {
  return find_in(impl_->tables, impl_->table_at, id);
}
const Period* ReportTemplate::period(std::string_view id) const {
  return find_in(impl_->periods, impl_->period_at, id);
}
const Appendix* ReportTemplate::appendix(std::string_view id) const {
  return find_in(impl_->appendices, impl_->appendix_at, id);
}
const Department* ReportTemplate::department(std::string_view key) const {
  return find_in(impl_->departments, impl_->department_at, key);
}

const LevelInfo* ReportTemplate::level(UnitLevel level) const {
  for (const auto& l : impl_->levels)
    if (l.level == level) return &l;
  return nullptr;
}

std::vector<const Indicator*> ReportTemplate::indicators_of(std::string_view appendix) const {
  std::vector<const Indicator*> out;
  for (const auto& ind : impl_->indicators)
    if (ind.appendix == appendix) out.push_back(&ind);
  return out;
}

std::vector<const Indicator*> ReportTemplate::children_of(std::string_view code) const {
  std::vector<const Indicator*> out;
  for (const auto& ind : impl_->indicators)
    if (ind.parent == code) out.push_back(&ind);
  return out;
}

std::vector<std::string> ReportTemplate::responsible_for(std::string_view item) const {
  return impl_->responsible_for(item);
}

bool ReportTemplate::department_answers(std::string_view key, std::string_view item) const {
  // A department the template does not name (one of the province's other "sở, ban, ngành" an
  // administrator added) writes the narrative sections from its own field, and no appendix
  // figures or goals: those are the named departments' (issue 10).
  if (!department(key)) return section(item) != nullptr;
  auto keys = impl_->responsible_for(item);
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool ReportTemplate::level_fills(UnitLevel lv, std::string_view item) const {
  if (const auto* ind = indicator(item)) return contains(ind->levels, lv);
  if (const auto* s = section(item)) return contains(s->levels, lv);
  if (const auto* t = table(item)) return contains(t->levels, lv);
  if (const auto* g = goal(item)) {
    const auto* app = appendix(g->id.substr(0, g->id.find('.')));
    return app && contains(app->levels, lv);
  }
  return false;
}

}  // namespace tongket
