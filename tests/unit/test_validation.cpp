// What a user may type and store, and the rules between a unit's values, on the real template.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "tongket/error.hpp"
#include "tongket/validation.hpp"

using namespace tongket;
using nlohmann::json;

namespace {

const ReportTemplate& tpl() {
  static ReportTemplate t = ReportTemplate::load(std::filesystem::path(TONGKET_SOURCE_DIR) /
                                                 "data/template/cchc-2011-2020.json");
  return t;
}

const Indicator& ind(std::string_view code) {
  const Indicator* i = tpl().indicator(code);
  REQUIRE(i);
  return *i;
}

// The message of the Error `f` throws, checking its code.
template <class F>
std::string refused(F f, Errc code = Errc::invalid_argument) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(errc_name(e.code()) == errc_name(code));
    return e.what();
  }
  FAIL("accepted");
  return {};
}

std::string parse_refused(std::string_view code, std::string_view text) {
  return refused([&] { parse_user_value(ind(code), text); });
}

struct Values {
  std::map<std::pair<std::string, std::string>, double> v;
  void set(const std::string& code, const std::string& period, double x) { v[{code, period}] = x; }
  ValueLookup lookup() const {
    return [this](const std::string& c, const std::string& p) -> std::optional<double> {
      auto it = v.find({c, p});
      if (it == v.end()) return std::nullopt;
      return it->second;
    };
  }
};

const Violation* find(const std::vector<Violation>& vs, std::string_view rule,
                      std::string_view period) {
  for (const auto& v : vs)
    if (v.rule == rule && v.period == period) return &v;
  return nullptr;
}

}  // namespace

TEST_CASE("parse_user_value: counts", "[validation]") {
  CHECK(parse_user_value(ind("PL3.1"), "12") == json(12));
  CHECK(parse_user_value(ind("PL3.1"), " 0 ") == json(0));
  CHECK(parse_user_value(ind("PL3.1"), "").is_null());
  CHECK_THAT(parse_refused("PL3.1", "-3"), Catch::Contains("-3: a count cannot be negative"));
  CHECK_THAT(parse_refused("PL3.1", "1.5"), Catch::Contains("1.5: a count is a whole number"));
  CHECK_THAT(parse_refused("PL3.1", "1,5"), Catch::Contains("a count is a whole number"));
  CHECK_THAT(parse_refused("PL3.1", "abc"), Catch::Contains("abc: not a number"));
  CHECK_THAT(parse_refused("PL3.1", "12abc"), Catch::Contains("not a number"));
  CHECK_THAT(parse_refused("PL3.1", "99999999999999999999999"), Catch::Contains("too large"));
  CHECK_THAT(parse_refused("PL3.1", "-3"), Catch::StartsWith("PL3.1: "));
}

TEST_CASE("parse_user_value: percentages", "[validation]") {
  const auto& p = ind("PL1.6.c");
  CHECK(parse_user_value(p, "45,5").get<double>() == Approx(45.5));
  CHECK(parse_user_value(p, "45.5").get<double>() == Approx(45.5));
  CHECK(parse_user_value(p, "45.5%").get<double>() == Approx(45.5));
  CHECK(parse_user_value(p, "100").get<double>() == Approx(100));
  CHECK(parse_user_value(p, "0").get<double>() == Approx(0));
  CHECK_THAT(parse_refused("PL1.6.c", "120"), Catch::Contains("120 is over 100%"));
  CHECK_THAT(parse_refused("PL1.6.c", "100,5%"), Catch::Contains("100.5 is over 100%"));
  CHECK_THAT(parse_refused("PL1.6.c", "-5"), Catch::Contains("cannot be negative"));
  CHECK_THAT(parse_refused("PL1.6.c", "4,5,5"), Catch::Contains("not a percentage"));
  CHECK_THAT(parse_refused("PL1.6.c", "nhiều"), Catch::Contains("not a percentage"));
}

