// The installed template, parsed once per process: the web app opens a Workspace per sync
// and the CLI one per command, and parsing the template's JSON is most of an open's work.
// A file changed on disk (a new installation) is parsed again.
#include "core/template_cache.hpp"

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "tongket/paths.hpp"
#include "tongket/platform.hpp"

namespace tongket::client {

namespace {

std::atomic<std::uint64_t> parses{0};

struct Stamp {
  std::string path;
  std::filesystem::file_time_type modified;
  std::uintmax_t size = 0;
  bool operator==(const Stamp&) const = default;
};

}  // namespace

std::shared_ptr<const ReportTemplate> installed_template() {
  static std::mutex mutex;
  static std::optional<Stamp> cached_stamp;
  static std::shared_ptr<const ReportTemplate> cached;
  const auto file = template_file();
  std::error_code ec;
  Stamp stamp{platform::path_to_utf8(file), std::filesystem::last_write_time(file, ec),
              std::filesystem::file_size(file, ec)};
  std::lock_guard lock(mutex);
  if (cached && !ec && cached_stamp == stamp) return cached;
  auto parsed = std::make_shared<const ReportTemplate>(ReportTemplate::load(file));
  ++parses;
  cached = parsed;
  cached_stamp = stamp;
  return parsed;
}

std::uint64_t template_parses() {
  return parses.load();
}

}  // namespace tongket::client
