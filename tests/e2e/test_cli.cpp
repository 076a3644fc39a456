// The `tongket` binary end to end: commands, messages, exit codes, and that a refused command
// leaves the store exactly as it was.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "cli_fixture.hpp"

using Catch::Contains;
using tongket::test::CliFixture;
using tongket::test::ProcessResult;

namespace {

// Runs a command that must be refused: checks the exit code, that stderr names `what`, and
// that neither a field nor the outbox changed.
void refused(CliFixture& cli, const std::vector<std::string>& args, int code,
             const std::string& what, const std::string& stdin_text = {}) {
  const auto before = cli.snapshot();
  auto r = cli.tongket(args, stdin_text);
  std::string cmd;
  for (const auto& a : args) cmd += a + " ";
  INFO("tongket " << cmd << "\nstdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == code);
  CHECK_THAT(r.err, Contains(what));
  CHECK(cli.snapshot() == before);
}

}  // namespace

TEST_CASE("help, version and unknown commands", "[cli]") {
  CliFixture cli;
  auto help = cli.tongket({"--help"});
  CHECK(help.exit_code == 0);
  for (auto word : {"init", "parts", "set", "get", "text set", "text get", "assess", "validate",
                    "show", "import", "export", "exit codes", "3  validation failed"})
    CHECK_THAT(help.out, Contains(word));
  auto version = cli.tongket({"--version"});
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Contains("tongket 0."));
  CHECK(cli.tongket({}).exit_code == 2);
  auto unknown = cli.tongket({"frobnicate"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("frobnicate"));
  auto bad_text = cli.tongket({"text", "edit", "X"});
  CHECK(bad_text.exit_code == 2);
  CHECK_THAT(bad_text.err, Contains("text set"));
  auto bad_option = cli.tongket({"parts", "--note", "x"});
  CHECK(bad_option.exit_code == 2);
  CHECK_THAT(bad_option.err, Contains("--note"));
}

TEST_CASE("init finds a unit by code or name and refuses ambiguous names", "[cli]") {
  CliFixture cli;
  SECTION("an ambiguous name lists the candidates and makes nothing") {
    auto r = cli.tongket({"init", "--unit", "tan bien"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("705"));
    CHECK_THAT(r.err, Contains("Huyện Tân Biên"));
    CHECK_THAT(r.err, Contains("25486"));
    CHECK_THAT(r.err, Contains("Thị trấn Tân Biên"));
    CHECK_FALSE(std::filesystem::exists(cli.store()));
  }
  SECTION("an unknown unit") {
    auto r = cli.tongket({"init", "--unit", "Xã Không Tồn Tại"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("Xã Không Tồn Tại"));
    CHECK_FALSE(std::filesystem::exists(cli.store()));
  }
  SECTION("a unique name, without diacritics") {
    auto r = cli.tongket({"init", "--unit", "thi tran tan bien", "--author", "Chị Lan"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("25486"));
    auto parts = cli.tongket({"parts"});
    CHECK(parts.exit_code == 0);
    CHECK_THAT(parts.out, Contains("Thị trấn Tân Biên (commune)"));
    CHECK_THAT(parts.out, Contains("KH.X.1.1"));
    CHECK_THAT(parts.out, Contains("PL3"));
    CHECK_THAT(parts.out, !Contains("PL8"));  // communes do not assess the goals
  }
  SECTION("an existing store is never overwritten") {
    cli.init("25486");
    REQUIRE(cli.tongket({"set", "PL1.4", "2016", "3"}).exit_code == 0);
    refused(cli, {"init", "--unit", "705"}, 4, "already exists");
    CHECK(cli.tongket({"get", "PL1.4", "2016"}).out == "3\n");
  }
}

TEST_CASE("set and get store values with their author", "[cli]") {
  CliFixture cli;
  cli.init("25486");
  auto set = cli.tongket({"set", "PL1.4", "2016", "3"});
  INFO(set.err);
  CHECK(set.exit_code == 0);
  CHECK(cli.outbox_count() == 1);
  CHECK(cli.tongket({"get", "PL1.4", "2016"}).out == "3\n");
  auto all = cli.tongket({"get", "PL1.4"});
  CHECK_THAT(all.out, Contains("Số lượng mô hình, sáng kiến CCHC"));
  CHECK_THAT(all.out, Contains("2016\t3"));
  // The same value again is not a new edit; another author is recorded as such.
  CHECK(cli.tongket({"set", "PL1.4", "2016", "3"}).exit_code == 0);
  CHECK(cli.outbox_count() == 1);
  CHECK(cli.tongket({"set", "PL1.4", "2016", "4", "--author", "Anh Minh"}).exit_code == 0);
  CHECK(cli.outbox_count() == 2);
  CHECK_THAT(cli.snapshot(), Contains("Anh Minh"));
  // An empty value clears it.
  CHECK(cli.tongket({"set", "PL1.4", "2016", ""}).exit_code == 0);
  CHECK(cli.tongket({"get", "PL1.4", "2016"}).out == "\n");
}

TEST_CASE("bad values are refused with a message and change nothing", "[cli]") {
  CliFixture cli;
  SECTION("commune") {
    cli.init("25486");
    REQUIRE(cli.tongket({"set", "PL1.4", "2016", "3"}).exit_code == 0);
    refused(cli, {"set", "PL9.9", "2016", "1"}, 2, "PL9.9");
    refused(cli, {"set", "PL1.4", "2001-2010", "1"}, 2, "no period \"2001-2010\"");
    refused(cli, {"set", "PL1.4", "2030", "1"}, 2, "2030");
    refused(cli, {"set", "PL1.4", "2016", "abc"}, 2, "abc: not a number");
    refused(cli, {"set", "PL1.4", "2016", "-3"}, 2, "cannot be negative");
    refused(cli, {"set", "PL1.4", "2016", "2.5"}, 2, "whole number");
    refused(cli, {"set", "PL1.1", "2016", "1"}, 2, "not filled by a commune");
    refused(cli, {"set", "PL3.5.c", "2016", "50"}, 2, "PL3.5.c");  // a computed ratio
    refused(cli, {"set", "PL1.4", "2016"}, 2, "missing arguments");
    refused(cli, {"text", "set", "NO.SUCH"}, 2, "NO.SUCH", "text");
    refused(cli, {"text", "set", "KH.X"}, 2, "only groups", "text");
    refused(cli, {"text", "set", "KH.X.1.1"}, 2, "UTF-8", "bad \xFF byte");
    refused(cli, {"text", "set", "KH.X.1.1", "--file", "missing.txt"}, 4, "missing.txt");
    refused(cli, {"assess", "PL8.1", "dat"}, 2, "PL8.1");
    refused(cli, {"sync", "--attempts", "many"}, 2, "--attempts many: give a whole number");
    refused(cli, {"sync", "--attempts", "0"}, 2, "from 1 to 100");
    refused(cli, {"conflicts", "resolve", "x1", "--keep", "current"}, 2, "conflict x1");
    CHECK(cli.tongket({"get", "PL1.4", "2016"}).out == "3\n");
  }
  SECTION("district: percentages and yes/no flags") {
    cli.init("705");
    refused(cli, {"set", "PL1.6.c", "2016", "120%"}, 2, "120 is over 100%");
    refused(cli, {"set", "PL1.6.c", "2016", "100,5"}, 2, "over 100%");
    refused(cli, {"set", "PL1.3.a", "2016", "2"}, 2, "1 (có) or 0 (không)");
    CHECK(cli.tongket({"set", "PL1.6.c", "2016", "45,5%"}).exit_code == 0);
    CHECK(cli.tongket({"get", "PL1.6.c", "2016"}).out == "45.5\n");
    CHECK(cli.tongket({"set", "PL1.3.a", "2016", "có"}).exit_code == 0);
    CHECK(cli.tongket({"get", "PL1.3.a", "2016"}).out == "1\n");
  }
  SECTION("department: only its own parts") {
    cli.init("72-VP");
    refused(cli, {"assess", "PL8.3", "dat"}, 2, "72-VP does not answer PL8.3");
    refused(cli, {"assess", "PL8.1", "maybe"}, 2, "dat (Đạt) or khong_dat (Không đạt)");
  }
}

TEST_CASE("a missing or foreign store is reported, not overwritten", "[cli]") {
  CliFixture cli;
  auto missing = cli.tongket({"get", "PL1.4"});
  CHECK(missing.exit_code == 4);
  CHECK_THAT(missing.err, Contains("tongket init"));
  CHECK_FALSE(std::filesystem::exists(cli.store()));
  tongket::test::write_file(cli.store(), "not a database at all");
  auto foreign = cli.tongket({"set", "PL1.4", "2016", "3"});
  CHECK(foreign.exit_code == 4);
  CHECK_THAT(foreign.err, Contains("not a tongket store"));
  CHECK(tongket::test::read_file(cli.store()) == "not a database at all");
}

TEST_CASE("text sections from a file or stdin", "[cli]") {
  CliFixture cli;
  cli.init("25486");
  const std::string text = "Kết quả nổi bật:\n- Một cửa liên thông\n";
  auto r = cli.tongket({"text", "set", "KH.X.1.1"}, text);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(cli.tongket({"text", "get", "KH.X.1.1"}).out == text);
  tongket::test::write_file(cli.dir() / "b.txt", "Bài học kinh nghiệm");
  CHECK(cli.tongket({"text", "set", "KH.X.1.3", "--file", "b.txt"}).exit_code == 0);
  CHECK(cli.tongket({"text", "get", "KH.X.1.3"}).out == "Bài học kinh nghiệm\n");
  CHECK(cli.outbox_count() == 2);
}

TEST_CASE("assess records Đạt / Không đạt and show PL8 prints it", "[cli]") {
  CliFixture cli;
  cli.init("72-VP");
  CHECK(cli.tongket({"assess", "PL8.1", "dat"}).exit_code == 0);
  CHECK(cli.tongket({"assess", "PL8.2", "Không đạt", "--note", "Chưa đủ"}).exit_code == 0);
  auto show = cli.tongket({"show", "PL8"});
  INFO(show.err);
  CHECK(show.exit_code == 0);
  CHECK_THAT(show.out, Contains("Đạt"));
  CHECK_THAT(show.out, Contains("Không đạt"));
  CHECK_THAT(show.out, Contains("Chưa đủ"));
  CHECK_THAT(show.out, Contains("Thủ tục hành chính liên quan đến cá nhân, tổ chức"));
  CHECK_THAT(cli.snapshot(), Contains("{\"result\":\"dat\"}"));
}

TEST_CASE("show prints the official labels in aligned columns", "[cli]") {
  CliFixture cli;
  cli.init("25486");
  REQUIRE(cli.tongket({"set", "PL3.5.c.1", "2016", "200"}).exit_code == 0);
  REQUIRE(cli.tongket({"set", "PL3.5.c.2", "2016", "150"}).exit_code == 0);
  auto show = cli.tongket({"show", "PL3"});
  INFO(show.out << show.err);
  REQUIRE(show.exit_code == 0);
  CHECK_THAT(show.out, Contains("Thống kê các chỉ tiêu tại lĩnh vực cải cách thủ tục hành chính"));
  CHECK_THAT(show.out, Contains("Số lượng TTHC được giải quyết theo cơ chế một cửa liên thông "
                                "cùng cấp"));
  CHECK_THAT(show.out, Contains("75,0"));  // the ratio, computed
  CHECK_THAT(show.out, Contains("2020: Năm 2020 (Tính đến 31/3)"));

  // Narrow terminal: labels wrap, and every table line keeps its separators at the same
  // column counted in characters (not bytes).
  cli.columns = "80";
  auto narrow = cli.tongket({"show", "PL3"});
  REQUIRE(narrow.exit_code == 0);
  std::vector<std::size_t> bar_columns;
  std::size_t pos = 0;
  while (pos < narrow.out.size()) {
    auto end = narrow.out.find('\n', pos);
    std::string line = narrow.out.substr(pos, end - pos);
    pos = end + 1;
    auto bar = line.find(" | ");
    if (bar == std::string::npos) continue;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < bar; ++i)
      if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++chars;
    bar_columns.push_back(chars);
    std::size_t width = 0;
    for (unsigned char c : line)
      if ((c & 0xC0) != 0x80) ++width;
    CHECK(width <= 80);
  }
  REQUIRE(bar_columns.size() > 10);
  for (auto c : bar_columns) CHECK(c == bar_columns.front());

  auto unknown = cli.tongket({"show", "PL9"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("PL9"));
}

TEST_CASE("validate lists every violation and exits 3 on errors", "[cli]") {
  CliFixture cli;
  cli.init("25486");
  REQUIRE(cli.tongket({"set", "PL3.5.c.1", "2017", "10"}).exit_code == 0);
  REQUIRE(cli.tongket({"set", "PL3.5.c.2", "2017", "15"}).exit_code == 0);
  auto bad = cli.tongket({"validate"});
  CHECK(bad.exit_code == 3);
  CHECK_THAT(bad.out, Contains("PL3.5.c.2"));
  CHECK_THAT(bad.out, Contains("đã trả đúng hẹn"));
  CHECK_THAT(bad.out, Contains("2017"));
  CHECK_THAT(bad.out, Contains("rule R."));
  REQUIRE(cli.tongket({"set", "PL3.5.c.2", "2017", "9"}).exit_code == 0);
  auto good = cli.tongket({"validate"});
  CHECK(good.exit_code == 0);
  CHECK_THAT(good.out, Contains("No problems"));
}

TEST_CASE("the store is --store, else $TONGKET_STORE, else ./tongket.db", "[cli]") {
  tongket::test::TempDir dir("tongket-cli-env");
  auto tongket = [&](std::vector<std::string> args, std::map<std::string, std::string> env) {
    args.insert(args.begin(), TONGKET_CLIENT_BIN);
    tongket::test::ProcessOptions options;
    options.cwd = dir.path();
    options.env = std::move(env);
    options.unset_env = {"TONGKET_STORE"};
    return tongket::test::run(args, options);
  };
  const std::string env_store = (dir / "from-env.db").string();
  REQUIRE(tongket({"init", "--unit", "25486", "--author", "A"}, {{"TONGKET_STORE", env_store}})
              .exit_code == 0);
  CHECK(std::filesystem::exists(env_store));
  REQUIRE(tongket({"init", "--unit", "705", "--author", "A"}, {}).exit_code == 0);
  CHECK(std::filesystem::exists(dir / "tongket.db"));
  REQUIRE(tongket({"set", "PL1.4", "2016", "3"}, {{"TONGKET_STORE", env_store}}).exit_code == 0);
  CHECK(tongket({"get", "PL1.4", "2016"}, {{"TONGKET_STORE", env_store}}).out == "3\n");
  CHECK(tongket({"get", "PL1.4", "2016"}, {}).out == "\n");
  CHECK(tongket({"get", "PL1.4", "2016", "--store", env_store}, {}).out == "3\n");
}
