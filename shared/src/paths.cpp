#include "tongket/paths.hpp"

#include <cstdlib>
#include <exception>
#include <optional>

#include "tongket/report_template.hpp"

#ifdef _WIN32
#include <windows.h>
#endif

namespace tongket {

namespace {

// The running program's own file, or nullopt when the system does not say.
std::optional<std::filesystem::path> own_executable() {
#ifdef _WIN32
  std::wstring buf(MAX_PATH, L'\0');
  for (;;) {
    DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
    if (n == 0) return std::nullopt;
    if (n < buf.size()) return std::filesystem::path(buf.substr(0, n));
    buf.resize(buf.size() * 2);  // truncated: long paths need a bigger buffer
  }
#else
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return exe;
#endif
}

// <exe folder>/../share/<exe name> when it holds the template: the installed layout.
std::optional<std::filesystem::path> installed_data_dir() {
  auto exe = own_executable();
  if (!exe) return std::nullopt;
  auto dir = exe->parent_path().parent_path() / "share" / exe->stem();
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
  if (const char* env = std::getenv("TONGKET_DATA"); env && *env) return env;
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
  if (const char* env = std::getenv("TONGKET_WEB"); env && *env) return env;
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
    text += "template " + tpl.id() + " v" + std::to_string(tpl.version()) + " (" + file.string() +
            ")\n";
  } catch (const std::exception& e) {
    text += "template: " + std::string(e.what()) + "\n";
  }
  return text;
}

}  // namespace tongket
