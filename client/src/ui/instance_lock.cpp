#include "ui/instance_lock.hpp"

#include <fstream>
#include <iterator>

#include "tongket/error.hpp"
#include "tongket/platform.hpp"

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#endif

namespace tongket::ui {

namespace {

// The locked byte range lies far past the URL so that on Windows (mandatory range locks) a
// second instance can still read the URL.
#ifdef _WIN32
constexpr DWORD kLockOffsetHigh = 1;
#endif

}  // namespace

std::filesystem::path InstanceLock::lock_file(const std::filesystem::path& store) {
  auto file = store;
  file += ".ui-lock";
  return file;
}

std::optional<InstanceLock> InstanceLock::acquire(const std::filesystem::path& store) {
  const auto file = lock_file(store);
#ifdef _WIN32
  HANDLE h = CreateFileW(file.wstring().c_str(), GENERIC_READ | GENERIC_WRITE,
                         FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE)
    throw Error(Errc::io_error,
                "cannot open " + platform::path_to_utf8(file) + " (the app's lock file)");
  OVERLAPPED where{};
  where.OffsetHigh = kLockOffsetHigh;
  if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &where)) {
    CloseHandle(h);
    return std::nullopt;
  }
  return InstanceLock(file, reinterpret_cast<std::intptr_t>(h));
#else
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw Error(Errc::io_error,
                "cannot open " + platform::path_to_utf8(file) + " (the app's lock file)");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  return InstanceLock(file, fd);
#endif
}

std::string InstanceLock::running_url(const std::filesystem::path& store) {
  std::ifstream in(lock_file(store), std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

InstanceLock::InstanceLock(std::filesystem::path file, std::intptr_t handle)
    : file_(std::move(file)), handle_(handle) {}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept
    : file_(std::move(other.file_)), handle_(other.handle_) {
  other.handle_ = -1;
}

InstanceLock::~InstanceLock() {
  if (handle_ == -1) return;
#ifdef _WIN32
  CloseHandle(reinterpret_cast<HANDLE>(handle_));
#else
  // Emptied before release: a later reader finds no stale URL.
  if (::ftruncate(static_cast<int>(handle_), 0) != 0) {
  }
  ::close(static_cast<int>(handle_));
#endif
}

void InstanceLock::publish(const std::string& url) {
#ifdef _WIN32
  HANDLE h = reinterpret_cast<HANDLE>(handle_);
  SetFilePointer(h, 0, nullptr, FILE_BEGIN);
  SetEndOfFile(h);
  const std::string text = url + "\n";
  DWORD written = 0;
  WriteFile(h, text.data(), static_cast<DWORD>(text.size()), &written, nullptr);
#else
  const int fd = static_cast<int>(handle_);
  const std::string text = url + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
    throw Error(Errc::io_error,
                "cannot write " + platform::path_to_utf8(file_) + " (the app's lock file)");
#endif
}

}  // namespace tongket::ui
