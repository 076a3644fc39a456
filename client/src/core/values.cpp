// Values: one cell, a pasted block (all or nothing, every bad cell named), a CSV import, the
// blank CSV to fill. Every write goes through Impl::write (one transaction).
#include <algorithm>
#include <map>
#include <sstream>

#include "core/workspace_impl.hpp"
#include "tongket/csv.hpp"
#include "tongket/error.hpp"
#include "tongket/validation.hpp"

namespace tongket::client {

namespace {

std::string trimmed(const std::string& s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// What a type accepts, for a clerk (Vietnamese); the English engine message otherwise.
std::string value_message(Workspace::Impl& d, const Indicator& ind, const std::string& text,
                          const Error& e) {
  if (d.lang() != Language::vi) return e.what();
  std::string id = "value.bad_count";
  if (ind.type == ValueType::percentage) id = "value.bad_percentage";
  if (ind.type == ValueType::flag) id = "value.bad_flag";
  if (ind.type == ValueType::ratio) id = "value.ratio";
  if (ind.type == ValueType::heading) id = "value.heading";
  return d.msg(id, {ind.code, text, ind.numerator, ind.denominator});
}

struct Prepared {
  FieldKey key;
  nlohmann::json value;
};

// One cell checked as a write would check it (template, level, ownership, lock); throws Error
// whose message names the cell. `column` is set to the part that was wrong.
Prepared prepare(Workspace::Impl& d, const std::string& code, const std::string& period,
                 const std::string& text, std::string* column = nullptr) {
  auto at = [&](const char* c) {
    if (column) *column = c;
  };
  at("indicator");
  const Indicator& ind = d.find_indicator(trimmed(code));
  at("period");
  const auto key = FieldKey::value(ind.code, d.check_period(ind, trimmed(period)));
  at("indicator");
  d.check_writable(key, nullptr);  // the row, its period and this unit's level
  at("value");
  nlohmann::json value;
  try {
    value = parse_user_value(ind, text);
    d.check_writable(key, value);
  } catch (const Error& e) {
    if (e.code() == Errc::locked) throw;
    throw Error(e.code(), value_message(d, ind, text, e));
  }
  return {key, value};
}

CellChange change_of(const FieldKey& key, const nlohmann::json& before,
                     const nlohmann::json& after) {
  return {key.item + "@" + key.detail, key.item, key.detail, shown_value(before),
          shown_value(after)};
}

SaveResult write_prepared(Workspace::Impl& d, const std::vector<Prepared>& cells, bool dry_run) {
  SaveResult result;
  std::vector<std::pair<FieldKey, nlohmann::json>> writes;
  for (const auto& c : cells) {
    auto before = d.store.get_field(d.unit(), c.key).value_or(nullptr);
    if (before == c.value) {
      ++result.unchanged;
      continue;
    }
    result.changes.push_back(change_of(c.key, before, c.value));
    writes.emplace_back(c.key, c.value);
  }
  result.changed = writes.size();
  if (!dry_run && !writes.empty()) d.write(writes);
  if (!dry_run) result.problems = d.validate_stored(d.unit(), d.level());
  return result;
}

constexpr std::size_t kMaxProblems = 50;

}  // namespace

SaveResult Workspace::set_value(const std::string& indicator, const std::string& period,
                                const std::string& text) {
  auto& d = *impl_;
  return write_prepared(d, {prepare(d, indicator, period, text)}, false);
}

SaveResult Workspace::set_values(const std::vector<CellInput>& cells) {
  auto& d = *impl_;
  d.check_unlocked(d.unit());  // one clear message, not one per cell
  std::vector<Prepared> ok;
  std::vector<Problem> bad;
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const auto& c = cells[i];
    const std::string name = trimmed(c.indicator) + "@" + trimmed(c.period);
    try {
      auto p = prepare(d, c.indicator, c.period, c.text);
      if (auto [it, fresh] = seen.emplace(p.key.str(), i); !fresh)
        throw Error(Errc::invalid_argument, d.msg("paste.twice", {name}));
      ok.push_back(std::move(p));
    } catch (const Error& e) {
      const Indicator* ind = d.tpl.indicator(trimmed(c.indicator));
      bad.push_back({name, ind ? ind->label : "", trimmed(c.period), "value", true, e.what()});
    }
  }
  if (!bad.empty()) {
    std::string list;
    for (std::size_t i = 0; i < bad.size() && i < 5; ++i)
      list += (list.empty() ? "" : "; ") + bad[i].field;
    auto text = d.msg("paste.refused", {std::to_string(bad.size()), list});
    throw CellsRefused(Errc::invalid_argument, std::move(text), std::move(bad));
  }
  return write_prepared(d, ok, false);
}

SaveResult Workspace::import_csv(const std::string& csv_text, const std::string& file,
                                 bool dry_run) {
  auto& d = *impl_;
  d.check_unlocked(d.unit());
  std::vector<CsvRecord> records;
  try {
    records = parse_csv(csv_text, file);
  } catch (const Error& e) {
    if (e.code() != Errc::invalid_data) throw;
    throw Error(e.code(), std::string(e.what()) + d.msg("import.nothing_suffix"));
  }
  if (records.empty()) throw Error(Errc::invalid_data, d.msg("import.empty", {file}));
  {
    std::vector<std::string> header;
    for (const auto& f : records.front().fields) header.push_back(trimmed(f));
    if (header != std::vector<std::string>{"indicator", "period", "value"}) {
      std::string found;
      for (const auto& f : header) found += (found.empty() ? "" : ",") + f;
      throw Error(Errc::invalid_data,
                  d.msg("import.header", {file, std::to_string(records.front().line), found}));
    }
  }
  std::vector<Prepared> ok;
  std::vector<Problem> bad;
  Errc first_code = Errc::invalid_data;
  std::map<std::string, std::size_t> seen;  // field key -> line
  for (std::size_t r = 1; r < records.size() && bad.size() < kMaxProblems; ++r) {
    const auto& rec = records[r];
    const std::string at = file + ":" + std::to_string(rec.line) + ": ";
    std::string column = "row";
    try {
      if (rec.fields.size() != 3)
        throw Error(Errc::invalid_data,
                    d.msg("import.fields", {std::to_string(rec.fields.size())}));
      auto p = prepare(d, rec.fields[0], rec.fields[1], rec.fields[2], &column);
      column = "indicator,period";
      if (auto [it, fresh] = seen.emplace(p.key.str(), rec.line); !fresh)
        throw Error(Errc::invalid_data,
                    d.msg("import.twice", {p.key.item, p.key.detail, std::to_string(it->second)}));
      ok.push_back(std::move(p));
    } catch (const Error& e) {
      if (bad.empty()) first_code = e.code();
      bad.push_back({trimmed(rec.fields.empty() ? "" : rec.fields[0]) + "@" +
                         (rec.fields.size() > 1 ? trimmed(rec.fields[1]) : ""),
                     "", "", column, true, at + column + ": " + e.what()});
    }
  }
  if (!bad.empty()) {
    // The message before the move: argument evaluation order is unspecified.
    auto text = d.msg("import.refused",
                      {std::to_string(bad.size()), file,
                       bad.size() >= kMaxProblems ? d.msg("import.stopped") : std::string()});
    throw CellsRefused(first_code, std::move(text), std::move(bad));
  }
  return write_prepared(d, ok, dry_run);
}

std::string Workspace::export_blank() {
  auto& d = *impl_;
  const auto lvl = d.level();
  const auto dept = d.department_key();
  std::ostringstream csv;
  write_csv_record(csv, {"indicator", "period", "value"});
  for (const auto& ind : d.tpl.indicators()) {
    if (ind.periods.empty() || ind.type == ValueType::ratio || ind.type == ValueType::heading)
      continue;
    if (!has_level(ind.levels, lvl)) continue;
    if (!dept.empty() && !d.tpl.department_answers(dept, ind.code)) continue;
    for (const auto& p : ind.periods) {
      auto v = d.store.get_field(d.unit(), FieldKey::value(ind.code, p)).value_or(nullptr);
      // Plain decimal point: the import reads both, and a spreadsheet in any locale opens it.
      std::string text = v.is_null() ? "" : v.is_number() ? v.dump() : v.get<std::string>();
      if (v.is_number() && std::abs(v.get<double>() - std::round(v.get<double>())) < 1e-9)
        text = std::to_string(std::llround(v.get<double>()));
      write_csv_record(csv, {ind.code, p, text});
    }
  }
  return csv.str();
}

}  // namespace tongket::client
