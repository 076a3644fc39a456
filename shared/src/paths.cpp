#include "tongket/paths.hpp"

#include <exception>
#include <optional>

#include "tongket/platform.hpp"
#include "tongket/report_template.hpp"

namespace tongket {

namespace {

// <exe folder>/../share/<exe name> when it holds the template: the installed layout.
std::optional<std::filesystem::path> installed_data_dir() {
  const auto exe = platform::executable_path();
  if (exe.empty()) return std::nullopt;
  auto dir = exe.parent_path().parent_path() / "share" / exe.stem();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "template" / "cchc-2011-2020.json", ec))
    return std::nullopt;
  return dir.lexically_normal();
}

}  // namespace

std::string_view version() {
  return TONGKET_VERSION;
}

std::filesystem::path data_dir() {
  if (auto env = platform::env("TONGKET_DATA")) return platform::path_from_utf8(*env);
  // The program does not move while it runs: look once.
  static const std::optional<std::filesystem::path> installed = installed_data_dir();
  if (installed) return *installed;
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

std::string version_text(std::string_view program) {
  std::string text = std::string(program) + " " + std::string(version()) + "\n";
  auto file = template_file();
  try {
    auto tpl = ReportTemplate::load(file);
    text += "template " + tpl.id() + " v" + std::to_string(tpl.version()) + " (" +
            platform::path_to_utf8(file) + ")\n";
  } catch (const std::exception& e) {
    text += "template: " + std::string(e.what()) + "\n";
  }
  return text;
}

}  // namespace tongket
