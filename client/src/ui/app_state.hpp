// What the API handlers share: the store's path, the Workspace (opened at the first run's end
// or at start), and the sync job. Every Workspace call goes through with_workspace() so that
// one thread at a time uses it.
#pragma once

#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tongket/workspace.hpp"

namespace tongket::ui {

struct SyncJob {
  std::mutex mutex;  // guards everything below but `cancel`
  bool running = false;
  std::vector<std::string> progress;
  std::optional<client::SyncReport> result;
  std::string error;  // when sync threw
  std::atomic<bool> cancel{false};
  std::thread worker;
};

class AppState {
 public:
  explicit AppState(std::filesystem::path store);
  ~AppState();

  const std::filesystem::path& store() const { return store_; }
  client::WorkspaceOptions workspace_options() const;
  bool initialised();

  // Runs fn(Workspace&) under the lock; throws Error(not_found) before the first run is done.
  template <typename Fn>
  auto with_workspace(Fn&& fn) {
    std::lock_guard lock(mutex_);
    return fn(workspace_locked());
  }
  // The first run: makes the store (under the lock).
  client::UnitInfo create(const std::string& unit, const std::string& author);

  SyncJob& sync() { return sync_; }

 private:
  client::Workspace& workspace_locked();
  std::filesystem::path store_;
  std::mutex mutex_;
  std::optional<client::Workspace> workspace_;
  SyncJob sync_;
};

}  // namespace tongket::ui
