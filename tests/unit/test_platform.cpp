// The OS seam (shared/include/tongket/platform.hpp) on real files. The Windows side of the same
// contract runs under Wine in installer/windows/test-wine.sh.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "temp_dir.hpp"
#include "tongket/platform.hpp"

namespace platform = tongket::platform;
using tongket::test::TempDir;

TEST_CASE("a new private file is owner-only, written whole, and never overwrites", "[platform]") {
  TempDir dir;
  const auto file = dir / "key.pem";
  REQUIRE(platform::write_new_private_file(file, "secret\n"));
  CHECK(tongket::test::read_file(file) == "secret\n");
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(platform::is_private_file(file));

  CHECK_FALSE(platform::write_new_private_file(file, "other"));
  CHECK(tongket::test::read_file(file) == "secret\n");
}

TEST_CASE("a file others can read is not private, and the fix names the file", "[platform]") {
  TempDir dir;
  const auto file = dir / "key.pem";
  REQUIRE(platform::write_new_private_file(file, "x"));
  REQUIRE(::chmod(file.c_str(), 0644) == 0);
  CHECK_FALSE(platform::is_private_file(file));
  CHECK(platform::make_private_command(file) == "chmod 600 " + file.string());
  CHECK_FALSE(platform::is_private_file(dir / "missing"));
}

TEST_CASE("a private file in a missing folder is an error naming it", "[platform]") {
  TempDir dir;
  const auto file = dir / "no-such-folder" / "key.pem";
  CHECK_THROWS_WITH(platform::write_new_private_file(file, "x"),
                    Catch::Contains("cannot create " + file.string()));
}

TEST_CASE("Vietnamese paths round-trip through UTF-8 text", "[platform]") {
  const std::string text = "Tổng kết/xã Tân Lập.db";
  const auto path = platform::path_from_utf8(text);
  CHECK(platform::path_to_utf8(path) == text);
  CHECK(platform::path_to_utf8(path.filename()) == "xã Tân Lập.db");
}

TEST_CASE("arguments, environment and the program's own path", "[platform]") {
  char a0[] = "tongket", a1[] = "set", a2[] = "Xã";
  char* argv[] = {a0, a1, a2};
  CHECK(platform::utf8_arguments(3, argv) == std::vector<std::string>{"set", "Xã"});
  ::setenv("TONGKET_PLATFORM_TEST", "Hà Nội", 1);
  CHECK(platform::env("TONGKET_PLATFORM_TEST") == "Hà Nội");
  ::setenv("TONGKET_PLATFORM_TEST", "", 1);
  CHECK_FALSE(platform::env("TONGKET_PLATFORM_TEST"));
  CHECK(platform::executable_path().filename() == "test_platform");
  CHECK(platform::default_store_dir().empty());  // Debian: the current folder
}
