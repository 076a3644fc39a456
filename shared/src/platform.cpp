#include "tongket/platform.hpp"

#include <cstdlib>
#include <system_error>

#include "tongket/error.hpp"

#ifdef _WIN32
#include <windows.h>
// After windows.h:
#include <aclapi.h>
#include <io.h>
#include <sddl.h>
#include <shellapi.h>

#include <cstdio>
#include <memory>
#else
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#endif

namespace tongket::platform {

namespace fs = std::filesystem;

fs::path path_from_utf8(std::string_view text) {
  return fs::path(std::u8string(text.begin(), text.end()));
}

std::string path_to_utf8(const fs::path& path) {
  const std::u8string u8 = path.u8string();
  return std::string(u8.begin(), u8.end());
}

#ifdef _WIN32

namespace {

std::string to_utf8(std::wstring_view wide) {
  if (wide.empty()) return {};
  const int n = WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), nullptr,
                                    0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), out.data(), n,
                      nullptr, nullptr);
  return out;
}

std::wstring to_wide(std::string_view text) {
  if (text.empty()) return {};
  const int n =
      MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n);
  return out;
}

struct LocalDeleter {
  void operator()(void* p) const { LocalFree(p); }
};

// The current user's SID, as raw bytes of a TOKEN_USER (empty on failure).
std::vector<unsigned char> token_user() {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return {};
  DWORD size = 0;
  GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::vector<unsigned char> buffer(size);
  const bool ok = size > 0 && GetTokenInformation(token, TokenUser, buffer.data(), size, &size);
  CloseHandle(token);
  return ok ? buffer : std::vector<unsigned char>{};
}

PSID user_sid(std::vector<unsigned char>& token) {
  return token.empty() ? nullptr : reinterpret_cast<TOKEN_USER*>(token.data())->User.Sid;
}

[[noreturn]] void throw_io(const fs::path& file, const char* what) {
  throw Error(Errc::io_error, std::string(what) + " " + path_to_utf8(file) + " (Windows error " +
                                  std::to_string(GetLastError()) + ")");
}

}  // namespace

std::vector<std::string> utf8_arguments(int, char**) {
  int n = 0;
  std::unique_ptr<LPWSTR, LocalDeleter> argv(CommandLineToArgvW(GetCommandLineW(), &n));
  std::vector<std::string> args;
  for (int i = 1; argv && i < n; ++i) args.push_back(to_utf8(argv.get()[i]));
  return args;
}

void use_utf8_console() {
  SetConsoleOutputCP(CP_UTF8);
  SetConsoleCP(CP_UTF8);
}

std::optional<std::string> env(const char* name) {
  const std::wstring wide_name = to_wide(name);
  const wchar_t* value = _wgetenv(wide_name.c_str());
  if (!value || !*value) return std::nullopt;
  return to_utf8(value);
}

bool write_new_private_file(const fs::path& file, std::string_view content) {
  // A protected DACL (no inherited entries) with one entry: full access for this user.
  auto token = token_user();
  LPWSTR sid_text = nullptr;
  if (!user_sid(token) || !ConvertSidToStringSidW(user_sid(token), &sid_text))
    throw_io(file, "cannot find the current user to protect");
  const std::wstring sddl = L"D:P(A;;FA;;;" + std::wstring(sid_text) + L")";
  LocalFree(sid_text);
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &sd,
                                                            nullptr))
    throw_io(file, "cannot describe the permissions of");
  std::unique_ptr<void, LocalDeleter> sd_owner(sd);
  SECURITY_ATTRIBUTES sa{sizeof(sa), sd, FALSE};
  HANDLE h =
      CreateFileW(file.c_str(), GENERIC_WRITE, 0, &sa, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    if (GetLastError() == ERROR_FILE_EXISTS) return false;
    throw_io(file, "cannot create");
  }
  bool ok = true;
  std::size_t done = 0;
  while (ok && done < content.size()) {
    DWORD wrote = 0;
    ok = WriteFile(h, content.data() + done, static_cast<DWORD>(content.size() - done), &wrote,
                   nullptr) &&
         wrote > 0;
    done += wrote;
  }
  ok = ok && FlushFileBuffers(h);
  CloseHandle(h);
  if (!ok) throw_io(file, "cannot write");
  return true;
}

