#include "tongket/paths.hpp"

#include <cstdlib>

namespace tongket {

std::string_view version() { return TONGKET_VERSION; }

std::filesystem::path data_dir() {
  if (const char* env = std::getenv("TONGKET_DATA"); env && *env) return env;
  return TONGKET_DATA_DIR;
}

std::filesystem::path template_file() { return data_dir() / "template" / "cchc-2011-2020.json"; }
std::filesystem::path units_dir() { return data_dir() / "units"; }

std::filesystem::path web_dir() {
  if (const char* env = std::getenv("TONGKET_WEB"); env && *env) return env;
  std::error_code ec;
  if (auto installed = data_dir() / "web"; std::filesystem::is_directory(installed, ec))
    return installed;
  return TONGKET_WEB_DIR;
}

}  // namespace tongket