TEST_CASE("parse_user_value: flags, text, and fields that hold no value", "[validation]") {
  const auto& f = ind("PL1.3.a");
  CHECK(parse_user_value(f, "1") == json(1));
  CHECK(parse_user_value(f, "0") == json(0));
  CHECK(parse_user_value(f, "có") == json(1));
  CHECK(parse_user_value(f, "Không") == json(0));
  CHECK_THAT(parse_refused("PL1.3.a", "2"), Catch::Contains("2: a yes/no field is 1 (có) or 0"));
  CHECK(parse_user_value(ind("PL1.3.e"), "Sân khấu hóa, pa-nô") == json("Sân khấu hóa, pa-nô"));
  CHECK_THAT(parse_refused("PL1.3.e", std::string("\xff\xfe")), Catch::Contains("UTF-8"));
  CHECK_THAT(parse_refused("PL3.5.a", "95"), Catch::Contains("PL3.5.a.1"));
  CHECK_THAT(parse_refused("PL3.4", "3"), Catch::Contains("heading"));
}

TEST_CASE("check_field: values", "[validation]") {
  auto ok = [](UnitLevel l, const FieldKey& k, const json& v) { check_field(tpl(), l, k, v); };
  CHECK_NOTHROW(ok(UnitLevel::province, FieldKey::value("PL3.1", "2016"), 120));
  CHECK_NOTHROW(ok(UnitLevel::commune, FieldKey::value("PL3.5.c.1", "2020"), 35));
  CHECK_NOTHROW(ok(UnitLevel::department, FieldKey::value("PL1.6.c", "2019"), 87.5));
  CHECK_NOTHROW(ok(UnitLevel::province, FieldKey::value("PL4.I.1", "2001-2010"), 19));
  CHECK_NOTHROW(ok(UnitLevel::province, FieldKey::value("PL4.I.5", "2011-2020"), "Sáp nhập"));
  CHECK_NOTHROW(ok(UnitLevel::commune, FieldKey::value("PL3.5.c.1", "2020"), nullptr));

  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::value("PL9.9", "2016"), 1); },
                     Errc::not_found),
             Catch::Contains("unknown indicator \"PL9.9\""));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::value("PL3.1", "2014"), 1); },
                     Errc::not_found),
             Catch::Contains("unknown period \"2014\""));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::value("PL3.1", "2001-2010"), 1); }),
             Catch::Contains("PL3.1 has no period \"2001-2010\""));
  CHECK_THAT(refused([&] { ok(UnitLevel::commune, FieldKey::value("PL3.1", "2016"), 1); }),
             Catch::Contains("PL3.1 is not filled by a commune (filled by: department, province)"));
  CHECK_THAT(refused([&] { ok(UnitLevel::department, FieldKey::value("PL3.5.c.1", "2016"), 1); }),
             Catch::Contains("not filled by a department"));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::value("PL3.1", "2016"), -3); }),
             Catch::Contains("cannot be negative"));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::value("PL3.1", "2016"), 1.5); }),
             Catch::Contains("whole number"));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::value("PL3.1", "2016"), "12"); }),
             Catch::Contains("whole number"));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::value("PL1.6.c", "2016"), 120); }),
             Catch::Contains("120 is over 100%"));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::value("PL1.3.a", "2016"), 2); }),
             Catch::Contains("1 or 0"));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::value("PL3.5.a", "2016"), 90); }),
             Catch::Contains("enter those two counts"));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::value("PL3.4", "2016"), 1); }),
             Catch::Contains("heading"));
}

