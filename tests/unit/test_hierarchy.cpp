#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "temp_dir.hpp"
#include "tongket/error.hpp"
#include "tongket/hierarchy.hpp"
#include "tongket/paths.hpp"

using namespace tongket;
namespace fs = std::filesystem;

namespace {

const fs::path kUnits = fs::path(TONGKET_SOURCE_DIR) / "data" / "units";

const Hierarchy& real() {
  static const Hierarchy h = Hierarchy::load(kUnits);
  return h;
}

bool contains_name(const std::vector<const Unit*>& units, const std::string& name) {
  for (auto* u : units) {
    if (u->name == name) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("fold_vietnamese lower-cases and strips every diacritic", "[hierarchy]") {
  CHECK(fold_vietnamese("Thị Trấn Tân Biên") == "thi tran tan bien");
  CHECK(fold_vietnamese("ĐỒNG THÁP") == "dong thap");
  CHECK(fold_vietnamese("Đắk Lắk") == "dak lak");
  CHECK(fold_vietnamese("Thừa Thiên Huế") == "thua thien hue");
  CHECK(fold_vietnamese("ỹỴữỰẶẩỒờƠ") == "yyuuaaooo");
  // Decomposed input (a + combining grave) folds like the precomposed letter.
  CHECK(fold_vietnamese("a\xCC\x80") == "a");
  CHECK(fold_vietnamese("ABC-12, x") == "abc-12, x");
  // Other letters and broken bytes are kept, not dropped.
  CHECK(fold_vietnamese("Ñ\xFF") == "Ñ\xFF");
}

TEST_CASE("level names round-trip", "[hierarchy]") {
  for (auto level :
       {UnitLevel::province, UnitLevel::district, UnitLevel::commune, UnitLevel::department}) {
    CHECK(parse_level(level_name(level)) == level);
  }
  CHECK_FALSE(parse_level("ward"));
}

TEST_CASE("the real hierarchy has the 2020 counts and is consistent", "[hierarchy]") {
  // Load time is measured in bench/, not asserted here: test machines are shared and noisy.
  auto h = Hierarchy::load(kUnits);

  CHECK(h.count(UnitLevel::province) == 63);
  CHECK(h.count(UnitLevel::district) == 707);
  CHECK(h.count(UnitLevel::commune) == 10767);
  CHECK(h.count(UnitLevel::department) == 63 * 6);
  CHECK(h.units().size() == 63 + 707 + 10767 + 63 * 6);

  for (const auto& u : h.units()) {
    const Unit* parent = h.find(u.parent);
    switch (u.level) {
      case UnitLevel::province:
        CHECK(u.parent.empty());
        break;
      case UnitLevel::commune: {
        REQUIRE(parent);
        REQUIRE(parent->level == UnitLevel::district);
        const Unit* province = h.find(parent->parent);
        REQUIRE(province);
        CHECK(province->level == UnitLevel::province);
        CHECK(h.path(u.code).size() == 3);
        break;
      }
      case UnitLevel::district:
      case UnitLevel::department:
        REQUIRE(parent);
        CHECK(parent->level == UnitLevel::province);
        break;
    }
  }
}

TEST_CASE("Tây Ninh: districts, communes, departments", "[hierarchy]") {
  const auto& h = real();
  const Unit* tn = h.find("72");
  REQUIRE(tn);
  CHECK(tn->name == "Tỉnh Tây Ninh");
  CHECK(tn->level == UnitLevel::province);

  std::size_t districts = 0, communes = 0, departments = 0;
  for (auto* child : h.children("72")) {
    if (child->level == UnitLevel::district) {
      ++districts;
      communes += h.children(child->code).size();
    } else if (child->level == UnitLevel::department) {
      ++departments;
    }
  }
  CHECK(districts == 9);
  CHECK(communes == 95);
  CHECK(departments == 6);
  for (auto key : {"VP", "STP", "SNV", "STC", "STTTT", "SKHCN"}) {
    const Unit* dep = h.find(std::string("72-") + key);
    REQUIRE(dep);
    CHECK(dep->parent == "72");
    CHECK(h.within(dep->code, "72"));
  }
  CHECK(h.find("72-SNV")->name == "Sở Nội vụ tỉnh Tây Ninh");
  CHECK(h.find("72-VP")->type == "Văn phòng");
  CHECK(h.find("01-VP")->name == "Văn phòng Đoàn ĐBQH, HĐND và UBND thành phố Hà Nội");
  CHECK(h.find("7") == nullptr);
  CHECK(h.children("").empty());
}

TEST_CASE("path and within follow the parents", "[hierarchy]") {
  const auto& h = real();
  auto tan_bien = h.search("tan bien", UnitLevel::district);
  REQUIRE_FALSE(tan_bien.empty());
  const Unit* district = tan_bien.front();
  CHECK(district->name == "Huyện Tân Biên");
  auto communes = h.children(district->code);
  REQUIRE_FALSE(communes.empty());
  auto chain = h.path(communes.front()->code);
  REQUIRE(chain.size() == 3);
  CHECK(chain[0]->code == "72");
  CHECK(chain[1]->code == district->code);
  CHECK(chain[2]->code == communes.front()->code);
  CHECK(h.within(communes.front()->code, "72"));
  CHECK(h.within(communes.front()->code, district->code));
  CHECK(h.within("72", "72"));
  CHECK_FALSE(h.within("72", communes.front()->code));
  CHECK_FALSE(h.within(communes.front()->code, "01"));
  CHECK_FALSE(h.within("nope", "72"));
  CHECK(h.path("nope").empty());
}

TEST_CASE("search folds diacritics, ranks exact names first, filters by level", "[hierarchy]") {
  const auto& h = real();
  auto hits = h.search("tan bien");
  REQUIRE(hits.size() >= 2);
  CHECK(contains_name(hits, "Huyện Tân Biên"));
  CHECK(contains_name(hits, "Thị trấn Tân Biên"));
  // The exact names (with or without their type) come before partial matches.
  CHECK(fold_vietnamese(hits[0]->name).ends_with("tan bien"));
  CHECK(fold_vietnamese(hits[1]->name).ends_with("tan bien"));

  auto provinces = h.search("tay ninh", UnitLevel::province);
  REQUIRE(provinces.size() == 1);
  CHECK(provinces[0]->code == "72");
  CHECK(h.search("Tây Ninh").front()->code == "72");
  CHECK(h.search("TỈNH TÂY NINH").front()->code == "72");

  auto depts = h.search("so noi vu tay ninh", UnitLevel::department);
  REQUIRE(depts.size() == 1);
  CHECK(depts[0]->code == "72-SNV");

  for (auto* u : h.search("tan", UnitLevel::commune)) CHECK(u->level == UnitLevel::commune);
  CHECK(h.search("").empty());
  CHECK(h.search("   ").empty());
  CHECK(h.search("khong co dau ca").empty());
}

namespace {

struct UnitsDir {
  test::TempDir dir{"tongket-units"};
  UnitsDir() {
    test::write_file(dir / "provinces.csv",
                     "code,name,type\n72,Tỉnh Tây Ninh,Tỉnh\n01,Thành phố Hà Nội,Thành phố "
                     "Trung ương\n");
    test::write_file(dir / "districts.csv",
                     "code,name,type,province_code\n703,Huyện Tân Biên,Huyện,72\n");
    test::write_file(dir / "communes.csv",
                     "code,name,type,district_code\n25459,Thị trấn Tân Biên,Thị trấn,703\n");
    test::write_file(dir / "departments.csv",
                     "code,name,type,province_code\n72-SNV,Sở Nội vụ tỉnh Tây Ninh,Sở,72\n");
  }
};

// The message of the Error that loading `dir` throws; fails the test if none.
std::string load_error(const fs::path& dir, Errc expected = Errc::invalid_data) {
  try {
    Hierarchy::load(dir);
  } catch (const Error& e) {
    CHECK(e.code() == expected);
    return e.what();
  }
  FAIL("loading " << dir << " did not fail");
  return {};
}

}  // namespace

TEST_CASE("a small valid units dir loads", "[hierarchy]") {
  UnitsDir d;
  auto h = Hierarchy::load(d.dir.path());
  CHECK(h.units().size() == 5);
  CHECK(h.find("25459")->parent == "703");
}

TEST_CASE("malformed units files are refused naming file, line and field", "[hierarchy]") {
  UnitsDir d;
  const std::string communes = (d.dir / "communes.csv").string();
  const std::string districts = (d.dir / "districts.csv").string();

  SECTION("bad code") {
    test::write_file(d.dir / "communes.csv",
                     "code,name,type,district_code\n25459,Xã A,Xã,703\n2546,Xã B,Xã,703\n");
    auto msg = load_error(d.dir.path());
    CHECK_THAT(msg, Catch::Contains(communes + ":3: code"));
    CHECK_THAT(msg, Catch::Contains("2546"));
  }
  SECTION("unknown parent") {
    test::write_file(d.dir / "districts.csv",
                     "code,name,type,province_code\n703,Huyện Tân Biên,Huyện,72\n"
                     "704,Huyện X,Huyện,99\n");
    auto msg = load_error(d.dir.path());
    CHECK_THAT(msg, Catch::Contains(districts + ":3: province_code"));
    CHECK_THAT(msg, Catch::Contains("'99'"));
  }
  SECTION("a parent of the wrong level") {
    test::write_file(d.dir / "communes.csv", "code,name,type,district_code\n25459,Xã A,Xã,72\n");
    CHECK_THAT(load_error(d.dir.path()), Catch::Contains(communes + ":2: district_code"));
  }
  SECTION("missing column") {
    test::write_file(d.dir / "districts.csv", "code,name,province_code\n703,Huyện A,72\n");
    auto msg = load_error(d.dir.path());
    CHECK_THAT(msg, Catch::Contains(districts + ":1: type"));
    CHECK_THAT(msg, Catch::Contains("missing column"));
  }
  SECTION("duplicate code") {
    test::write_file(d.dir / "communes.csv",
                     "code,name,type,district_code\n25459,Xã A,Xã,703\n\n25459,Xã B,Xã,703\n");
    // The blank line still counts: the duplicate is on line 4.
    CHECK_THAT(load_error(d.dir.path()), Catch::Contains(communes + ":4: code"));
  }
  SECTION("unknown type") {
    test::write_file(d.dir / "communes.csv",
                     "code,name,type,district_code\n25459,Làng A,Làng,703\n");
    auto msg = load_error(d.dir.path());
    CHECK_THAT(msg, Catch::Contains(communes + ":2: type"));
    CHECK_THAT(msg, Catch::Contains("Làng"));
  }
  SECTION("wrong number of fields") {
    test::write_file(d.dir / "communes.csv",
                     "code,name,type,district_code\n25459,Xã A,Xã,703,extra\n");
    CHECK_THAT(load_error(d.dir.path()), Catch::Contains(communes + ":2: row"));
  }
  SECTION("broken quoting") {
    test::write_file(d.dir / "communes.csv",
                     "code,name,type,district_code\n25459,\"Xã \"A\",Xã,703\n");
    auto msg = load_error(d.dir.path());
    CHECK_THAT(msg, Catch::Contains(communes + ":2: malformed CSV"));
  }
  SECTION("a department whose code is not its province's") {
    test::write_file(d.dir / "departments.csv",
                     "code,name,type,province_code\n01-SNV,Sở Nội vụ,Sở,72\n");
    CHECK_THAT(load_error(d.dir.path()),
               Catch::Contains((d.dir / "departments.csv").string() + ":2: code"));
  }
  SECTION("a missing file") {
    fs::remove(d.dir / "departments.csv");
    CHECK_THAT(load_error(d.dir.path(), Errc::io_error), Catch::Contains("departments.csv"));
  }
}

TEST_CASE("quoted fields, CRLF and a BOM are read correctly", "[hierarchy]") {
  UnitsDir d;
  test::write_file(d.dir / "departments.csv",
                   "\xEF\xBB\xBF"
                   "code,name,type,province_code\r\n"
                   "72-VP,\"Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh Tây Ninh\",Văn phòng,72\r\n");
  auto h = Hierarchy::load(d.dir.path());
  REQUIRE(h.find("72-VP"));
  CHECK(h.find("72-VP")->name == "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh Tây Ninh");
}

TEST_CASE("a name with the district it lies in finds the one unit", "[hierarchy]") {
  auto h = tongket::Hierarchy::load(tongket::units_dir());
  auto hits = h.search("tan lap tan bien");
  REQUIRE(hits.size() == 1);
  CHECK(hits.front()->code == "25489");
  // Own-name matches still win: "tan bien" is the district and its town, not its communes.
  for (const auto* u : h.search("tan bien"))
    CHECK(tongket::fold_vietnamese(u->name).find("tan bien") != std::string::npos);
}

TEST_CASE("a department an administrator added joins the hierarchy, checked as the files are",
          "[hierarchy][units]") {
  UnitsDir d;
  auto h = Hierarchy::load(d.dir.path());
  h.add({"72-SYT", "Sở Y tế tỉnh Tây Ninh", "Sở", UnitLevel::department, "72"});
  REQUIRE(h.find("72-SYT"));
  CHECK(h.find("72-SYT")->level == UnitLevel::department);
  CHECK(h.within("72-SYT", "72"));
  CHECK(h.count(UnitLevel::department) == 2);
  auto children = h.children("72");
  CHECK(std::any_of(children.begin(), children.end(),
                    [](const Unit* u) { return u->code == "72-SYT"; }));
  auto hits = h.search("so y te");
  REQUIRE(hits.size() == 1);
  CHECK(hits.front()->code == "72-SYT");

  auto refused = [&](Unit u, const std::string& says) {
    try {
      h.add(u);
      FAIL("added " << u.code);
    } catch (const Error& e) {
      CHECK(e.code() == Errc::invalid_argument);
      CHECK_THAT(e.what(), Catch::Contains(says));
    }
  };
  refused({"72-SYT", "Sở Y tế", "Sở", UnitLevel::department, "72"}, "--code 72-SYT");
  refused({"99-SGD", "Sở Giáo dục", "Sở", UnitLevel::department, "99"}, "--parent 99");
  refused({"72-sgd", "Sở Giáo dục", "Sở", UnitLevel::department, "72"}, "--code 72-sgd");
  refused({"01-SGD", "Sở Giáo dục", "Sở", UnitLevel::department, "72"}, "mã tỉnh 72-");
  refused({"72-SGD", "Sở Giáo dục", "Phòng", UnitLevel::department, "72"}, "--type Phòng");
  CHECK(h.units().size() == 6);  // nothing more was added
}
