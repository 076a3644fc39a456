#include "tongket/paths.hpp"

#include "tongket/platform.hpp"

namespace tongket {

std::string_view version() {
  return TONGKET_VERSION;
}

std::filesystem::path data_dir() {
  if (auto env = platform::env("TONGKET_DATA")) return platform::path_from_utf8(*env);
  // Installed: <prefix>/bin/tongket(.exe) with <prefix>/share/tongket.
  std::error_code ec;
  const auto exe = platform::executable_path();
  if (auto installed = exe.parent_path().parent_path() / "share" / "tongket";
      !exe.empty() && std::filesystem::is_directory(installed / "template", ec))
    return installed;
  return TONGKET_DATA_DIR;
}

std::filesystem::path template_file() {
  return data_dir() / "template" / "cchc-2011-2020.json";
}
std::filesystem::path units_dir() {
  return data_dir() / "units";
}

std::filesystem::path web_dir() {
  if (auto env = platform::env("TONGKET_WEB")) return platform::path_from_utf8(*env);
  std::error_code ec;
  if (auto installed = data_dir() / "web"; std::filesystem::is_directory(installed, ec))
    return installed;
  return TONGKET_WEB_DIR;
}

}  // namespace tongket
