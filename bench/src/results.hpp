// The one results table: each benchmark's figure beside its baseline and its target.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace tongket::bench {

struct ResultRow {
  std::string bench;     // "ingest (handle_push, SQLite)"
  std::string measured;  // "12,345 values/s"
  std::string baseline;  // "raw SQLite insert: 40,000 values/s" or "-"
  std::string target;    // "ratio >= 30%: met (31%)" or "-"
};

class Results {
 public:
  void add(ResultRow row);
  void note(std::string line);  // printed under the table
  // A markdown table (readable in a terminal and pasteable into docs/benchmarks.md).
  void print(std::ostream& out) const;

 private:
  std::vector<ResultRow> rows_;
  std::vector<std::string> notes_;
};

// 12345.6 -> "12,346"; digits after the point when asked.
std::string fmt(double v, int decimals = 0);
std::string fmt_bytes(double bytes);  // "31.2 KB" (1 KB = 1000 bytes), "812 B"
std::string fmt_seconds(double s);    // "1.23 s", "45.6 ms"
std::string verdict(bool met);        // "met" / "NOT met"

}  // namespace tongket::bench
