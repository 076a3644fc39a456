// `tongket ui`: the local web app. Serves client/web (web_dir()) and the JSON API under /api/
// (docs/ui-api.md) on 127.0.0.1 only, behind the AccessGuard (access_guard.hpp).
// Threads: cpp-httplib's pool runs the handlers; they share one Workspace under a mutex
// (a Workspace is single-threaded). A sync runs on its own thread with its own Workspace on
// the same store (SQLite serialises the writes), so saving goes on while it runs.
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace tongket::ui {

struct UiOptions {
  std::filesystem::path store;
  int port = 0;  // 0: any free port
  bool open_browser = true;
};

// Serves until the process is stopped. Prints the URL (with the launch token) as the first
// line on `out`. Returns the process's exit code: 0 after a clean stop, 7 when another
// instance serves this store (its URL is printed on `err`).
int serve(const UiOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tongket::ui
