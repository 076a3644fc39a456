#include "tongket/calendar_date.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace tongket {

namespace {

// Digits only (from_chars takes no sign or space for an unsigned), between min and max of them.
std::optional<unsigned> number(std::string_view s, std::size_t min, std::size_t max) {
  if (s.size() < min || s.size() > max) return std::nullopt;
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The three parts split at `sep`: exactly two separators.
std::optional<std::array<std::string_view, 3>> parts(std::string_view s, char sep) {
  const auto a = s.find(sep);
  if (a == std::string_view::npos) return std::nullopt;
  const auto b = s.find(sep, a + 1);
  if (b == std::string_view::npos || s.find(sep, b + 1) != std::string_view::npos)
    return std::nullopt;
  return std::array<std::string_view, 3>{s.substr(0, a), s.substr(a + 1, b - a - 1),
                                         s.substr(b + 1)};
}

}  // namespace

std::optional<CalendarDate> parse_calendar_date(std::string_view text) {
  const std::string_view s = trimmed(text);
  std::optional<unsigned> y, m, d;
  if (const auto dmy = parts(s, '/')) {
    d = number((*dmy)[0], 1, 2);
    m = number((*dmy)[1], 1, 2);
    y = number((*dmy)[2], 4, 4);
  } else if (const auto ymd = parts(s, '-')) {
    y = number((*ymd)[0], 4, 4);
    m = number((*ymd)[1], 2, 2);
    d = number((*ymd)[2], 2, 2);
  }
  if (!y || !m || !d) return std::nullopt;
  // 31/02 and 29/02/2019 are refused.
  const int year = static_cast<int>(*y);
  if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(year, *m)) return std::nullopt;
  return CalendarDate{year, *m, *d};
}

// <chrono>'s calendar knows the month lengths, leap years and day numbers: none hand-rolled.
unsigned days_in_month(int year, unsigned month) {
  using namespace std::chrono;
  return static_cast<unsigned>((std::chrono::year{year} / std::chrono::month{month} / last).day());
}

std::int64_t days_since_1970(const CalendarDate& date) {
  using namespace std::chrono;
  const sys_days d{std::chrono::year{date.year} / std::chrono::month{date.month} /
                   std::chrono::day{date.day}};
  return d.time_since_epoch().count();
}

std::string iso_date_text(const CalendarDate& date) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", date.year, date.month, date.day);
  return buf;
}

std::string vi_date_text(const CalendarDate& date) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", date.day, date.month, date.year);
  return buf;
}

}  // namespace tongket
