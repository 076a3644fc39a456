// A malformed template is refused with the file, the place inside it and the problem.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "temp_dir.hpp"
#include "tongket/error.hpp"
#include "tongket/report_template.hpp"

using namespace tongket;
using nlohmann::json;

namespace {

std::string original_text() {
  return test::read_file(std::filesystem::path(TONGKET_SOURCE_DIR) /
                         "data/template/cchc-2011-2020.json");
}

json original() {
  return json::parse(original_text());
}

// Writes `doc` as a broken copy and returns the message of the refusal.
std::string refusal(const test::TempDir& dir, const std::string& text) {
  auto file = dir / "broken.json";
  test::write_file(file, text);
  try {
    ReportTemplate::load(file);
  } catch (const Error& e) {
    CHECK(e.code() == Errc::invalid_template);
    std::string m = e.what();
    CHECK(m.starts_with(file.string() + ":"));
    return m;
  }
  FAIL("the broken template was accepted");
  return {};
}

std::string refusal(const test::TempDir& dir, const json& doc) {
  return refusal(dir, doc.dump(2));
}

std::size_t index_of(const json& list, const char* key, const std::string& value) {
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i][key] == value) return i;
  FAIL("no " << value);
  return 0;
}

}  // namespace

TEST_CASE("a broken copy of the template is refused, naming file, place and problem",
          "[template]") {
  test::TempDir dir("tpl-errors");

  SECTION("the real file loads from a copy") {
    auto file = dir / "ok.json";
    test::write_file(file, original_text());
    CHECK(ReportTemplate::load(file).indicators().size() > 100);
  }
  SECTION("missing top-level key") {
    json doc = original();
    doc.erase("indicators");
    CHECK_THAT(refusal(dir, doc), Catch::Contains(": /: missing key \"indicators\""));
  }
  SECTION("missing key in an indicator") {
    json doc = original();
    doc["indicators"][5].erase("label");
    CHECK_THAT(refusal(dir, doc), Catch::Contains("/indicators/5: missing key \"label\""));
  }
  SECTION("duplicate indicator code") {
    json doc = original();
    std::size_t i = index_of(doc["indicators"], "code", "PL3.2");
    doc["indicators"][i]["code"] = "PL3.1";
    std::string m = refusal(dir, doc);
    CHECK_THAT(m, Catch::Contains("/indicators/" + std::to_string(i) + "/code"));
    CHECK_THAT(m, Catch::Contains("duplicate indicator code \"PL3.1\""));
  }
  SECTION("unknown parent") {
    json doc = original();
    std::size_t i = index_of(doc["indicators"], "code", "PL5.1.a");
    doc["indicators"][i]["parent"] = "PL5.9";
    std::string m = refusal(dir, doc);
    CHECK_THAT(m, Catch::Contains("/indicators/" + std::to_string(i) + "/parent"));
    CHECK_THAT(m, Catch::Contains("\"PL5.9\""));
  }
  SECTION("bad value type") {
    json doc = original();
    doc["indicators"][12]["type"] = "cnt";
    CHECK_THAT(refusal(dir, doc),
               Catch::Contains("/indicators/12/type: unknown value type \"cnt\" (expected count, "
                               "percentage, flag, ratio, text, heading)"));
  }
  SECTION("unknown period") {
    json doc = original();
    doc["indicators"][0]["periods"] = json::array({"2015", "2014"});
    CHECK_THAT(refusal(dir, doc),
               Catch::Contains("/indicators/0/periods/1: unknown period \"2014\""));
  }
  SECTION("a ratio whose numerator is not a count") {
    json doc = original();
    std::size_t i = index_of(doc["indicators"], "code", "PL3.5.a");
    doc["indicators"][i]["numerator"] = "PL3.5";
    CHECK_THAT(refusal(dir, doc), Catch::Contains("/indicators/" + std::to_string(i) +
                                                  "/numerator: \"PL3.5\" is a heading"));
  }
  SECTION("a rule naming an unknown indicator") {
    json doc = original();
    doc["rules"][0]["left"] = "PL9.1";
    CHECK_THAT(refusal(dir, doc), Catch::Contains("/rules/0/left: unknown indicator \"PL9.1\""));
  }
  SECTION("an unknown level and an unknown department") {
    json doc = original();
    doc["indicators"][3]["levels"] = json::array({"ward"});
    CHECK_THAT(refusal(dir, doc),
               Catch::Contains("/indicators/3/levels/0: unknown level \"ward\""));
    json doc2 = original();
    doc2["goals"][2]["responsible"] = json::array({"SXD"});
    CHECK_THAT(refusal(dir, doc2),
               Catch::Contains("/goals/2/responsible/0: unknown department \"SXD\""));
  }
  SECTION("a date that is not ISO or not a date") {
    json doc = original();
    doc["levels"][0]["deadline"] = "10/3/2020";
    CHECK_THAT(refusal(dir, doc),
               Catch::Contains("/levels/0/deadline: \"10/3/2020\" is not an ISO date"));
    json doc2 = original();
    doc2["levels"][1]["deadline"] = "2020-02-30";
    CHECK_THAT(refusal(dir, doc2),
               Catch::Contains("/levels/1/deadline: \"2020-02-30\" is not a calendar date"));
  }
  SECTION("a misspelt key") {
    json doc = original();
    doc["goals"][0]["lable"] = "x";
    CHECK_THAT(refusal(dir, doc), Catch::Contains("/goals/0/lable: unknown key \"lable\""));
  }
  SECTION("a department answering something that does not exist") {
    json doc = original();
    doc["departments"][1]["parts"].push_back("PL9");
    CHECK_THAT(refusal(dir, doc), Catch::Contains("/departments/1/parts/"));
  }
  SECTION("a decision about nothing known") {
    json doc = original();
    doc["decisions"][0]["about"] = json::array({"PL3.4.z"});
    CHECK_THAT(refusal(dir, doc),
               Catch::Contains("/decisions/0/about/0: \"PL3.4.z\" is not defined"));
  }
  SECTION("a JSON syntax error names line and column from nlohmann's byte") {
    // Break line 3 ("version") by removing its comma: the parser stops after reading the
    // string "title" on line 4, which ends at column 9.
    std::string text = original_text();
    auto pos = text.find("\"version\": 1,");
    REQUIRE(pos != std::string::npos);
    text.erase(pos + 12, 1);
    std::string m = refusal(dir, text);
    CHECK_THAT(m, Catch::Contains("broken.json:4:9: invalid JSON (byte "));
    CHECK_THAT(m, Catch::Contains("unexpected string literal"));
  }
  SECTION("a missing file is an I/O error naming it") {
    try {
      ReportTemplate::load(dir / "absent.json");
      FAIL("loaded a missing file");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::io_error);
      CHECK_THAT(e.what(), Catch::Contains("absent.json"));
    }
  }
}
