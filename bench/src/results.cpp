#include "results.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>

namespace tongket::bench {

void Results::add(ResultRow row) {
  rows_.push_back(std::move(row));
}

void Results::note(std::string line) {
  notes_.push_back(std::move(line));
}

void Results::figure(const Figure& f) {
  figures_.push_back({f, load_average()});
}

void Results::write_json(const std::filesystem::path& file, const std::string& context) const {
  std::ofstream out(file);
  if (!out) throw std::runtime_error("BENCH_JSON: cannot write " + file.string());
  for (const auto& [f, load] : figures_) {
    nlohmann::json j = {{"name", f.name}, {"value", f.value}, {"unit", f.unit}};
    j["baseline"] = f.baseline ? nlohmann::json(*f.baseline) : nlohmann::json(nullptr);
    j["ratio"] = f.baseline && *f.baseline != 0 ? nlohmann::json(f.value / *f.baseline)
                                                : nlohmann::json(nullptr);
    j["load_average"] = load;
    j["context"] = context;
    out << j.dump() << "\n";
  }
  if (!out.flush()) throw std::runtime_error("BENCH_JSON: cannot write " + file.string());
}

double load_average() {
  std::ifstream in("/proc/loadavg");
  double one = -1;
  in >> one;
  return in ? one : -1;
}

void Results::print(std::ostream& out) const {
  out << "| benchmark | measured | baseline (same run) | target |\n";
  out << "|---|---|---|---|\n";
  for (const auto& r : rows_)
    out << "| " << r.bench << " | " << r.measured << " | " << r.baseline << " | " << r.target
        << " |\n";
  if (!notes_.empty()) out << "\n";
  for (const auto& n : notes_) out << "- " << n << "\n";
}

std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  const auto dot = s.find('.');
  std::string whole = s.substr(0, dot == std::string::npos ? s.size() : dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot);
  const bool neg = !whole.empty() && whole[0] == '-';
  if (neg) whole.erase(0, 1);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  return (neg ? "-" : "") + grouped + frac;
}

std::string fmt_bytes(double bytes) {
  if (bytes < 1000) return fmt(bytes) + " B";
  if (bytes < 1e6) return fmt(bytes / 1e3, 1) + " KB";
  return fmt(bytes / 1e6, 2) + " MB";
}

std::string fmt_seconds(double s) {
  if (s < 1) return fmt(s * 1e3, s < 0.01 ? 2 : 1) + " ms";
  return fmt(s, 2) + " s";
}

std::string verdict(bool met) {
  return met ? "met" : "NOT met";
}

}  // namespace tongket::bench
