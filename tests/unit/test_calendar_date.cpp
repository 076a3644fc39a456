// The one calendar (shared/calendar_date.hpp): month lengths and day numbers, and the modules
// that count or check dates through it -- review deadlines (sync's deadline_end_ms, the
// server's `deadline set`) -- keeping what they did before they shared it.
#include <catch2/catch.hpp>

#include <sstream>

#include "temp_dir.hpp"
#include "tongket/calendar_date.hpp"
#include "tongket/server/cli.hpp"
#include "tongket/sync/workflow.hpp"

using namespace tongket;
using tongket::test::TempDir;

TEST_CASE("days_in_month counts leap years by the Gregorian rule", "[calendar]") {
  const unsigned common[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (unsigned m = 1; m <= 12; ++m) {
    INFO("month " << m);
    CHECK(days_in_month(2019, m) == common[m - 1]);
    CHECK(days_in_month(2020, m) == (m == 2 ? 29u : common[m - 1]));
  }
  CHECK(days_in_month(2000, 2) == 29);  // divisible by 400
  CHECK(days_in_month(1900, 2) == 28);  // by 100, not 400
  CHECK(days_in_month(2100, 2) == 28);
  CHECK(days_in_month(2024, 2) == 29);
}

TEST_CASE("days_since_1970 numbers consecutive days from 1970-01-01", "[calendar]") {
  CHECK(days_since_1970({1970, 1, 1}) == 0);
  CHECK(days_since_1970({1969, 12, 31}) == -1);
  CHECK(days_since_1970({2000, 3, 1}) == 11017);
  CHECK(days_since_1970({2020, 3, 10}) == 18331);
  // Every day of 1900-2100 is one after the day before it: no month or leap day skipped.
  std::int64_t previous = days_since_1970({1900, 1, 1});
  CHECK(previous == -25567);
  for (int y = 1900; y <= 2100; ++y)
    for (unsigned m = 1; m <= 12; ++m)
      for (unsigned d = (y == 1900 && m == 1) ? 2 : 1; d <= days_in_month(y, m); ++d) {
        const std::int64_t n = days_since_1970({y, m, d});
        if (n != previous + 1) FAIL(iso_date_text({y, m, d}) << " is day " << n);
        previous = n;
      }
  CHECK(previous == 47846);  // 2100-12-31
}

TEST_CASE("a deadline past its month's end still runs on into the next month",
          "[calendar][deadline]") {
  // Stored deadlines keep their meaning: sync never refused these, the server refuses them
  // when an administrator sets one.
  CHECK(sync::deadline_end_ms("2020-02-30") == sync::deadline_end_ms("2020-03-01"));
  CHECK(sync::deadline_end_ms("2019-02-29") == sync::deadline_end_ms("2019-03-01"));
  CHECK(sync::deadline_end_ms("2020-04-31T17:00:00") ==
        sync::deadline_end_ms("2020-05-01T17:00:00"));
  CHECK(sync::deadline_end_ms("2020-12-31") == 1609433999999ULL);  // 23:59:59.999 UTC+7
}

TEST_CASE("deadline set names the month's length when the day does not exist",
          "[calendar][deadline]") {
  TempDir dir("tongket-calendar");
  const std::string data = dir.path().string();
  for (const auto& [date, expected] :
       {std::pair{"2023-02-29", "2023-02 has only 28 days"},
        std::pair{"2024-02-30", "2024-02 has only 29 days"},
        std::pair{"2023-04-31T08:00:00", "2023-04 has only 30 days"}}) {
    const char* argv[] = {"tongket-server", "deadline", "set",    "--level",   "commune",
                          "--date",         date,       "--data", data.c_str()};
    std::ostringstream out, err;
    INFO(date);
    CHECK(server::run_cli(9, argv, out, err) == 2);
    CHECK_THAT(err.str(), Catch::Contains(expected));
  }
}
