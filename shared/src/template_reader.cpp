#include "template_reader.hpp"

#include <algorithm>

#include "tongket/calendar_date.hpp"
#include "tongket/error.hpp"

namespace tongket::template_detail {

using nlohmann::json;

namespace {

const char* kind_of(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

// JSON pointer escaping of one reference token (RFC 6901).
std::string token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

}  // namespace

json parse_json(const std::string& text, const std::string& file) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann counts bytes from 1 up to and including the offending one.
    std::size_t byte = std::min<std::size_t>(e.byte, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < byte; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        ++column;  // count characters, not UTF-8 continuation bytes
      }
    }
    std::string what = e.what();
    if (auto close = what.find("] "); what.starts_with("[json.exception") && close != what.npos)
      what = what.substr(close + 2);
    throw Error(Errc::invalid_template, file + ":" + std::to_string(line) + ":" +
                                            std::to_string(column) + ": invalid JSON (byte " +
                                            std::to_string(e.byte) + "): " + what);
  }
}

std::string_view level_id(UnitLevel level) {
  switch (level) {
    case UnitLevel::province:
      return "province";
    case UnitLevel::district:
      return "district";
    case UnitLevel::commune:
      return "commune";
    case UnitLevel::department:
      return "department";
  }
  return "commune";
}

std::optional<UnitLevel> parse_level_id(std::string_view id) {
  for (auto l :
       {UnitLevel::commune, UnitLevel::district, UnitLevel::department, UnitLevel::province})
    if (level_id(l) == id) return l;
  return std::nullopt;
}

std::string_view rollup_id(RollUp r) {
  switch (r) {
    case RollUp::sum:
      return "sum";
    case RollUp::ratio:
      return "ratio";
    case RollUp::none:
      return "none";
  }
  return "none";
}

void Reader::fail(const std::string& where, const std::string& what) const {
  throw Error(Errc::invalid_template, file_ + ": " + (where.empty() ? "/" : where) + ": " + what);
}

void Reader::object(const json& v, const std::string& path) const {
  if (!v.is_object()) fail(path, std::string("must be an object, not ") + kind_of(v));
}

void Reader::only_keys(const json& obj, const std::string& path,
                       std::initializer_list<std::string_view> allowed) const {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(path + "/" + token(key), "unknown key \"" + key + "\" (expected " + list + ")");
    }
  }
}

const json& Reader::member(const json& obj, const std::string& path, const char* key) const {
  auto it = obj.find(key);
  if (it == obj.end()) fail(path, std::string("missing key \"") + key + "\"");
  return *it;
}

const json& Reader::array(const json& obj, const std::string& path, const char* key) const {
  const json& v = member(obj, path, key);
  if (!v.is_array())
    fail(path + "/" + token(key), std::string("must be an array, not ") + kind_of(v));
  return v;
}

std::string Reader::str(const json& obj, const std::string& path, const char* key, bool required,
                        bool allow_empty) const {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) fail(path, std::string("missing key \"") + key + "\"");
    return {};
  }
  std::string p = path + "/" + token(key);
  if (!it->is_string()) fail(p, std::string("must be a string, not ") + kind_of(*it));
  std::string s = it->get<std::string>();
  if (s.empty() && required && !allow_empty) fail(p, "must not be empty");
  return s;
}

std::vector<std::string> Reader::str_list(const json& obj, const std::string& path, const char* key,
                                          bool required) const {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) fail(path, std::string("missing key \"") + key + "\"");
    return out;
  }
  std::string p = path + "/" + token(key);
  if (!it->is_array()) fail(p, std::string("must be an array of strings, not ") + kind_of(*it));
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& e = (*it)[i];
    if (!e.is_string() || e.get<std::string>().empty())
      fail(p + "/" + std::to_string(i), "must be a non-empty string");
    out.push_back(e.get<std::string>());
  }
  if (required && out.empty()) fail(p, "must not be empty");
  return out;
}

bool Reader::boolean(const json& obj, const std::string& path, const char* key) const {
  const json& v = member(obj, path, key);
  if (!v.is_boolean())
    fail(path + "/" + token(key), std::string("must be true or false, not ") + kind_of(v));
  return v.get<bool>();
}

std::string Reader::date(const json& obj, const std::string& path, const char* key) const {
  std::string s = str(obj, path, key);
  std::string p = path + "/" + token(key);
  auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4) || !digits(5, 2) ||
      !digits(8, 2))
    fail(p, "\"" + s + "\" is not an ISO date (YYYY-MM-DD)");
  // The shape checked above is the template's (ISO only); the calendar is the one rule.
  if (!parse_calendar_date(s)) fail(p, "\"" + s + "\" is not a calendar date");
  return s;
}

UnitLevel Reader::level(const json& obj, const std::string& path, const char* key) const {
  std::string s = str(obj, path, key);
  auto l = parse_level_id(s);
  if (!l)
    fail(path + "/" + token(key),
         "unknown level \"" + s + "\" (expected commune, district, department, province)");
  return *l;
}

ValueType Reader::value_type(const json& obj, const std::string& path, const char* key) const {
  std::string s = str(obj, path, key);
  for (auto t : {ValueType::count, ValueType::percentage, ValueType::flag, ValueType::ratio,
                 ValueType::text, ValueType::heading})
    if (value_type_name(t) == s) return t;
  fail(path + "/" + token(key),
       "unknown value type \"" + s + "\" (expected count, percentage, flag, ratio, text, heading)");
}

RollUp Reader::rollup(const json& obj, const std::string& path, const char* key) const {
  std::string s = str(obj, path, key);
  for (auto r : {RollUp::sum, RollUp::ratio, RollUp::none})
    if (rollup_id(r) == s) return r;
  fail(path + "/" + token(key), "unknown roll-up \"" + s + "\" (expected sum, ratio, none)");
}

}  // namespace tongket::template_detail
