// Opens a URL in the user's default browser: xdg-open on Linux, ShellExecute on Windows.
// Failure is not an error: the URL is printed anyway.
#pragma once

#include <string>

namespace tongket::ui {

bool open_in_browser(const std::string& url);

}  // namespace tongket::ui
