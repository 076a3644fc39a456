// Every number tongket writes as text, in one place (one rule each, used by the CLI, the web app,
// the exports and the messages):
// - number_text: for machines and round trips (CLI values, CSV, messages): "1234", "45.5".
// - vi_number: for a Vietnamese reader of a document or table: "." groups thousands, "," marks
//   decimals: "1.234", "45,5".
// - vi_input_number: a value in a form field, typed back the same way: "1234", "45,5" (no
//   grouping: "1.234" typed back would read as one point two three four).
#pragma once

#include <string>

namespace tongket {

// A whole number without a fraction; otherwise the shortest text that reads back as the same
// double. Non-finite values give "".
std::string number_text(double value);

// Rounded to at most max_decimals, trailing zeros dropped: 1234 -> "1.234", 45.50 -> "45,5".
std::string vi_number(double value, int max_decimals);

// One decimal when one_decimal (a ratio), else as number_text; "," as the decimal mark.
std::string vi_input_number(double value, bool one_decimal = false);

}  // namespace tongket
