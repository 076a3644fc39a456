#include <catch2/catch.hpp>

#include <sstream>

#include "test_report_fixture.hpp"
#include "tongket/csv.hpp"
#include "tongket/report/csv.hpp"

using namespace tongket;
using namespace tongket::report;

namespace {

// Reads the CSV back with the reader the client's import uses.
std::vector<std::vector<std::string>> parse(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (auto& r : parse_csv(text, "export.csv")) rows.push_back(r.fields);
  return rows;
}

}  // namespace

TEST_CASE("csv fields are quoted per RFC 4180 only when needed", "[report]") {
  CHECK(csv_field("PL3.1") == "PL3.1");
  CHECK(csv_field("45,5") == "\"45,5\"");
  CHECK(csv_field("a \"b\"") == "\"a \"\"b\"\"\"");
  CHECK(csv_field("x\ny") == "\"x\ny\"");
  // Blanks at either end would be trimmed by a reader: quoted so they survive.
  CHECK(csv_field(" 12") == "\" 12\"");
  std::ostringstream out;
  write_csv_record(out, {"a,b", "c"}, "\r\n");
  CHECK(out.str() == "\"a,b\",c\r\n");
}

TEST_CASE("the CSV export holds every stored value and reads back", "[report]") {
  test::SampleReport sample;
  std::ostringstream out;
  write_csv(sample.data(), out);
  auto rows = parse(out.str());
  REQUIRE(!rows.empty());
  CHECK(rows[0] == std::vector<std::string>{"indicator", "period", "value"});
  std::map<std::pair<std::string, std::string>, std::string> got;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == 3);
    got[{rows[i][0], rows[i][1]}] = rows[i][2];
  }
  CHECK(got.size() == sample.values.size());
  CHECK(got[{"PL3.1", "2019"}] == "1876");
  CHECK(got[{"PL3.5.a.1", "2019"}] == "1200");
  CHECK(got[{"PL7.1", "2019"}] == "45,5");
  CHECK(got[{"PL1.3.a", "2018"}] == "1");
  CHECK(got[{"PL1.3.e", "2018"}] == "Pa-nô, áp phích, \"tờ rơi\"");
  CHECK(got[{"PL4.I.1", "2001-2010"}] == "20");
  // Ratios are computed from their parts, never exported as values.
  CHECK(got.count({"PL3.5.a", "2019"}) == 0);
}