TEST_CASE("check_field: texts, assessments and rows", "[validation]") {
  auto ok = [](UnitLevel l, const FieldKey& k, const json& v) { check_field(tpl(), l, k, v); };
  CHECK_NOTHROW(ok(UnitLevel::commune, FieldKey::text("KH.X.1.1"), "Kết quả..."));
  CHECK_NOTHROW(ok(UnitLevel::province, FieldKey::text("P1.II.2.1.a"), "..."));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::text("P9"), "x"); }, Errc::not_found),
             Catch::Contains("unknown section \"P9\""));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::text("P1.II"), "x"); }),
             Catch::Contains("only groups the sections under it"));
  CHECK_THAT(refused([&] { ok(UnitLevel::district, FieldKey::text("KH.X.1.1"), "x"); }),
             Catch::Contains("not filled by a district"));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::text("P3.3"), 5); }),
             Catch::Contains("must be a string"));

  CHECK_NOTHROW(ok(UnitLevel::province, FieldKey::assessment("PL8.3"), json{{"result", "dat"}}));
  CHECK_NOTHROW(ok(UnitLevel::department, FieldKey::assessment("PL8.10"),
                   json{{"result", "khong_dat"}, {"note", "Chưa có hệ thống định danh"}}));
  CHECK_NOTHROW(ok(UnitLevel::province, FieldKey::assessment("PL8.3"), nullptr));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::assessment("PL8.17"), nullptr); },
                     Errc::not_found),
             Catch::Contains("unknown goal \"PL8.17\""));
  CHECK_THAT(refused([&] {
               ok(UnitLevel::province, FieldKey::assessment("PL8.3"), json{{"result", "yes"}});
             }),
             Catch::Contains("is not one of dat, khong_dat"));
  CHECK_THAT(
      refused([&] { ok(UnitLevel::province, FieldKey::assessment("PL8.3"), json::object()); }),
      Catch::Contains("missing \"result\""));
  CHECK_THAT(refused([&] {
               ok(UnitLevel::province, FieldKey::assessment("PL8.3"),
                  json{{"result", "dat"}, {"note", 3}});
             }),
             Catch::Contains("note must be text"));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::assessment("PL8.3"), "dat"); }),
             Catch::Contains("an assessment is"));
  CHECK_THAT(refused([&] {
               ok(UnitLevel::commune, FieldKey::assessment("PL8.3"), json{{"result", "dat"}});
             }),
             Catch::Contains("not assessed by a commune"));

  json row{{"linh_vuc", "Giáo dục và đào tạo"},
           {"so_luong_2001_2010", 410},
           {"so_luong_2011_2020", 388}};
  CHECK_NOTHROW(ok(UnitLevel::province, FieldKey::row("PL4.III", "r1"), row));
  CHECK_NOTHROW(ok(UnitLevel::province, FieldKey::row("PL4.III", "r1"), nullptr));
  CHECK_THAT(refused([&] { ok(UnitLevel::province, FieldKey::row("PL4.IV", "r1"), row); },
                     Errc::not_found),
             Catch::Contains("unknown table \"PL4.IV\""));
  CHECK_THAT(refused([&] {
               ok(UnitLevel::province, FieldKey::row("PL4.III", "r1"), json{{"so_luong", 3}});
             }),
             Catch::Contains("unknown column \"so_luong\""));
  CHECK_THAT(
      refused([&] {
        ok(UnitLevel::province, FieldKey::row("PL4.III", "r1"), json{{"so_luong_2011_2020", -1}});
      }),
      Catch::Contains("cannot be negative"));
  CHECK_THAT(refused([&] { ok(UnitLevel::commune, FieldKey::row("PL4.III", "r1"), row); }),
             Catch::Contains("not filled by a commune"));
  CHECK_THAT(
      refused([&] { ok(UnitLevel::province, FieldKey::row("PL4.III", "r1"), json::array()); }),
      Catch::Contains("a row is an object"));
}

TEST_CASE("validate_values: a part never exceeds its whole", "[validation]") {
  Values v;
  v.set("PL5.1.a", "2016", 100);
  v.set("PL5.1.b", "2016", 120);
  v.set("PL5.1.a", "2017", 100);
  v.set("PL5.1.b", "2017", 98);
  v.set("PL5.2.b", "2017", 50);  // its whole is empty: not checked
  auto vs = validate_values(tpl(), UnitLevel::province, v.lookup());
  const Violation* x = find(vs, "R.PL5.1.b.le.a", "2016");
  REQUIRE(x);
  CHECK(x->severity == Severity::error);
  CHECK(x->indicator == "PL5.1.b");
  CHECK_THAT(x->message, Catch::StartsWith("PL5.1.b Tổng số có mặt (2016) = 120 exceeds PL5.1.a "
                                           "Tổng số được giao = 100"));
  CHECK_FALSE(find(vs, "R.PL5.1.b.le.a", "2017"));
  CHECK(vs.size() == 1);
}

