// tongket import / export: CSV round trips, all-or-nothing imports, errors naming lines.
#include <catch2/catch.hpp>

#include "cli_fixture.hpp"

using Catch::Contains;
using tongket::test::CliFixture;
using tongket::test::read_file;
using tongket::test::write_file;

namespace {

const std::string kGood =
    "indicator,period,value\n"
    "PL1.4,2016,3\n"
    "PL2.1,2018,7\n"
    "PL3.5.c.1,2017,200\n"
    "PL3.5.c.2,2017,150\n";

}  // namespace

TEST_CASE("export and import round-trip", "[cli][csv]") {
  CliFixture cli;
  cli.init("25486");
  write_file(cli.dir() / "in.csv", kGood);
  auto imported = cli.tongket({"import", "in.csv"});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK_THAT(imported.out, Contains("Imported 4 value(s)"));
  CHECK(cli.outbox_count() == 4);

  auto exported = cli.tongket({"export", "-"});
  CHECK(exported.exit_code == 0);
  CHECK(exported.out == kGood);
  REQUIRE(cli.tongket({"export", "out.csv"}).exit_code == 0);
  CHECK(read_file(cli.dir() / "out.csv") == kGood);

  // Into a second store: the same values; re-importing changes nothing.
  CliFixture other;
  other.init("25486");
  std::filesystem::copy_file(cli.dir() / "out.csv", other.dir() / "out.csv");
  REQUIRE(other.tongket({"import", "out.csv"}).exit_code == 0);
  CHECK(other.tongket({"export", "-"}).out == kGood);
  const auto before = other.snapshot();
  auto again = other.tongket({"import", "out.csv"});
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Contains("0 value(s), 4 unchanged"));
  CHECK(other.snapshot() == before);
}

TEST_CASE("text values with commas and quotes survive the round trip", "[cli][csv]") {
  CliFixture cli;
  cli.init("705");
  const std::string csv =
      "indicator,period,value\n"
      "PL1.3.e,2016,\"Pa-nô, áp phích \"\"CCHC\"\"\"\n"
      "PL1.6.c,2016,45.5\n";
  write_file(cli.dir() / "in.csv", csv);
  auto r = cli.tongket({"import", "in.csv"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(cli.tongket({"get", "PL1.3.e", "2016"}).out == "Pa-nô, áp phích \"CCHC\"\n");
  CHECK(cli.tongket({"export", "-"}).out == csv);
}

TEST_CASE("import --dry-run reports the changes and writes nothing", "[cli][csv]") {
  CliFixture cli;
  cli.init("25486");
  REQUIRE(cli.tongket({"set", "PL1.4", "2016", "1"}).exit_code == 0);
  write_file(cli.dir() / "in.csv", kGood);
  const auto before = cli.snapshot();
  auto r = cli.tongket({"import", "in.csv", "--dry-run"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("PL1.4 2016: 1 -> 3"));
  CHECK_THAT(r.out, Contains("PL2.1 2018: (empty) -> 7"));
  CHECK_THAT(r.out, Contains("4 value(s) would change"));
  CHECK(cli.snapshot() == before);
}

TEST_CASE("a bad line refuses the whole import, naming the line and field", "[cli][csv]") {
  CliFixture cli;
  cli.init("25486");
  REQUIRE(cli.tongket({"set", "PL1.4", "2016", "1"}).exit_code == 0);
  const auto before = cli.snapshot();
  auto refused = [&](const std::string& csv, const std::vector<std::string>& what) {
    write_file(cli.dir() / "in.csv", csv);
    auto r = cli.tongket({"import", "in.csv"});
    INFO(csv << "\n---\n" << r.err);
    CHECK(r.exit_code == 2);
    for (const auto& w : what) CHECK_THAT(r.err, Contains(w));
    CHECK_THAT(r.err, Contains("nothing was imported"));
    CHECK(cli.snapshot() == before);
  };
  refused(kGood + "PL1.4,2017,-3\n", {"in.csv:6: value", "cannot be negative"});
  refused(kGood + "PL9.9,2017,3\n", {"in.csv:6: indicator", "PL9.9"});
  refused(kGood + "PL1.4,2001-2010,3\n", {"in.csv:6: period", "2001-2010"});
  refused(kGood + "PL1.4,2016,abc\n", {"in.csv:6: value", "not a number"});
  refused(kGood + "PL1.4,2016,5\n", {"in.csv:6: indicator,period", "also on line 2"});
  refused(kGood + "PL1.4,2017\n", {"in.csv:6: row", "expected 3 fields"});
  refused(kGood + "PL1.1,2017,3\n", {"in.csv:6: indicator", "not filled by a commune"});
  // Every bad line is reported, not just the first.
  refused("indicator,period,value\nPL1.4,2016,-1\nPL1.4,2017,2\nPL1.4,2018,x\n",
          {"in.csv:2: value", "in.csv:4: value", "2 error(s)"});
  // Malformed CSV: an unclosed quote.
  refused(kGood + "PL1.4,\"2017,3\n", {"in.csv:6: malformed CSV"});
  refused(kGood + "PL1.4,20\"17,3\n", {"in.csv:6: malformed CSV"});
  refused("indicator;period;value\nPL1.4;2016;3\n", {"in.csv:1:", "indicator,period,value"});
  refused("", {"empty"});

  auto missing = cli.tongket({"import", "nope.csv"});
  CHECK(missing.exit_code == 4);
  CHECK_THAT(missing.err, Contains("nope.csv"));
}

TEST_CASE("import accepts a BOM, CRLF line ends and blank values that clear", "[cli][csv]") {
  CliFixture cli;
  cli.init("25486");
  REQUIRE(cli.tongket({"set", "PL1.4", "2017", "9"}).exit_code == 0);
  write_file(cli.dir() / "in.csv",
             "\xEF\xBB\xBFindicator,period,value\r\nPL1.4,2016,3\r\nPL1.4,2017,\r\n");
  auto r = cli.tongket({"import", "in.csv"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(cli.tongket({"export", "-"}).out == "indicator,period,value\nPL1.4,2016,3\n");
}
