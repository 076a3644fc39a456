#include "rollup_bench.hpp"
#include "timing.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "tongket/rollup.hpp"

namespace tongket::bench {

namespace {

// Every unit's own values in memory, one slot per (indicator, period) of the template, as a
// server-side cache of field_values would hold them. Lookups allocate nothing.
class GeneratedCountry final : public ReportSource {
 public:
  GeneratedCountry(const ReportTemplate& tpl, const Hierarchy& units, const ReportGenerator& gen) {
    for (const auto& ind : tpl.indicators()) {
      auto& periods = slot_[ind.code];
      for (const auto& p : ind.periods) periods[p] = slots_++;
    }
    for (const auto& u : units.units()) {
      auto& row = values_[u.code];
      row.assign(slots_, std::numeric_limits<double>::quiet_NaN());
      for (const auto& v : gen.values(u)) {
        row[slot_.at(v.indicator).at(v.period)] = v.value;
        ++count_;
      }
    }
  }
  std::optional<double> value(const std::string& unit, const std::string& indicator,
                              const std::string& period) const override {
    // The roll-up asks for one unit's values in a row: remember the last unit found.
    if (!last_row_ || unit != last_unit_) {
      auto u = values_.find(unit);
      if (u == values_.end()) return std::nullopt;
      last_unit_ = unit;
      last_row_ = &u->second;
    }
    auto i = slot_.find(indicator);
    if (i == slot_.end()) return std::nullopt;
    auto p = i->second.find(period);
    if (p == i->second.end()) return std::nullopt;
    double v = (*last_row_)[p->second];
    if (std::isnan(v)) return std::nullopt;
    return v;
  }
  std::optional<std::string> assessment(const std::string&, const std::string&) const override {
    return std::nullopt;
  }
  std::size_t count() const { return count_; }
  // Every stored number, in one array: the baseline's input.
  std::vector<double> flat() const {
    std::vector<double> out;
    out.reserve(count_);
    for (const auto& [unit, row] : values_)
      for (double v : row)
        if (!std::isnan(v)) out.push_back(v);
    return out;
  }

 private:
  std::unordered_map<std::string, std::unordered_map<std::string, std::size_t>> slot_;
  std::unordered_map<std::string, std::vector<double>> values_;
  std::size_t slots_ = 0;
  std::size_t count_ = 0;
  mutable std::string last_unit_;
  mutable const std::vector<double>* last_row_ = nullptr;
};

std::size_t cells_of(const RolledTable& t) {
  std::size_t n = 0;
  for (const auto& [ind, row] : t.cells) n += row.size();
  return n;
}

}  // namespace

void run_rollup(BenchEnv& env) {
  std::cerr << "roll-up: generating every unit's values\n";
  GeneratedCountry data(env.tpl, env.units, *env.generator);
  Rollup rollup(env.tpl, env.units, data);

  // The bulk table must give cell()'s figures: checked on the province, every cell.
  auto start = Clock::now();
  RolledTable province = rollup.table(kBenchProvince);
  const double province_s = since(start);
  start = Clock::now();
  std::size_t cells = 0;
  for (const auto& [ind, row] : province.cells)
    for (const auto& [period, cell] : row) {
      RolledCell one = rollup.cell(kBenchProvince, ind, period);
      if (one.value != cell.value || one.missing.size() != cell.missing_count ||
          one.contributions.size() != cell.contributor_count)
        throw std::runtime_error("roll-up: table() and cell() differ at " + ind + " " + period);
      ++cells;
    }
  const double province_cells_s = since(start);

  // The whole country, a few times (it is short), best of three.
  double country_s = 1e9, country_cpu = 1e9;
  RolledTable country;
  for (int i = 0; i < 3; ++i) {
    start = Clock::now();
    const double c0 = thread_cpu();
    country = rollup.country_table();
    country_cpu = std::min(country_cpu, thread_cpu() - c0);
    country_s = std::min(country_s, since(start));
  }
  const auto flat = data.flat();
  double baseline_s = 1e9, sum = 0;
  for (int i = 0; i < 3; ++i) {
    start = Clock::now();
    double s = 0;
    for (double v : flat) s += v;
    baseline_s = std::min(baseline_s, since(start));
    sum += s;
  }
  if (sum == 42) std::cerr << "";  // keeps the loop from being optimised away

  const Unit* p = env.units.find(kBenchProvince);
  env.results.add({"roll-up: province " + p->name + ", whole table (" +
                       fmt(static_cast<double>(cells_of(province))) + " cells), Rollup::table",
                   fmt_seconds(province_s),
                   "cell() per cell: " + fmt_seconds(province_cells_s) + " (same figures)", "-"});
  env.results.add(
      {"roll-up: whole country (" + fmt(static_cast<double>(cells_of(country))) + " cells over " +
           fmt(static_cast<double>(data.count())) + " stored values), Rollup::country_table",
       fmt_seconds(country_s) + " wall, " + fmt_seconds(country_cpu) + " CPU",
       "plain loop summing the same " + fmt(static_cast<double>(flat.size())) +
           " numbers from an array: " + fmt_seconds(baseline_s),
       "< 1 s: " + verdict(country_s < 1.0) + " (" + fmt_seconds(country_s) + " wall)"});
  env.results.figure({"rollup.country_table.wall", country_s, "s", baseline_s});
  env.results.figure({"rollup.country_table.cpu", country_cpu, "s", std::nullopt});
}

}  // namespace tongket::bench
