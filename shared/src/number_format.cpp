#include "tongket/number_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace tongket {

namespace {

bool is_whole(double value) {
  return std::abs(value - std::round(value)) < 1e-9 && std::abs(value) < 1e15;
}

}  // namespace

std::string number_text(double value) {
  if (!std::isfinite(value)) return "";
  if (is_whole(value)) return std::to_string(std::llround(value));
  // 15 significant digits hide binary noise (0.1 + 0.2 -> "0.3") when that still reads back as
  // the same double; otherwise the shortest text that does.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", value);
  if (std::strtod(buf, nullptr) == value) return buf;
  return nlohmann::json(value).dump();
}

std::string vi_number(double value, int max_decimals) {
  if (!std::isfinite(value)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", max_decimals, std::fabs(value));
  std::string digits = buf;
  std::string fraction;
  if (auto dot = digits.find('.'); dot != std::string::npos) {
    fraction = digits.substr(dot + 1);
    digits.resize(dot);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  }
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  if (!fraction.empty()) out += ',' + fraction;
  bool zero = out.find_first_not_of("0.,") == std::string::npos;
  return (value < 0 && !zero ? "-" : "") + out;
}

std::string vi_input_number(double value, bool one_decimal) {
  std::string text;
  if (one_decimal) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", value);
    text = buf;
  } else {
    text = number_text(value);
  }
  std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

}  // namespace tongket
