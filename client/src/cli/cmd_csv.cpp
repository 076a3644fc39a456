// tongket import <file.csv> [--dry-run] / export <file.csv | ->: values as CSV with the header
// indicator,period,value. Import is all or nothing: every line is checked first, and the
// changes are written in one transaction.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/display.hpp"
#include "cli/values.hpp"
#include "tongket/csv.hpp"
#include "tongket/error.hpp"
#include "tongket/file.hpp"
#include "tongket/platform.hpp"
#include "tongket/validation.hpp"

namespace tongket::cli {

namespace {

const std::vector<std::string> kHeader = {"indicator", "period", "value"};
constexpr std::size_t kMaxErrorsShown = 50;

std::string trimmed(std::string s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

std::string read_input(Context& ctx, const std::string& file) {
  if (file == "-") {
    std::ostringstream buf;
    buf << ctx.in.rdbuf();
    return buf.str();
  }
  return read_file(file, "the values file");
}

std::vector<CsvRecord> read_records(Context& ctx, const std::string& file) {
  try {
    return parse_csv(read_input(ctx, file), file);
  } catch (const Error& e) {
    if (e.code() != Errc::invalid_data) throw;
    throw Error(e.code(), std::string(e.what()) + "; nothing was imported");
  }
}

struct Change {
  FieldWrite write;
  nlohmann::json before;
};

}  // namespace

int cmd_import(Context& ctx) {
  const std::string file = ctx.operands()[0];
  const bool dry_run = ctx.args().has("dry-run");
  const auto& tpl = ctx.report_template();
  auto& s = ctx.store();
  ctx.check_unlocked(ctx.unit());  // one clear message, not one per line
  const auto records = read_records(ctx, file);
  if (records.empty())
    throw Error(
        Errc::invalid_data,
        file +
            ":1: empty file; the first line must be indicator,period,value; nothing was imported");
  {
    std::vector<std::string> header;
    for (const auto& f : records.front().fields) header.push_back(trimmed(f));
    if (header != kHeader) {
      std::string found;
      for (const auto& f : header) found += (found.empty() ? "" : ",") + f;
      throw Error(Errc::invalid_data, file + ":" + std::to_string(records.front().line) +
                                          ": the header must be indicator,period,value (found: " +
                                          found + "); nothing was imported");
    }
  }

  std::vector<Error> errors;
  std::vector<Change> changes;
  std::size_t unchanged = 0;
  std::map<std::string, std::size_t> seen;  // field key -> line
  for (std::size_t r = 1; r < records.size() && errors.size() < kMaxErrorsShown; ++r) {
    const auto& rec = records[r];
    const std::string at = file + ":" + std::to_string(rec.line) + ": ";
    // Which column a problem is in, for the message.
    std::string column = "row";
    try {
      if (rec.fields.size() != 3) {
        throw Error(Errc::invalid_data, "expected 3 fields (indicator,period,value), found " +
                                            std::to_string(rec.fields.size()));
      }
      column = "indicator";
      const Indicator& ind = find_indicator(tpl, trimmed(rec.fields[0]));
      const auto key = FieldKey::value(ind.code, trimmed(rec.fields[1]));
      column = "period";
      if (std::find(ind.periods.begin(), ind.periods.end(), key.detail) == ind.periods.end())
        check_field(tpl, ctx.level(), key, nullptr);  // says what is wrong with the period
      column = "indicator";
      ctx.check_writable(key, nullptr);
      column = "value";
      const auto value = parse_user_value(ind, rec.fields[2]);
      ctx.check_writable(key, value);
      column = "indicator,period";
      if (auto [it, fresh] = seen.emplace(key.str(), rec.line); !fresh) {
        throw Error(Errc::invalid_data,
                    ind.code + " " + key.detail + " is also on line " + std::to_string(it->second));
      }
      auto before = s.get_field(ctx.unit(), key).value_or(nullptr);
      if (before == value) {
        ++unchanged;
      } else {
        changes.push_back({{ctx.unit(), key, value}, std::move(before)});
      }
    } catch (const Error& e) {
      errors.emplace_back(e.code(), at + column + ": " + e.what());
    }
  }
  if (!errors.empty()) {
    for (const auto& e : errors) ctx.err << "tongket: " << e.what() << "\n";
    throw Error(errors.front().code(),
                "nothing was imported: " + std::to_string(errors.size()) + " error(s) in " + file +
                    (errors.size() >= kMaxErrorsShown ? " (stopped counting)" : ""));
  }

  if (dry_run) {
    for (const auto& c : changes) {
      ctx.out << c.write.key.item << " " << c.write.key.detail << ": "
              << (c.before.is_null() ? "(empty)" : format_value(c.before)) << " -> "
              << (c.write.value.is_null() ? "(empty)" : format_value(c.write.value)) << "\n";
    }
    ctx.out << changes.size() << " value(s) would change, " << unchanged
            << " unchanged (dry run: nothing was written)\n";
    return 0;
  }
  std::vector<FieldWrite> writes;
  writes.reserve(changes.size());
  for (auto& c : changes) writes.push_back(std::move(c.write));
  if (!writes.empty()) s.set_fields(writes, ctx.author(), system_time_ms());
  ctx.out << "Imported " << writes.size() << " value(s), " << unchanged << " unchanged\n";
  return 0;
}

int cmd_export_values(Context& ctx) {
  const std::string target = ctx.operands()[0];
  const auto& tpl = ctx.report_template();
  auto& s = ctx.store();
  std::map<std::string, nlohmann::json> stored;
  for (const auto& f : s.fields(ctx.unit(), FieldKind::value))
    if (!f.value.is_null()) stored[f.key.str()] = f.value;

  std::ostringstream csv;
  write_csv_record(csv, kHeader);
  std::size_t rows = 0;
  for (const auto& ind : tpl.indicators()) {  // the form's order
    for (const auto& period : ind.periods) {
      auto it = stored.find(FieldKey::value(ind.code, period).str());
      if (it == stored.end()) continue;
      write_csv_record(csv, {ind.code, period, format_value(it->second)});
      ++rows;
    }
  }
  if (target == "-") {
    ctx.out << csv.str();
    return 0;
  }
  // Written beside the target and renamed, so a failure never leaves half a file.
  const std::filesystem::path path = platform::path_from_utf8(target);
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << csv.str();
    out.close();
    if (!out) throw Error(Errc::io_error, "cannot write " + platform::path_to_utf8(tmp));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw Error(Errc::io_error, "cannot write " + target);
  }
  ctx.out << "Exported " << rows << " value(s) to " << target << "\n";
  return 0;
}

}  // namespace tongket::cli
