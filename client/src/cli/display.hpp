// Text for the terminal: widths of UTF-8 text in columns, wrapping, and plain tables.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tongket {
struct Indicator;
}

namespace tongket::cli {

// Columns `text` takes: one per code point, none for combining marks (Vietnamese is
// precomposed, but text pasted in decomposed form still lines up).
std::size_t display_width(std::string_view text);
// At most `width` columns, ending in "…" when something was cut.
std::string truncate(std::string_view text, std::size_t width);
// Greedy word wrap to `width` columns; a word longer than a line is cut.
std::vector<std::string> wrap(std::string_view text, std::size_t width);

// Columns of the terminal: $COLUMNS, else the tty's width, else 120.
std::size_t terminal_width();

struct Column {
  std::string header;
  bool right = false;  // numbers are right-aligned
  bool wrap = false;   // the one column that takes the remaining width and wraps
};

// Renders rows under a header, columns separated by " | ", the wrapping column fitted so that
// the table is at most `total_width` wide.
std::string render_table(const std::vector<Column>& columns,
                         const std::vector<std::vector<std::string>>& rows,
                         std::size_t total_width);

// A stored value of an indicator for display: a number, or the text.
std::string format_value(const nlohmann::json& value);

}  // namespace tongket::cli
