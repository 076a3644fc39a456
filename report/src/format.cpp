#include "tongket/report/format.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "tongket/number_format.hpp"

namespace tongket::report {

std::string format_count(double value) {
  return vi_number(std::round(value), 0);
}

std::string format_percentage(double value) {
  return vi_number(value, 2);
}

std::string format_ratio(std::optional<double> received, std::optional<double> on_time) {
  if (!received && !on_time) return "";
  std::string text =
      (received ? format_count(*received) : "…") + "/" + (on_time ? format_count(*on_time) : "…");
  if (received && on_time && *received > 0) {
    text += " (" + vi_number(*on_time / *received * 100.0, 1) + "%)";
  }
  return text;
}

std::optional<double> number_of(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(d)) return d;
  }
  return std::nullopt;
}

std::string format_value(ValueType type, const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (type == ValueType::text || type == ValueType::heading) {
    return value.is_string() ? value.get<std::string>() : value.dump();
  }
  auto n = number_of(value);
  if (!n) return value.is_string() ? value.get<std::string>() : value.dump();
  switch (type) {
    case ValueType::percentage:
    case ValueType::ratio:
      return format_percentage(*n) + "%";
    case ValueType::count:
    case ValueType::flag:
    default:
      return format_count(*n);
  }
}

}  // namespace tongket::report
