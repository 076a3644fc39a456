// What an export needs to know about one unit's report, independent of storage: the client
// fills the lookups from its local store, the server from a unit's rolled-up values.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tongket/hierarchy.hpp"
#include "tongket/report_template.hpp"

namespace tongket::report {

// One goal of appendix 8 as the unit assessed it.
struct Assessment {
  bool achieved = false;  // "dat" -> Đạt, "khong_dat" -> Không đạt
  std::string note;       // Ghi chú

  // From the stored field value {"result": "dat"|"khong_dat", "note": "..."}.
  // Throws Error(invalid_data) naming the goal when the result is neither.
  static Assessment from_json(const nlohmann::json& value, const std::string& goal);
};

using ValueFn = std::function<std::optional<nlohmann::json>(const std::string& indicator,
                                                            const std::string& period)>;
using TextFn = std::function<std::optional<std::string>(const std::string& section)>;
using AssessmentFn = std::function<std::optional<Assessment>(const std::string& goal)>;
// The rows of a repeating table, each an object keyed by the table's column ids.
using RowsFn = std::function<std::vector<nlohmann::json>(const std::string& table)>;

// The administrative document's frame (thể thức, Nghị định 30/2020/NĐ-CP), from the unit's
// synced fields t:VB.* (tongket/document_fields.hpp); empty parts print as dotted blanks.
struct DocumentInfo {
  std::string parent_body;   // VB.co_quan_chu_quan: "ỦY BAN NHÂN DÂN TỈNH TÂY NINH"
  std::string body;          // VB.co_quan: "SỞ NỘI VỤ" (default: the unit's name)
  std::string number;        // VB.so_ky_hieu: "125/BC-SNV" (printed "Số: 125/BC-SNV")
  std::string place;         // VB.dia_danh: "Tây Ninh"
  std::string date;          // VB.ngay: "2020-06-25" -> "ngày 25 tháng 6 năm 2020"
  std::string recipients;    // VB.noi_nhan: one recipient a line
  std::string authority;     // VB.tham_quyen: "TM. ỦY BAN NHÂN DÂN"
  std::string signer_title;  // VB.chuc_vu: "CHỦ TỊCH"
  std::string signer;        // VB.nguoi_ky: "Nguyễn Văn A"
};

struct ReportData {
  const ReportTemplate& tpl;
  std::string unit_code;  // "72", "703", "72-SNV"
  std::string unit_name;  // "Tỉnh Tây Ninh"
  UnitLevel level = UnitLevel::province;
  // Stored values: a number (count, percentage, flag) or a string (text). Ratios are not
  // stored: they are computed from their numerator and denominator.
  ValueFn value;
  TextFn text;              // a narrative section's text; lines become paragraphs
  AssessmentFn assessment;  // appendix 8
  RowsFn rows;              // repeating tables (PL4.III, ...)
  std::string title;        // empty: "BÁO CÁO" + the template's title
  std::string date;         // printed under the title as given ("Tây Ninh, ngày 30/6/2020")
  DocumentInfo doc;         // the document frame (.docx)
  // A rolled-up report: "Số liệu tổng hợp từ 7/15 đơn vị" and the names of the units whose
  // reports do not count yet. Empty for a unit's own figures.
  std::string coverage;
  std::vector<std::string> missing;
  // Lines printed under an appendix (by id): where the province's figures came from (a
  // department's accepted report) and where the province overrode them.
  std::map<std::string, std::vector<std::string>> notes;
  // Which template items (indicator, goal, table, section, appendix) this report holds; unset
  // holds every item its level fills. A department's report holds only its own parts.
  std::function<bool(const std::string& item)> includes;

  // The lookups tolerate being empty (std::function without a target): nothing is stored.
  std::optional<nlohmann::json> value_of(const std::string& indicator,
                                         const std::string& period) const;
  std::optional<std::string> text_of(const std::string& section) const;
  std::optional<Assessment> assessment_of(const std::string& goal) const;
  std::vector<nlohmann::json> rows_of(const std::string& table) const;
  bool holds(const std::string& item) const { return !includes || includes(item); }
  std::string document_title() const;
};

}  // namespace tongket::report
