// Roll-up over a generated Tây Ninh where every unit has known values: totals, ratios
// recomputed from summed counts, appendix 8 tallies, missing units and drill-down.
#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "tongket/error.hpp"
#include "tongket/paths.hpp"
#include "tongket/rollup.hpp"

using namespace tongket;

namespace {

// Values keyed by (unit, indicator, period); a unit's own figures only.
class GeneratedProvince : public ReportSource {
 public:
  std::map<std::tuple<std::string, std::string, std::string>, double> values;
  std::map<std::pair<std::string, std::string>, std::string> goals;

  std::optional<double> value(const std::string& unit, const std::string& indicator,
                              const std::string& period) const override {
    auto it = values.find({unit, indicator, period});
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> assessment(const std::string& unit,
                                        const std::string& goal) const override {
    auto it = goals.find({unit, goal});
    if (it == goals.end()) return std::nullopt;
    return it->second;
  }
};

struct Fixture {
  ReportTemplate tpl = ReportTemplate::load(template_file());
  Hierarchy units = Hierarchy::load(units_dir());
  GeneratedProvince data;

  Fixture() {
    // Tây Ninh (72): every commune 1 model, every district 10, the Văn phòng 100, the
    // province itself 1000 (PL1.4, 2016). Commune one-stop figures: each commune received
    // 100 files, of which (its index % 2 ? 90 : 80) on time.
    int index = 0;
    for (const auto& u : units.units()) {
      if (!units.within(u.code, "72")) continue;
      if (u.level == UnitLevel::commune) {
        data.values[{u.code, "PL1.4", "2016"}] = 1;
        data.values[{u.code, "PL3.5.c.1", "2016"}] = 100;
        data.values[{u.code, "PL3.5.c.2", "2016"}] = (index++ % 2) ? 90 : 80;
      } else if (u.level == UnitLevel::district) {
        data.values[{u.code, "PL1.4", "2016"}] = 10;
      }
    }
    data.values[{"72-VP", "PL1.4", "2016"}] = 100;
    data.values[{"72", "PL1.4", "2016"}] = 1000;
    // Appendix 8: goal 3 answered by the Sở Nội vụ and the province.
    data.goals[{"72-SNV", "PL8.3"}] = "dat";
    data.goals[{"72", "PL8.3"}] = "khong_dat";
  }
};

}  // namespace

TEST_CASE("a district adds its own figure to its communes'", "[rollup]") {
  Fixture f;
  Rollup rollup(f.tpl, f.units, f.data);
  // Huyện Tân Biên (705) has 10 communes in the 2020 list.
  auto cell = rollup.cell("705", "PL1.4", "2016");
  REQUIRE(cell.value);
  CHECK(*cell.value == 10 + 10 * 1);
  CHECK(cell.contributions.size() == 11);
  CHECK(cell.missing.empty());
}

TEST_CASE("a province adds its own, its districts', communes' and departments' figures",
          "[rollup]") {
  Fixture f;
  Rollup rollup(f.tpl, f.units, f.data);
  // 95 communes × 1 + 9 districts × 10 + Văn phòng 100 + the province 1000.
  auto cell = rollup.cell("72", "PL1.4", "2016");
  REQUIRE(cell.value);
  CHECK(*cell.value == 95 + 90 + 100 + 1000);
  // Only the Văn phòng answers appendix 1 among the departments: the other five are not
  // contributors, so they are not "missing" either.
  for (const auto& c : cell.contributions) {
    if (c.unit.find('-') != std::string::npos) CHECK(c.unit == "72-VP");
  }
}

TEST_CASE("a ratio is recomputed from the summed counts, never averaged", "[rollup]") {
  Fixture f;
  // Make the communes unequal in size so that averaging their ratios would differ.
  f.data.values[{"25489", "PL3.5.c.1", "2016"}] = 1000;
  f.data.values[{"25489", "PL3.5.c.2", "2016"}] = 1000;
  Rollup rollup(f.tpl, f.units, f.data);
  auto cell = rollup.cell("705", "PL3.5.c", "2016");
  REQUIRE(cell.numerator);
  REQUIRE(cell.denominator);
  double num = 0, den = 0;
  for (const auto& c : cell.contributions) {
    if (c.value && c.denominator) {
      num += *c.value;
      den += *c.denominator;
    }
  }
  CHECK(*cell.numerator == num);
  CHECK(*cell.denominator == den);
  CHECK(den == 9 * 100 + 1000);
  REQUIRE(cell.value);
  CHECK(*cell.value == Approx(num * 100.0 / den));
  // The district itself filled nothing for this commune row: it is listed as missing.
  CHECK(cell.missing == std::vector<std::string>{"705"});
}

TEST_CASE("units without a value are listed as missing, and an empty cell has no value",
          "[rollup]") {
  Fixture f;
  f.data.values.erase({"25489", "PL1.4", "2016"});
  Rollup rollup(f.tpl, f.units, f.data);
  auto cell = rollup.cell("705", "PL1.4", "2016");
  CHECK(*cell.value == 10 + 9);
  CHECK(cell.missing == std::vector<std::string>{"25489"});
  auto empty = rollup.cell("705", "PL1.4", "2019");
  CHECK_FALSE(empty.value);
  CHECK(empty.missing.size() == 11);
}

TEST_CASE("appendix 8 rolls up as counts of Đạt and Không đạt", "[rollup]") {
  Fixture f;
  Rollup rollup(f.tpl, f.units, f.data);
  auto tally = rollup.goal("72", "PL8.3");
  CHECK(tally.dat == 1);
  CHECK(tally.khong_dat == 1);
  CHECK(tally.dat_units == std::vector<std::string>{"72-SNV"});
  CHECK(tally.khong_dat_units == std::vector<std::string>{"72"});
  // Goal 8 belongs to the Sở Thông tin và Truyền thông: it and the province are missing.
  auto eight = rollup.goal("72", "PL8.8");
  CHECK(eight.dat + eight.khong_dat == 0);
  CHECK(eight.missing.size() == 2);
}

TEST_CASE("roll-up refuses unknown units, indicators and periods", "[rollup]") {
  Fixture f;
  Rollup rollup(f.tpl, f.units, f.data);
  CHECK_THROWS_AS(rollup.cell("99999", "PL1.4", "2016"), Error);
  CHECK_THROWS_AS(rollup.cell("72", "PL9.9", "2016"), Error);
  CHECK_THROWS_AS(rollup.cell("72", "PL1.4", "2001-2010"), Error);
}

TEST_CASE("the whole-table roll-up gives the same figures as cell by cell", "[rollup]") {
  Fixture f;
  Rollup rollup(f.tpl, f.units, f.data);
  auto table = rollup.table("72", true);
  for (const char* code : {"PL1.4", "PL3.5.c"}) {
    for (const char* period : {"2016", "2019"}) {
      auto one = rollup.cell("72", code, period);
      const RolledCell* same = table.find(code, period);
      REQUIRE(same);
      CHECK(same->value == one.value);
      CHECK(same->missing == one.missing);
    }
  }
  CHECK(table.find("PL1.4", "2016")->value == 95 + 90 + 100 + 1000);
}

TEST_CASE("only counted reports roll up, the others are missing and the coverage says so",
          "[rollup]") {
  Fixture f;
  // Tân Biên's communes: only 25489 (Xã Tân Lập) has an accepted report.
  Rollup rollup(f.tpl, f.units, f.data, [](const Unit& u) { return u.code == "25489"; });
  auto cell = rollup.cell("705", "PL1.4", "2016");
  REQUIRE(cell.value);
  CHECK(*cell.value == 10 + 1);  // the district's own figure always counts
  CHECK(cell.missing.size() == 9);
  auto table = rollup.table("705");
  REQUIRE(table.find("PL1.4", "2016"));
  CHECK(*table.find("PL1.4", "2016")->value == 11);
  auto coverage = rollup.coverage("705");
  CHECK(coverage.counted == 1);
  CHECK(coverage.total == 10);
  CHECK(coverage.missing.size() == 9);
  CHECK(coverage.line() == "Số liệu tổng hợp từ 1/10 đơn vị");
  // Appendix 8: a department whose report does not count is not tallied.
  auto goal = rollup.goal("72", "PL8.3");
  CHECK(goal.dat == 0);
  CHECK(goal.khong_dat == 1);  // the province's own
}

TEST_CASE("a yes/no row rolls up as units answering 1 out of those answering", "[rollup]") {
  Fixture f;
  f.data.values[{"703", "PL1.3.a", "2019"}] = 1;
  f.data.values[{"705", "PL1.3.a", "2019"}] = 1;
  f.data.values[{"706", "PL1.3.a", "2019"}] = 0;
  Rollup rollup(f.tpl, f.units, f.data);
  auto cell = rollup.cell("72", "PL1.3.a", "2019");
  CHECK(cell.flag);
  REQUIRE(cell.value);
  CHECK(*cell.value == 2);
  CHECK(cell.flag_reporting == 3);
  auto table = rollup.table("72");
  const RolledCell* t = table.find("PL1.3.a", "2019");
  REQUIRE(t);
  CHECK(*t->value == 2);
  CHECK(t->flag_reporting == 3);
}
