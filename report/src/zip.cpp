#include "tongket/report/zip.hpp"

#include <zip.h>

#include <memory>

#include "tongket/error.hpp"
#include "tongket/platform.hpp"

namespace tongket::report {

namespace {

std::string zip_message(zip_t* archive) {
  const char* m = archive ? zip_strerror(archive) : nullptr;
  return m ? m : "unknown libzip error";
}

std::string open_message(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string m = zip_error_strerror(&error);
  zip_error_fini(&error);
  return m;
}

}  // namespace

void write_zip(const std::filesystem::path& path,
               const std::vector<std::pair<std::string, std::string>>& entries) {
  int code = 0;
  zip_t* archive = zip_open(platform::path_to_utf8(path).c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (!archive) {
    throw Error(Errc::io_error,
                "cannot create " + platform::path_to_utf8(path) + ": " + open_message(code));
  }
  auto fail = [&](const std::string& what) {
    std::string m =
        "cannot write " + platform::path_to_utf8(path) + " (" + what + "): " + zip_message(archive);
    zip_discard(archive);
    throw Error(Errc::io_error, m);
  };
  // libzip reads the buffers at zip_close; `entries` outlives it.
  for (const auto& [name, content] : entries) {
    zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
    if (!source) fail(name);
    if (zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
      zip_source_free(source);
      fail(name);
    }
  }
  if (zip_close(archive) != 0) fail("closing");
}

std::string read_zip_entry(const std::filesystem::path& path, const std::string& name) {
  int code = 0;
  zip_t* archive = zip_open(platform::path_to_utf8(path).c_str(), ZIP_RDONLY, &code);
  if (!archive) {
    throw Error(Errc::io_error,
                "cannot open " + platform::path_to_utf8(path) + ": " + open_message(code));
  }
  std::unique_ptr<zip_t, decltype(&zip_discard)> guard(archive, &zip_discard);
  zip_stat_t st;
  if (zip_stat(archive, name.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
    throw Error(Errc::not_found, platform::path_to_utf8(path) + " has no entry " + name);
  }
  std::unique_ptr<zip_file_t, decltype(&zip_fclose)> file(zip_fopen(archive, name.c_str(), 0),
                                                          &zip_fclose);
  if (!file)
    throw Error(Errc::io_error, "cannot read " + name + " in " + platform::path_to_utf8(path));
  std::string content(st.size, '\0');
  zip_int64_t got = zip_fread(file.get(), content.data(), st.size);
  if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) {
    throw Error(Errc::io_error, "cannot read " + name + " in " + platform::path_to_utf8(path) +
                                    ": " + zip_message(archive));
  }
  return content;
}

}  // namespace tongket::report
