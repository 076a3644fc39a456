// The one number format: machine text, a Vietnamese reader's text, and a form field's text.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "tongket/number_format.hpp"

using namespace tongket;

TEST_CASE("number_text: whole numbers plain, fractions read back as the same double",
          "[number_format]") {
  CHECK(number_text(1234) == "1234");
  CHECK(number_text(-7) == "-7");
  CHECK(number_text(45.5) == "45.5");
  for (double v : {1.0 / 3, 2.0 / 3 * 100, 1e-7, 123456.789, 0.30000000000000004}) {
    INFO(v);
    CHECK(std::strtod(number_text(v).c_str(), nullptr) == v);
  }
  CHECK(number_text(std::numeric_limits<double>::quiet_NaN()).empty());
}

TEST_CASE("vi_number: '.' groups thousands, ',' marks decimals, trailing zeros dropped",
          "[number_format]") {
  CHECK(vi_number(1234, 0) == "1.234");
  CHECK(vi_number(1234567.5, 2) == "1.234.567,5");
  CHECK(vi_number(45.50, 2) == "45,5");
  CHECK(vi_number(-1000, 0) == "-1.000");
  CHECK(vi_number(-0.001, 2) == "0");
  CHECK(vi_number(999, 0) == "999");
}

TEST_CASE("vi_input_number: a form field's text has no grouping and a decimal comma",
          "[number_format]") {
  CHECK(vi_input_number(1234) == "1234");
  CHECK(vi_input_number(45.5) == "45,5");
  CHECK(vi_input_number(92.25, true) == "92,2");
  CHECK(vi_input_number(7, true) == "7,0");
}
