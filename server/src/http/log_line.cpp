#include "http/log_line.hpp"

#include "security/terminal_text.hpp"
#include "tongket/time_text.hpp"

namespace tongket::server {

std::string log_value(std::string_view value) {
  std::string text = printable(value);
  if (!text.empty() && text.find_first_of(" \"=") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string log_line(std::uint64_t at_ms, std::string_view level, std::string_view msg,
                     const LogFields& fields) {
  std::string line =
      "ts=" + utc_iso(at_ms) + " level=" + std::string(level) + " msg=" + log_value(msg);
  for (const auto& [key, value] : fields) line += " " + key + "=" + log_value(value);
  return line;
}

}  // namespace tongket::server
