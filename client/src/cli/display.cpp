#include "cli/display.hpp"

#include "tongket/number_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tongket/platform.hpp"

namespace tongket::cli {

namespace {

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Combining diacritical marks U+0300..U+036F are 0xCC 0x80 .. 0xCD 0xAF in UTF-8.
bool is_combining_at(std::string_view s, std::size_t i) {
  if (i + 1 >= s.size()) return false;
  auto b0 = static_cast<unsigned char>(s[i]);
  auto b1 = static_cast<unsigned char>(s[i + 1]);
  return b0 == 0xCC || (b0 == 0xCD && b1 <= 0xAF);
}

// Byte length of the code point starting at i (1 for a stray byte).
std::size_t code_point_length(std::string_view s, std::size_t i) {
  std::size_t n = 1;
  while (i + n < s.size() && is_continuation(static_cast<unsigned char>(s[i + n]))) ++n;
  return n;
}

std::string pad(std::string_view text, std::size_t width, bool right) {
  std::size_t w = display_width(text);
  std::string fill(width > w ? width - w : 0, ' ');
  return right ? fill + std::string(text) : std::string(text) + fill;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); i += code_point_length(text, i)) {
    if (!is_combining_at(text, i)) ++width;
  }
  return width;
}

std::string truncate(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::string out;
  std::size_t used = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = code_point_length(text, i);
    bool combining = is_combining_at(text, i);
    if (!combining && used + 1 > width - 1) break;
    out.append(text.substr(i, n));
    if (!combining) ++used;
    i += n;
  }
  return out + "…";
}

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  width = std::max<std::size_t>(width, 1);
  std::vector<std::string> lines;
  std::string line;
  std::size_t line_width = 0;
  auto flush = [&] {
    lines.push_back(line);
    line.clear();
    line_width = 0;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\n' || text[i] == '\t') {
      if (text[i] == '\n') flush();
      ++i;
      continue;
    }
    std::size_t end = text.find_first_of(" \n\t", i);
    std::string_view word = text.substr(i, end == std::string_view::npos ? end : end - i);
    i += word.size();
    std::size_t w = display_width(word);
    if (line_width > 0 && line_width + 1 + w > width) flush();
    while (w > width) {  // a word longer than the line: cut it
      std::size_t cut = 0, cols = 0;
      while (cut < word.size() && cols < width - line_width) {
        if (!is_combining_at(word, cut)) ++cols;
        cut += code_point_length(word, cut);
      }
      line += std::string(word.substr(0, cut));
      flush();
      word.remove_prefix(cut);
      w = display_width(word);
    }
    if (word.empty()) continue;
    if (line_width > 0) {
      line += ' ';
      ++line_width;
    }
    line += std::string(word);
    line_width += w;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::size_t terminal_width() {
  if (const char* cols = std::getenv("COLUMNS")) {
    int n = std::atoi(cols);
    if (n >= 40) return static_cast<std::size_t>(n);
  }
  if (const std::size_t cols = platform::terminal_columns(); cols >= 40) return cols;
  return 120;
}

std::string render_table(const std::vector<Column>& columns,
                         const std::vector<std::vector<std::string>>& rows,
                         std::size_t total_width) {
  const std::size_t n = columns.size();
  std::vector<std::size_t> widths(n, 0);
  for (std::size_t c = 0; c < n; ++c) {
    widths[c] = display_width(columns[c].header);
    for (const auto& row : rows)
      if (c < row.size()) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  // The wrapping column gets what the others leave, but at least 20 columns.
  const std::size_t separators = n > 0 ? 3 * (n - 1) : 0;
  for (std::size_t c = 0; c < n; ++c) {
    if (!columns[c].wrap) continue;
    std::size_t others = separators;
    for (std::size_t o = 0; o < n; ++o)
      if (o != c) others += widths[o];
    std::size_t room = total_width > others ? total_width - others : 0;
    widths[c] = std::min(widths[c], std::max<std::size_t>(room, 20));
  }

  std::string out;
  auto emit_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < n; ++c) {
      if (c) line += " | ";
      line += pad(c < cells.size() ? cells[c] : "", widths[c], columns[c].right);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  std::vector<std::string> header;
  for (const auto& col : columns) header.push_back(col.header);
  emit_line(header);
  std::string rule;
  for (std::size_t c = 0; c < n; ++c) {
    if (c) rule += "-+-";
    rule += std::string(widths[c], '-');
  }
  out += rule + "\n";
  for (const auto& row : rows) {
    // Each cell becomes one or more lines: wrapped in the wrapping column, cut elsewhere.
    std::vector<std::vector<std::string>> cells(n);
    std::size_t height = 1;
    for (std::size_t c = 0; c < n; ++c) {
      std::string text = c < row.size() ? row[c] : "";
      cells[c] = columns[c].wrap ? wrap(text, widths[c])
                                 : std::vector<std::string>{truncate(text, widths[c])};
      height = std::max(height, cells[c].size());
    }
    for (std::size_t l = 0; l < height; ++l) {
      std::vector<std::string> line(n);
      for (std::size_t c = 0; c < n; ++c)
        if (l < cells[c].size()) line[c] = cells[c][l];
      emit_line(line);
    }
  }
  return out;
}

std::string format_value(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_number()) return number_text(value.get<double>());
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace tongket::cli
