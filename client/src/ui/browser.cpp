#include "ui/browser.hpp"

#ifdef _WIN32
// windows.h first: shellapi.h needs its definitions (blank line keeps clang-format's order).
#include <windows.h>

#include <shellapi.h>
#else
#include <spawn.h>
#include <sys/wait.h>

#include <thread>
extern char** environ;
#endif

namespace tongket::ui {

bool open_in_browser(const std::string& url) {
#ifdef _WIN32
  auto rc = reinterpret_cast<INT_PTR>(
      ShellExecuteA(nullptr, "open", url.c_str(), nullptr, nullptr, SW_SHOWNORMAL));
  return rc > 32;
#else
  // posix_spawnp, not system(): the URL never passes through a shell.
  pid_t pid = 0;
  const char* argv[] = {"xdg-open", url.c_str(), nullptr};
  if (posix_spawnp(&pid, "xdg-open", nullptr, nullptr, const_cast<char* const*>(argv), environ) !=
      0)
    return false;
  // Reaped on the side: xdg-open may wait for the browser.
  std::thread([pid] {
    int status = 0;
    waitpid(pid, &status, 0);
  }).detach();
  return true;
#endif
}

}  // namespace tongket::ui
