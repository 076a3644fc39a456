// What a user may type and store for each field of the template, and the template's rules
// between one unit's values.
#include "tongket/validation.hpp"

#include "tongket/number_format.hpp"

#include "tongket/document_fields.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "template_reader.hpp"
#include "tongket/error.hpp"

namespace tongket {

using nlohmann::json;

namespace {

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

[[noreturn]] void bad(const std::string& message) {
  throw Error(Errc::invalid_argument, message);
}

// "12", "45,5" or "45.5" -> its value; nullopt when it is not a plain decimal number.
std::optional<double> decimal(std::string_view s) {
  std::string t(s);
  std::size_t seps = 0;
  for (char& c : t) {
    if (c == ',') c = '.';
    if (c == '.') ++seps;
  }
  if (seps > 1 || t.empty() || t.front() == '.' || t.back() == '.') return std::nullopt;
  for (char c : t)
    if (c != '.' && (c < '0' || c > '9')) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
  return v;
}

json parse_count(std::string_view s, const std::string& where) {
  if (s.starts_with('-') && decimal(s.substr(1)))
    bad(where + std::string(s) + ": a count cannot be negative");
  if (s.starts_with('+')) s.remove_prefix(1);
  if (!all_digits(s)) {
    if (decimal(s))
      bad(where + std::string(s) +
          ": a count is a whole number (no decimal point or thousands separator)");
    bad(where + std::string(s) + ": not a number");
  }
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) bad(where + std::string(s) + ": too large");
  return v;
}

json parse_percentage(std::string_view s, const std::string& where) {
  std::string_view original = s;
  if (s.ends_with('%')) s = trim(s.substr(0, s.size() - 1));
  bool negative = s.starts_with('-');
  auto v = decimal(negative ? s.substr(1) : s);
  if (!v) bad(where + std::string(original) + ": not a percentage (e.g. 45,5 or 45.5%)");
  if (negative && *v != 0) bad(where + std::string(original) + ": a percentage cannot be negative");
  if (*v > 100) bad(where + number_text(*v) + " is over 100%");
  return *v;
}

json parse_flag(std::string_view s, const std::string& where) {
  static constexpr std::string_view yes[] = {"1", "có", "Có", "CÓ", "co", "Co", "CO"};
  static constexpr std::string_view no[] = {"0",     "không", "Không", "KHÔNG",
                                            "khong", "Khong", "KHONG"};
  for (auto y : yes)
    if (s == y) return 1;
  for (auto n : no)
    if (s == n) return 0;
  bad(where + std::string(s) + ": a yes/no field is 1 (có) or 0 (không)");
}

std::string where_of(const Indicator& ind) {
  return ind.code + ": ";
}

std::string levels_text(const std::vector<UnitLevel>& levels) {
  std::string out;
  for (auto l : levels)
    out += (out.empty() ? "" : ", ") + std::string(template_detail::level_id(l));
  return out;
}

bool fills(const std::vector<UnitLevel>& levels, UnitLevel level) {
  return std::find(levels.begin(), levels.end(), level) != levels.end();
}

void require_level(const std::vector<UnitLevel>& levels, UnitLevel level, const std::string& what) {
  if (!fills(levels, level))
    bad(what + " is not filled by a " + std::string(template_detail::level_id(level)) +
        " (filled by: " + levels_text(levels) + ")");
}

// A stored value of type `type`; null is not passed here.
void check_typed(ValueType type, const json& v, const std::string& where) {
  switch (type) {
    case ValueType::count: {
      bool integral = v.is_number_integer() ||
                      (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
      if (!v.is_number() || !integral)
        bad(where + ": a count must be a whole number, not " + v.dump());
      if (v.get<double>() < 0) bad(where + ": a count cannot be negative (" + v.dump() + ")");
      return;
    }
    case ValueType::percentage: {
      if (!v.is_number()) bad(where + ": a percentage must be a number, not " + v.dump());
      double d = v.get<double>();
      if (d < 0) bad(where + ": a percentage cannot be negative (" + v.dump() + ")");
      if (d > 100) bad(where + ": " + number_text(d) + " is over 100%");
      return;
    }
    case ValueType::flag:
      if (!v.is_number_integer() || (v.get<long long>() != 0 && v.get<long long>() != 1))
        bad(where + ": a yes/no field is 1 or 0, not " + v.dump());
      return;
    case ValueType::text:
      if (!v.is_string()) bad(where + ": must be text, not " + v.dump());
      return;
    case ValueType::ratio:
    case ValueType::heading:
      bad(where + ": holds no value of its own");
  }
}

void check_value(const ReportTemplate& tpl, UnitLevel level, const FieldKey& key, const json& v) {
  const Indicator* ind = tpl.indicator(key.item);
  if (!ind) throw Error(Errc::not_found, key.str() + ": unknown indicator \"" + key.item + "\"");
  std::string name = ind->code + " " + ind->label;
  if (ind->type == ValueType::heading)
    bad(key.str() + ": " + name + " is a heading and holds no value");
  if (ind->type == ValueType::ratio)
    bad(key.str() + ": " + name + " is computed from " + ind->denominator + " and " +
        ind->numerator + "; enter those two counts");
  require_level(ind->levels, level, key.str() + ": " + ind->code);
  if (!tpl.period(key.detail))
    throw Error(Errc::not_found, key.str() + ": unknown period \"" + key.detail + "\"");
  if (std::find(ind->periods.begin(), ind->periods.end(), key.detail) == ind->periods.end()) {
    std::string list;
    for (const auto& p : ind->periods) list += (list.empty() ? "" : ", ") + p;
    bad(key.str() + ": " + ind->code + " has no period \"" + key.detail +
        "\" (its periods: " + list + ")");
  }
  if (v.is_null()) return;
  check_typed(ind->type, v, key.str());
}

void check_text(const ReportTemplate& tpl, UnitLevel level, const FieldKey& key, const json& v) {
  if (is_document_field(key.item)) {  // the document frame: every level, plain text
    if (!v.is_null() && !v.is_string()) bad(key.str() + ": must be text");
    return;
  }
  const Section* s = tpl.section(key.item);
  if (!s) throw Error(Errc::not_found, key.str() + ": unknown section \"" + key.item + "\"");
  if (!s->writable)
    bad(key.str() + ": \"" + s->number + " " + s->heading +
        "\" only groups the sections under it; write in those");
  require_level(s->levels, level, key.str() + ": section " + s->id);
  if (!v.is_null() && !v.is_string()) bad(key.str() + ": a section's text must be a string");
}

void check_assessment(const ReportTemplate& tpl, UnitLevel level, const FieldKey& key,
                      const json& v) {
  const Goal* g = tpl.goal(key.item);
  if (!g) throw Error(Errc::not_found, key.str() + ": unknown goal \"" + key.item + "\"");
  if (!tpl.level_fills(level, g->id))
    bad(key.str() + ": goal " + g->id + " is not assessed by a " +
        std::string(template_detail::level_id(level)));
  if (v.is_null()) return;
  if (!v.is_object()) bad(key.str() + ": an assessment is {\"result\": ..., \"note\": ...}");
  std::string results;
  for (const auto& r : tpl.goal_results()) results += (results.empty() ? "" : ", ") + r.id;
  for (const auto& [k, val] : v.items()) {
    if (k == "result") {
      bool known = val.is_string() &&
                   std::any_of(tpl.goal_results().begin(), tpl.goal_results().end(),
                               [&](const auto& r) { return r.id == val.get<std::string>(); });
      if (!known) bad(key.str() + ": result " + val.dump() + " is not one of " + results);
    } else if (k == "note") {
      if (!val.is_null() && !val.is_string()) bad(key.str() + ": the note must be text");
    } else {
      bad(key.str() + ": unknown key \"" + k + "\" (expected result, note)");
    }
  }
  if (!v.contains("result")) bad(key.str() + ": missing \"result\" (" + results + ")");
}

void check_row(const ReportTemplate& tpl, UnitLevel level, const FieldKey& key, const json& v) {
  const Table* t = tpl.table(key.item);
  if (!t) throw Error(Errc::not_found, key.str() + ": unknown table \"" + key.item + "\"");
  require_level(t->levels, level, key.str() + ": table " + t->id);
  if (key.detail.empty()) bad(key.str() + ": a row needs an id");
  if (v.is_null()) return;
  if (!v.is_object()) bad(key.str() + ": a row is an object of its columns");
  for (const auto& [k, val] : v.items()) {
    auto col = std::find_if(t->columns.begin(), t->columns.end(),
                            [&](const TableColumn& c) { return c.id == k; });
    if (col == t->columns.end()) {
      std::string list;
      for (const auto& c : t->columns) list += (list.empty() ? "" : ", ") + c.id;
      bad(key.str() + ": unknown column \"" + k + "\" (expected " + list + ")");
    }
    if (!val.is_null()) check_typed(col->type, val, key.str() + "/" + k);
  }
}

Violation make(const Rule& rule, const Indicator& ind, const std::string& period,
               std::string message) {
  Violation v;
  v.rule = rule.id;
  v.severity = rule.severity;
  v.indicator = ind.code;
  v.label = ind.label;
  v.period = period;
  v.message = std::move(message);
  if (!rule.message.empty()) v.message += ": " + rule.message;
  return v;
}

void range_check(const Indicator& ind, const std::string& period, double v,
                 std::vector<Violation>& out) {
  std::string what;
  std::string rule = "range";
  std::string name = ind.code + " " + ind.label + " (" + period + ") = " + number_text(v);
  switch (ind.type) {
    case ValueType::count:
      if (v < 0)
        what = name + ": a count cannot be negative";
      else if (std::floor(v) != v) {
        what = name + ": a count is a whole number";
        rule = "type";
      }
      break;
    case ValueType::percentage:
      if (v < 0)
        what = name + ": a percentage cannot be negative";
      else if (v > 100)
        what = name + " is over 100%";
      break;
    case ValueType::flag:
      if (v != 0 && v != 1) what = name + ": a yes/no field is 1 or 0";
      break;
    default:
      break;
  }
  if (what.empty()) return;
  out.push_back({rule, Severity::error, ind.code, ind.label, period, what});
}

}  // namespace

json parse_user_value(const Indicator& indicator, std::string_view text) {
  std::string where = where_of(indicator);
  std::string_view s = trim(text);
  switch (indicator.type) {
    case ValueType::heading:
      bad(where + "a heading holds no value");
    case ValueType::ratio:
      bad(where + "the ratio is computed; enter " + indicator.denominator + " and " +
          indicator.numerator);
    case ValueType::text: {
      json j = std::string(text);
      try {
        (void)j.dump();  // refuses text that is not UTF-8
      } catch (const json::type_error&) {
        bad(where + "the text is not valid UTF-8");
      }
      return text.empty() ? json(nullptr) : j;
    }
    default:
      break;
  }
  if (s.empty()) return nullptr;  // clears the value
  switch (indicator.type) {
    case ValueType::count:
      return parse_count(s, where);
    case ValueType::percentage:
      return parse_percentage(s, where);
    case ValueType::flag:
      return parse_flag(s, where);
    default:
      return nullptr;
  }
}

namespace {

// A workflow transition: {"action", "data_hash"?, "comment"?, "override"?}. Who may make it
// and from which state is the workflow's check (server and client), not the template's.
void check_review(const FieldKey& key, const json& value) {
  const std::string where = key.str();
  if (!value.is_object()) {
    throw Error(Errc::invalid_argument, where + ": a review transition must be an object");
  }
  for (const auto& [name, item] : value.items()) {
    if (name != "action" && name != "data_hash" && name != "comment" && name != "override")
      throw Error(Errc::invalid_argument, where + ": unknown key \"" + name + "\"");
    if (!item.is_string())
      throw Error(Errc::invalid_argument, where + ": \"" + name + "\" must be text");
  }
  const std::string action = value.value("action", "");
  if (action != "submit" && action != "accept" && action != "return" && action != "finalise") {
    throw Error(
        Errc::invalid_argument,
        where + ": action must be submit, accept, return or finalise, not \"" + action + "\"");
  }
  const std::string hash = value.value("data_hash", "");
  if (action != "return" &&
      (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos)) {
    throw Error(Errc::invalid_argument,
                where + ": " + action +
                    " needs data_hash, the SHA-256 (64 hex digits) of the data it covers");
  }
}

}  // namespace

void check_field(const ReportTemplate& tpl, UnitLevel level, const FieldKey& key,
                 const json& value) {
  switch (key.kind) {
    case FieldKind::value:
      return check_value(tpl, level, key, value);
    case FieldKind::text:
      return check_text(tpl, level, key, value);
    case FieldKind::assessment:
      return check_assessment(tpl, level, key, value);
    case FieldKind::row:
      return check_row(tpl, level, key, value);
    case FieldKind::review:
      return check_review(key, value);
  }
}

std::vector<Violation> validate_values(const ReportTemplate& tpl, UnitLevel level,
                                       const ValueLookup& lookup) {
  std::vector<Violation> out;
  for (const auto& ind : tpl.indicators()) {
    if (ind.type != ValueType::count && ind.type != ValueType::percentage &&
        ind.type != ValueType::flag)
      continue;
    for (const auto& p : ind.periods)
      if (auto v = lookup(ind.code, p)) range_check(ind, p, *v, out);
  }
  for (const auto& rule : tpl.rules()) {
    const Indicator* left = tpl.indicator(rule.left);
    if (!left) continue;  // the loader guarantees it; a hand-built template may not
    if (rule.kind == Rule::Kind::part_le_whole) {
      const Indicator* right = tpl.indicator(rule.right);
      if (!right) continue;
      for (const auto& p : left->periods) {
        if (std::find(right->periods.begin(), right->periods.end(), p) == right->periods.end())
          continue;
        auto part = lookup(left->code, p);
        auto whole = lookup(right->code, p);
        if (!part || !whole || *part <= *whole + 1e-9) continue;
        out.push_back(make(rule, *left, p,
                           left->code + " " + left->label + " (" + p + ") = " + number_text(*part) +
                               " exceeds " + right->code + " " + right->label + " = " +
                               number_text(*whole)));
      }
      continue;
    }
    // children_sum: the parts this level fills; all present -> must match (or not exceed,
    // when the form lists only some categories); some present -> must not exceed.
    std::vector<const Indicator*> parts;
    if (rule.parts.empty()) {
      for (const auto* c : tpl.children_of(left->code))
        if (c->type == ValueType::count || c->type == ValueType::percentage ||
            c->type == ValueType::flag)
          parts.push_back(c);
    } else {
      for (const auto& code : rule.parts)
        if (const auto* c = tpl.indicator(code)) parts.push_back(c);
    }
    for (const auto& p : left->periods) {
      auto total = lookup(left->code, p);
      if (!total) continue;
      double sum = 0;
      bool complete = true, any = false;
      std::string terms;
      for (const auto* c : parts) {
        if (!fills(c->levels, level)) continue;
        auto v = lookup(c->code, p);
        if (!v) {
          complete = false;
          continue;
        }
        any = true;
        sum += *v;
        terms += (terms.empty() ? "" : " + ") + c->code + " " + number_text(*v);
      }
      if (!any) continue;
      std::string head = left->code + " " + left->label + " (" + p + ") = " + number_text(*total);
      if (sum > *total + 1e-9) {
        out.push_back(
            make(rule, *left, p,
                 head + " but its parts add up to more, " + number_text(sum) + " (" + terms + ")"));
      } else if (complete && !rule.partial && std::abs(sum - *total) > 1e-9) {
        out.push_back(
            make(rule, *left, p,
                 head + " but its parts add up to " + number_text(sum) + " (" + terms + ")"));
      }
    }
  }
  return out;
}

}  // namespace tongket
