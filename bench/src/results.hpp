// The one results table: each benchmark's figure beside its baseline and its target.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace tongket::bench {

struct ResultRow {
  std::string bench;     // "ingest (handle_push, SQLite)"
  std::string measured;  // "12,345 values/s"
  std::string baseline;  // "raw SQLite insert: 40,000 values/s" or "-"
  std::string target;    // "ratio >= 30%: met (31%)" or "-"
};

// One figure in machine-readable form (BENCH_JSON), so runs can be compared: ratio is
// value / baseline (a speed at least 0.4 of its baseline: ratio >= 0.4; bytes at most 4x
// theirs: ratio <= 4). The load average is read when the figure is added: a CPU or wall ratio
// means little without it.
struct Figure {
  std::string name;  // "ingest.wall_rate"
  double value = 0;
  std::string unit;  // "values/s", "bytes/report", "s"
  std::optional<double> baseline;
};

class Results {
 public:
  void add(ResultRow row);
  void note(std::string line);  // printed under the table
  void figure(const Figure& f);
  // A markdown table (readable in a terminal and pasteable into docs/benchmarks.md).
  void print(std::ostream& out) const;
  // One JSON object per line and figure: name, value, unit, baseline, ratio, load_average
  // (1-minute, when the figure was added), plus `context` (scale, date) in every object.
  void write_json(const std::filesystem::path& file, const std::string& context) const;

 private:
  struct Recorded {
    Figure figure;
    double load = 0;
  };
  std::vector<ResultRow> rows_;
  std::vector<std::string> notes_;
  std::vector<Recorded> figures_;
};

// The 1-minute load average (/proc/loadavg); -1 when unreadable.
double load_average();

// 12345.6 -> "12,346"; digits after the point when asked.
std::string fmt(double v, int decimals = 0);
std::string fmt_bytes(double bytes);  // "31.2 KB" (1 KB = 1000 bytes), "812 B"
std::string fmt_seconds(double s);    // "1.23 s", "45.6 ms"
std::string verdict(bool met);        // "met" / "NOT met"

}  // namespace tongket::bench
