// The CLI for power users: the codes shown (parts, show --codes), case-insensitive codes with
// "did you mean", the valid periods listed, export --blank round trip, and Vietnamese messages
// when LANG is vi_*.
#include <catch2/catch.hpp>

#include "cli_fixture.hpp"
#include "temp_dir.hpp"

using Catch::Contains;
using tongket::test::CliFixture;

TEST_CASE("parts and show --codes list the codes a clerk types", "[cli][codes]") {
  CliFixture cli;
  cli.init("705");
  auto parts = cli.tongket({"parts"});
  INFO(parts.err);
  REQUIRE(parts.exit_code == 0);
  CHECK_THAT(parts.out, Contains("PL3.5.c.1"));
  CHECK_THAT(parts.out, Contains("0/"));  // progress per appendix
  auto show = cli.tongket({"show", "pl3", "--codes"});
  REQUIRE(show.exit_code == 0);
  CHECK_THAT(show.out, Contains("PL3.5.c.1"));
  CHECK_THAT(cli.tongket({"show", "PL3"}).out, !Contains("PL3.5.c.1"));
}

TEST_CASE("codes are case-insensitive, unknown ones get the closest, periods are listed",
          "[cli][codes]") {
  CliFixture cli;
  cli.init("25486");
  REQUIRE(cli.tongket({"set", "pl1.4", "2016", "3"}).exit_code == 0);
  CHECK(cli.tongket({"get", "PL1.4", "2016"}).out == "3\n");
  const auto before = cli.snapshot();
  auto typo = cli.tongket({"set", "PL1.44", "2016", "3"});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Contains("did you mean") && Contains("PL1.4"));
  auto period = cli.tongket({"set", "PL1.4", "2031", "3"});
  CHECK(period.exit_code == 2);
  CHECK_THAT(period.err, Contains("its periods: 2015, 2016, 2017, 2018, 2019, 2020"));
  CHECK(cli.snapshot() == before);
}

TEST_CASE("export --blank writes every row the unit fills, and imports back filled",
          "[cli][codes][csv]") {
  CliFixture cli;
  cli.init("25486");
  auto blank = cli.tongket({"export", "--blank", "blank.csv"});
  INFO(blank.err);
  REQUIRE(blank.exit_code == 0);
  auto csv = tongket::test::read_file(cli.dir() / "blank.csv");
  CHECK_THAT(csv, Contains("PL1.4,2016,\n"));
  csv.replace(csv.find("PL1.4,2016,\n"), 12, "PL1.4,2016,7\n");
  tongket::test::write_file(cli.dir() / "blank.csv", csv);
  auto imported = cli.tongket({"import", "blank.csv"});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK_THAT(imported.out, Contains("Imported 1 value(s)"));
  CHECK(cli.tongket({"get", "PL1.4", "2016"}).out == "7\n");
}

TEST_CASE("the CLI speaks Vietnamese when LANG is vi_*", "[cli][messages]") {
  CliFixture cli;
  cli.lang = "vi_VN.UTF-8";
  cli.init("25486");
  auto set = cli.tongket({"set", "PL1.4", "2016", "abc"});
  CHECK(set.exit_code == 2);
  CHECK_THAT(set.err, Contains("số nguyên không âm"));
  auto status = cli.tongket({"status"});
  REQUIRE(status.exit_code == 0);
  CHECK_THAT(status.out, Contains("Báo cáo: đang soạn"));
  CHECK_THAT(status.out, Contains("Hạn nộp: 2020-03-10"));
  auto typo = cli.tongket({"get", "PL1.44"});
  CHECK_THAT(typo.err, Contains("có phải ý bạn là") && Contains("PL1.4"));
  cli.lang = "C.UTF-8";
  CHECK_THAT(cli.tongket({"status"}).out, Contains("report: draft"));
}
