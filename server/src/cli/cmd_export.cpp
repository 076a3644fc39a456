#include <fstream>
#include <map>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "tongket/error.hpp"
#include "tongket/report/csv.hpp"
#include "tongket/report/docx.hpp"
#include "tongket/report/unit_report.hpp"
#include "tongket/report/xlsx.hpp"
#include "tongket/rollup.hpp"
#include "tongket/server/store_factory.hpp"

namespace tongket::server::cli {

namespace {

// The store's current fields, read once per unit: a province's roll-up asks for every
// contributor's fields many times over.
class StoreFields {
 public:
  explicit StoreFields(Store& store) : store_(store) {}

  const std::map<std::string, nlohmann::json>& of(const std::string& unit) {
    auto it = cache_.find(unit);
    if (it == cache_.end()) {
      std::map<std::string, nlohmann::json> fields;
      for (auto& [k, v] : store_.unit_fields(unit))
        if (!v.is_null()) fields[k] = std::move(v);
      it = cache_.emplace(unit, std::move(fields)).first;
    }
    return it->second;
  }

 private:
  Store& store_;
  std::map<std::string, std::map<std::string, nlohmann::json>> cache_;
};

}  // namespace

int export_report(const std::filesystem::path& data, const std::filesystem::path& units_dir,
                  const std::string& unit, bool rollup, bool include_submitted,
                  const std::string& format, const std::filesystem::path& out_file,
                  std::ostream& out) {
  if (format != "docx" && format != "xlsx" && format != "csv")
    throw Error(Errc::invalid_argument, "--format " + format + ": use docx, xlsx or csv");
  auto store = open_data_store(data);
  auto info = store->unit(unit);
  if (!info) throw Error(Errc::not_found, "unknown unit " + unit);
  const auto tpl = ReportTemplate::parse(store->identity().template_json, "the store's template");
  // The units files and the units an administrator added (`units add`).
  auto hierarchy = Hierarchy::load(units_dir);
  for (auto& added : store->added_units())
    if (!hierarchy.find(added.code)) hierarchy.add(std::move(added));
  if (!hierarchy.find(unit))
    throw Error(Errc::not_found, "unit " + unit + " is in the store but not in " +
                                     units_dir.string() +
                                     ": give the --units the store was "
                                     "initialised with");
  auto fields = std::make_shared<StoreFields>(*store);
  report::FieldFn field = [fields](const std::string& u,
                                   const FieldKey& key) -> std::optional<nlohmann::json> {
    const auto& f = fields->of(u);
    auto it = f.find(key.str());
    if (it == f.end()) return std::nullopt;
    return it->second;
  };
  report::UnitRowsFn rows = [fields](const std::string& u, const std::string& table) {
    std::vector<nlohmann::json> list;
    for (const auto& [k, v] : fields->of(u)) {
      auto key = FieldKey::parse(k);
      if (key && key->kind == FieldKind::row && key->item == table && v.is_object())
        list.push_back(v);
    }
    return list;
  };
  report::FieldSource source(field);
  // Only accepted reports count (a reviewer may add submitted ones); drafts never do.
  Rollup rolled(tpl, hierarchy, source, report::counted_reports(field, include_submitted));
  auto report_data = report::unit_report_data(tpl, hierarchy, field, rows, unit, info->level,
                                              rollup ? &rolled : nullptr);
  if (format == "docx") {
    report::write_docx(report_data, out_file);
  } else if (format == "xlsx") {
    report::write_xlsx(report_data, out_file);
  } else {
    std::ofstream file(out_file, std::ios::binary | std::ios::trunc);
    if (!file) throw Error(Errc::io_error, "cannot write " + out_file.string());
    report::write_csv(report_data, file);
    file.flush();
    if (!file) throw Error(Errc::io_error, "cannot write " + out_file.string());
  }
  out << (rollup ? "rolled-up report of " : "report of ") << info->name << " (" << unit
      << ") written to " << out_file.string() << "\n";
  if (!report_data.coverage.empty()) {
    out << report_data.coverage << (include_submitted ? " (kể cả báo cáo đã gửi, chưa duyệt)" : "")
        << "\n";
    if (!report_data.missing.empty())
      out << "chưa có: " << report_data.missing.size() << " đơn vị\n";
  }
  return 0;
}

}  // namespace tongket::server::cli