TEST_CASE("validate_values: ratios, PAKN and TTHC levels", "[validation]") {
  Values v;
  v.set("PL3.5.c.1", "2019", 200);
  v.set("PL3.5.c.2", "2019", 201);
  v.set("PL3.6.a", "2019", 10);
  v.set("PL3.6.b", "2019", 12);
  v.set("PL3.6.c", "2019", 12);
  auto vs = validate_values(tpl(), UnitLevel::commune, v.lookup());
  CHECK(find(vs, "R.PL3.5.c.ratio", "2019"));
  CHECK(find(vs, "R.PL3.6.b.le.a", "2019"));
  CHECK_FALSE(find(vs, "R.PL3.6.c.le.b", "2019"));

  Values t;
  t.set("PL3.1", "2018", 1500);
  t.set("PL3.1.a", "2018", 1000);
  t.set("PL3.1.b", "2018", 300);
  t.set("PL3.1.c", "2018", 150);
  t.set("PL3.1.d", "2018", 1600);
  vs = validate_values(tpl(), UnitLevel::province, t.lookup());
  const Violation* sum = find(vs, "R.PL3.1.sum", "2018");
  REQUIRE(sum);
  CHECK(sum->severity == Severity::warning);
  CHECK_THAT(sum->message, Catch::Contains("add up to 1450"));
  CHECK(find(vs, "R.PL3.1.d.le.PL3.1", "2018"));
}

TEST_CASE("validate_values: children add up to their total", "[validation]") {
  Values v;
  // A commune fills only the commune kinds of PL2.1: they must add up to its total.
  v.set("PL2.1", "2017", 5);
  v.set("PL2.1.e", "2017", 2);
  v.set("PL2.1.f", "2017", 2);
  auto vs = validate_values(tpl(), UnitLevel::commune, v.lookup());
  const Violation* x = find(vs, "R.PL2.1.sum", "2017");
  REQUIRE(x);
  CHECK(x->severity == Severity::error);
  CHECK_THAT(x->message,
             Catch::Contains("(2017) = 5 but its parts add up to 4 (PL2.1.e 2 + PL2.1.f 2)"));
  v.set("PL2.1.f", "2017", 3);
  CHECK_FALSE(find(validate_values(tpl(), UnitLevel::commune, v.lookup()), "R.PL2.1.sum", "2017"));

  // The province left some kinds empty: only a sum over the total is wrong.
  Values p;
  p.set("PL2.1", "2016", 40);
  p.set("PL2.1.a", "2016", 10);
  CHECK_FALSE(find(validate_values(tpl(), UnitLevel::province, p.lookup()), "R.PL2.1.sum", "2016"));
  p.set("PL2.1.b", "2016", 35);
  CHECK(find(validate_values(tpl(), UnitLevel::province, p.lookup()), "R.PL2.1.sum", "2016"));

  // PL6.3 lists only some categories: under the total is fine, over is not.
  Values f;
  f.set("PL6.3", "2019", 30);
  f.set("PL6.3.a", "2019", 5);
  f.set("PL6.3.b", "2019", 10);
  f.set("PL6.3.c", "2019", 10);
  CHECK_FALSE(find(validate_values(tpl(), UnitLevel::province, f.lookup()), "R.PL6.3.sum", "2019"));
  f.set("PL6.3.c", "2019", 20);
  CHECK(find(validate_values(tpl(), UnitLevel::province, f.lookup()), "R.PL6.3.sum", "2019"));
}

TEST_CASE("validate_values: stored values out of range", "[validation]") {
  Values v;
  v.set("PL7.1", "2020", 130);
  v.set("PL1.3.a", "2020", 3);
  v.set("PL1.4", "2020", -1);
  v.set("PL1.2", "2020", 2.5);
  auto vs = validate_values(tpl(), UnitLevel::province, v.lookup());
  CHECK(vs.size() == 4);
  for (const auto& x : vs) CHECK(x.severity == Severity::error);
  CHECK(find(vs, "type", "2020"));
  CHECK(validate_values(tpl(), UnitLevel::province, Values{}.lookup()).empty());
}