bool is_private_file(const fs::path& file) {
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (GetNamedSecurityInfoW(file.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                            nullptr, &dacl, nullptr, &sd) != ERROR_SUCCESS)
    return false;
  std::unique_ptr<void, LocalDeleter> sd_owner(sd);
  auto token = token_user();
  if (!dacl || !user_sid(token)) return false;  // a null DACL lets everyone in
  for (DWORD i = 0; i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    if (!GetAce(dacl, i, &ace)) return false;
    if (static_cast<ACE_HEADER*>(ace)->AceType != ACCESS_ALLOWED_ACE_TYPE) continue;
    PSID sid = &static_cast<ACCESS_ALLOWED_ACE*>(ace)->SidStart;
    if (!EqualSid(sid, user_sid(token)) && !IsWellKnownSid(sid, WinLocalSystemSid) &&
        !IsWellKnownSid(sid, WinBuiltinAdministratorsSid))
      return false;
  }
  return true;
}

std::string make_private_command(const fs::path& file) {
  return "icacls \"" + path_to_utf8(file) + "\" /inheritance:r /grant:r \"%USERNAME%\":F";
}

std::size_t terminal_columns() {
  CONSOLE_SCREEN_BUFFER_INFO info{};
  if (!GetConsoleScreenBufferInfo(GetStdHandle(STD_OUTPUT_HANDLE), &info)) return 0;
  return static_cast<std::size_t>(info.srWindow.Right - info.srWindow.Left + 1);
}

bool stdin_is_terminal() {
  return _isatty(_fileno(stdin)) != 0;
}

std::string host_name() {
  wchar_t name[MAX_COMPUTERNAME_LENGTH + 1] = {};
  DWORD size = MAX_COMPUTERNAME_LENGTH + 1;
  return GetComputerNameW(name, &size) ? to_utf8(std::wstring_view(name, size)) : std::string();
}

fs::path executable_path() {
  std::wstring buffer(32768, L'\0');
  const DWORD n = GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
  if (n == 0 || n >= buffer.size()) return {};
  buffer.resize(n);
  return fs::path(buffer);
}

fs::path default_store_dir() {
  std::error_code ec;
  const fs::path exe_dir = executable_path().parent_path();
  for (const fs::path& dir : {exe_dir, exe_dir.parent_path()}) {
    if (!dir.empty() && fs::exists(dir / "portable", ec)) {
      fs::create_directories(dir / "data", ec);
      return dir / "data";
    }
  }
  const wchar_t* local = _wgetenv(L"LOCALAPPDATA");
  if (!local || !*local) return {};
  const fs::path dir = fs::path(local) / "tongket";
  fs::create_directories(dir, ec);
  return dir;
}

#else

std::vector<std::string> utf8_arguments(int argc, char** argv) {
  return argc > 1 ? std::vector<std::string>(argv + 1, argv + argc) : std::vector<std::string>{};
}

void use_utf8_console() {}

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

bool write_new_private_file(const fs::path& file, std::string_view content) {
  // O_EXCL: never overwrite anything, even a file that appears between a check and the open.
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw Error(Errc::io_error, "cannot create " + file.string() + ": " + std::strerror(errno));
  }
  std::size_t done = 0;
  bool ok = true;
  while (ok && done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw Error(Errc::io_error, "cannot write " + file.string());
  return true;
}

bool is_private_file(const fs::path& file) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) == 0;
}

std::string make_private_command(const fs::path& file) {
  return "chmod 600 " + file.string();
}

std::size_t terminal_columns() {
  winsize ws{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) return ws.ws_col;
  return 0;
}

bool stdin_is_terminal() {
  return isatty(STDIN_FILENO) != 0;
}

std::string host_name() {
  char host[256] = {0};
  return ::gethostname(host, sizeof host - 1) == 0 ? std::string(host) : std::string();
}

fs::path executable_path() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

fs::path default_store_dir() {
  return {};
}

#endif

}  // namespace tongket::platform
