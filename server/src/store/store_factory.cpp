#include "tongket/server/store_factory.hpp"

#include <filesystem>
#include <string>

#include "store/pg/postgresql_store.hpp"
#include "tongket/error.hpp"
#include "tongket/file.hpp"
#include "tongket/platform.hpp"
#include "tongket/server/sqlite_store.hpp"

namespace tongket::server {

namespace {

constexpr std::string_view kSqlite = "sqlite:";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool is_postgresql(std::string_view url) {
  return starts_with(url, "postgresql://") || starts_with(url, "postgres://");
}

std::filesystem::path sqlite_path(std::string_view url) {
  std::string_view path = url.substr(kSqlite.size());
  if (path.empty())
    throw Error(Errc::invalid_argument,
                "database URL '" + std::string(url) + "' names no file: use sqlite:PATH");
  return platform::path_from_utf8(path);
}

[[noreturn]] void unknown_scheme(std::string_view url) {
  throw Error(Errc::invalid_argument,
              "database URL '" + std::string(url) +
                  "' is neither sqlite:PATH nor postgresql://...: cannot open a store from it");
}

std::filesystem::path url_file(const std::filesystem::path& data_dir) {
  return data_dir / "database";
}

}  // namespace

std::unique_ptr<Store> open_store(std::string_view url) {
  if (starts_with(url, kSqlite)) return open_sqlite_store_file(sqlite_path(url));
  if (is_postgresql(url)) return open_postgresql_store(std::string(url));
  unknown_scheme(url);
}

ServerIdentity init_store(std::string_view url, const Hierarchy& units,
                          const std::string& template_json, std::int64_t now_ms) {
  if (starts_with(url, kSqlite))
    return init_sqlite_store_file(sqlite_path(url), units, template_json, now_ms);
  if (is_postgresql(url))
    return init_postgresql_store(std::string(url), units, template_json, now_ms);
  unknown_scheme(url);
}

std::string data_store_url(const std::filesystem::path& data_dir) {
  const auto file = url_file(data_dir);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    return std::string(kSqlite) + platform::path_to_utf8(store_file(data_dir));
  std::string text = read_file(file, "the data directory's database URL");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  if (text.empty())
    throw Error(Errc::invalid_argument, platform::path_to_utf8(file) +
                                            " holds no database URL: write the URL given to "
                                            "`tongket-server init --database` there");
  return text;
}

void check_data_store_url(const std::filesystem::path& data_dir, std::string_view url) {
  if (starts_with(url, kSqlite))
    sqlite_path(url);
  else if (!is_postgresql(url))
    unknown_scheme(url);
  std::error_code ec;
  if (!std::filesystem::exists(url_file(data_dir), ec) &&
      !std::filesystem::exists(store_file(data_dir), ec))
    return;
  const std::string recorded = data_store_url(data_dir);
  if (recorded != url)
    throw Error(Errc::invalid_argument, "data directory " + platform::path_to_utf8(data_dir) +
                                            " already uses " + recorded + ", not " +
                                            std::string(url) + ": nothing was changed");
}

void record_data_store_url(const std::filesystem::path& data_dir, std::string_view url) {
  check_data_store_url(data_dir, url);
  std::error_code ec;
  if (std::filesystem::exists(url_file(data_dir), ec)) return;  // recorded already
  std::filesystem::create_directories(data_dir, ec);
  if (ec)
    throw Error(Errc::io_error, "cannot create data directory " + platform::path_to_utf8(data_dir) +
                                    ": " + ec.message());
  platform::write_new_private_file(url_file(data_dir), std::string(url) + "\n");
}

std::unique_ptr<Store> open_data_store(const std::filesystem::path& data_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(url_file(data_dir), ec)) return open_sqlite_store(data_dir);
  return open_store(data_store_url(data_dir));
}

}  // namespace tongket::server
