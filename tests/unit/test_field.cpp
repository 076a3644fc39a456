#include <catch2/catch.hpp>

#include "tongket/field.hpp"

using tongket::FieldKey;
using tongket::FieldKind;

TEST_CASE("field keys round-trip and reject malformed keys", "[field]") {
  auto v = FieldKey::value("PL3.5.a.1", "2016");
  CHECK(v.str() == "v:PL3.5.a.1:2016");
  CHECK(FieldKey::parse(v.str()) == v);
  CHECK(FieldKey::parse("t:P1.II.2.1.a") == FieldKey::text("P1.II.2.1.a"));
  CHECK(FieldKey::parse("g:PL8.3") == FieldKey::assessment("PL8.3"));
  CHECK(FieldKey::parse("r:PL4.III:ab12") == FieldKey::row("PL4.III", "ab12"));
  CHECK_FALSE(FieldKey::parse("x:PL1"));
  CHECK_FALSE(FieldKey::parse("v:PL1"));
  CHECK_FALSE(FieldKey::parse("v:PL1:"));
  CHECK_FALSE(FieldKey::parse("t:a:b"));
  CHECK_FALSE(FieldKey::parse("t:"));
}

TEST_CASE("the review field carries workflow transitions", "[field]") {
  CHECK(FieldKey::review().str() == "w:report");
  CHECK(FieldKey::parse("w:report") == FieldKey::review());
  CHECK_FALSE(FieldKey::parse("w:other"));
  CHECK(tongket::field_kind_letter(FieldKind::review) == 'w');
}
