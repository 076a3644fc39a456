// One `tongket ui` per store: an exclusive OS lock on "<store>.ui-lock" beside the store,
// held for the life of the process (released by the OS on a crash, so no stale lock). The
// file holds the running instance's URL so that a second launch can say where it is.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace tongket::ui {

class InstanceLock {
 public:
  // Takes the lock; nullopt when another process holds it (running_url() then tells where).
  static std::optional<InstanceLock> acquire(const std::filesystem::path& store);
  // The URL written by the instance holding the lock; empty if it has not written it yet.
  static std::string running_url(const std::filesystem::path& store);
  static std::filesystem::path lock_file(const std::filesystem::path& store);

  InstanceLock(InstanceLock&&) noexcept;
  InstanceLock& operator=(InstanceLock&&) = delete;
  ~InstanceLock();

  // Replaces the file's content with `url`.
  void publish(const std::string& url);

 private:
  explicit InstanceLock(std::filesystem::path file, std::intptr_t handle);
  std::filesystem::path file_;
  std::intptr_t handle_ = -1;
};

}  // namespace tongket::ui
