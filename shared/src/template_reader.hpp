// Typed access to the template JSON that fails with the file, the JSON pointer and the
// problem. Private to the template loader and validation.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/report_template.hpp"

namespace tongket::template_detail {

// Parses JSON text; a syntax error names file:line:column and the byte offset.
nlohmann::json parse_json(const std::string& text, const std::string& file);

// Level ids as the template writes them; kept here so the template does not depend on
// the hierarchy's parser.
std::string_view level_id(UnitLevel level);
std::optional<UnitLevel> parse_level_id(std::string_view id);
std::string_view rollup_id(RollUp r);

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const;

  void object(const nlohmann::json& v, const std::string& path) const;
  void only_keys(const nlohmann::json& obj, const std::string& path,
                 std::initializer_list<std::string_view> allowed) const;
  const nlohmann::json& member(const nlohmann::json& obj, const std::string& path,
                               const char* key) const;
  const nlohmann::json& array(const nlohmann::json& obj, const std::string& path,
                              const char* key) const;
  // A string member; a missing optional one is "". Empty strings only where allowed.
  std::string str(const nlohmann::json& obj, const std::string& path, const char* key,
                  bool required = true, bool allow_empty = false) const;
  std::vector<std::string> str_list(const nlohmann::json& obj, const std::string& path,
                                    const char* key, bool required = true) const;
  bool boolean(const nlohmann::json& obj, const std::string& path, const char* key) const;
  std::string date(const nlohmann::json& obj, const std::string& path, const char* key) const;
  UnitLevel level(const nlohmann::json& obj, const std::string& path, const char* key) const;
  ValueType value_type(const nlohmann::json& obj, const std::string& path, const char* key) const;
  RollUp rollup(const nlohmann::json& obj, const std::string& path, const char* key) const;

 private:
  std::string file_;
};

}  // namespace tongket::template_detail
