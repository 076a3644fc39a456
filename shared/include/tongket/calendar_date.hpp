// A calendar date as a Vietnamese clerk writes it and as tongket stores it, in one place (the
// CLI, the web app and the exports all read and write dates through these):
// - stored: ISO "2020-06-25" (sorts, and older clients and servers read it as before);
// - shown and typed: "25/06/2020", as Vietnamese documents write dates (day/month/year).
// The calendar itself (month lengths, leap years, day numbers) is here too, for every module
// that checks or counts dates (templates, deadlines).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tongket {

struct CalendarDate {
  int year = 0;
  unsigned month = 0, day = 0;
};

// "25/06/2020", "5/6/2020" (day/month/year, one or two digits each, a four-digit year) or
// "2020-06-25" (ISO, as stored), spaces around allowed. nullopt for any other text and for a
// day its month does not have ("31/02/2020").
std::optional<CalendarDate> parse_calendar_date(std::string_view text);

std::string iso_date_text(const CalendarDate& date);  // "2020-06-25"
std::string vi_date_text(const CalendarDate& date);   // "25/06/2020"

// The days `month` (1-12) of `year` has, leap years counted: 29 for 2020-02, 28 for 2100-02.
unsigned days_in_month(int year, unsigned month);

// Days from 1970-01-01 to `date` (negative before it) in the proleptic Gregorian calendar.
// `date` must exist (as parse_calendar_date's do).
std::int64_t days_since_1970(const CalendarDate& date);

}  // namespace tongket
