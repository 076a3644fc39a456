// The official report template (Công văn 6503/BNV-CCHC and the province's plan) as data.
// Loaded from data/template/*.json at start; never compiled into code.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tongket/hierarchy.hpp"

namespace tongket {

enum class ValueType { count, percentage, flag, ratio, text, heading };
enum class RollUp { sum, ratio, none };
enum class Severity { error, warning };

std::string_view value_type_name(ValueType type);

struct Period {
  std::string id;     // "2015" .. "2020", "2001-2010", "2011-2020"
  std::string label;  // "Năm 2020 (Tính đến 31/3)"
};

struct Indicator {
  std::string code;      // stable, e.g. "PL3.5.a.1"
  std::string appendix;  // "PL3"
  std::string stt;       // the row number as printed ("1", "-", "5.")
  std::string label;     // official Vietnamese label, verbatim
  std::string parent;    // parent indicator's code; empty at top level
  ValueType type = ValueType::count;
  std::vector<std::string> periods;  // period ids it has; empty for a heading
  RollUp rollup = RollUp::sum;
  // For type ratio: the two count indicators it is computed from (stored values).
  std::string numerator;
  std::string denominator;
  std::vector<UnitLevel> levels;  // which levels fill it
  std::string note;               // a decision recorded about this row, if any
  // Department keys that answer this row (computed at load: the most specific part among
  // the departments' parts, so PL7.14 is SKHCN's while the rest of PL7 is STTTT's).
  std::vector<std::string> responsible;
};

// A rule between values of one unit and one period.
struct Rule {
  std::string id;
  enum class Kind { part_le_whole, children_sum } kind = Kind::part_le_whole;
  std::string left;   // part_le_whole: the part; children_sum: the parent ("tổng số")
  std::string right;  // part_le_whole: the whole
  Severity severity = Severity::error;
  std::string message;  // Vietnamese explanation shown to the user
  // children_sum: the children that add up to `left`; empty means all of left's children
  // that hold a number. With `partial`, the children cover only part of the parent (the
  // form omits a category), so only a sum over the parent is wrong.
  std::vector<std::string> parts;
  bool partial = false;
};

struct Section {
  std::string id;  // "P1.II.2.1.a"; the plan's items "KH.X.1.1" (commune), "KH.H.2.3" (district)
  std::string parent;    // parent section id; empty at top
  std::string number;    // as printed: "I", "1.", "a)", "-"
  std::string heading;   // official heading, verbatim
  bool writable = true;  // false for a heading that only groups others
  std::vector<UnitLevel> levels;
  std::vector<std::string> guidance;  // the outline's bullets under this heading, verbatim
  std::string source;                 // "6503" (the outline) or "KH" (the province's plan)
};

struct Appendix {
  std::string id;     // "PL1" .. "PL8"
  std::string title;  // official title
  std::vector<UnitLevel> levels;
  std::vector<std::string> responsible;  // department keys (see Department)
  std::string note;
};

struct Goal {      // appendix 8
  std::string id;  // "PL8.1" .. "PL8.16"
  std::string stt;
  std::string label;
  std::vector<std::string> responsible;
  std::string note;
};

// An appendix 8 result: "dat" (Đạt) or "khong_dat" (Không đạt).
struct GoalResult {
  std::string id;
  std::string label;
};

struct TableColumn {
  std::string id;
  std::string label;
  ValueType type = ValueType::count;
};

struct Table {     // repeating rows (appendix 4 section III, award nominations, models)
  std::string id;  // "PL4.III"
  std::string title;
  std::vector<TableColumn> columns;
  std::vector<UnitLevel> levels;
  std::string appendix;  // "PL4"
  std::vector<std::string> responsible;
  std::string note;
};

struct LevelInfo {
  UnitLevel level;
  std::string name;      // "Cấp xã"
  std::string deadline;  // ISO date "2020-03-10"
  std::optional<UnitLevel> reports_to;
  std::string submits_to;  // to whom, as the plan words it
};

struct Department {
  std::string key;                 // "SNV"
  std::string name;                // "Sở Nội vụ"
  std::vector<std::string> parts;  // appendix ids, goal ids, indicator codes it answers
                                   // and outline section ids it writes
};

// A recorded decision: a page-break join or restoration, or an interpretation of the form.
struct Decision {
  std::string id;
  std::string kind;                // "page_break", "interpretation", "as_printed"
  std::vector<std::string> about;  // ids/codes it concerns
  std::string text;
};

class ReportTemplate {
 public:
  // Throws Error(invalid_template) naming the file, the JSON path and what is wrong.
  static ReportTemplate load(const std::filesystem::path& file);
  static ReportTemplate parse(const std::string& json_text, const std::string& file_name);

  const std::string& id() const;
  int version() const;
  const std::string& title() const;
  const std::string& data_from() const;  // "2011-01-01"
  const std::string& data_to() const;    // "2020-03-31"

  const std::vector<Period>& periods() const;
  const std::vector<Section>& sections() const;
  const std::vector<Appendix>& appendices() const;
  const std::vector<Indicator>& indicators() const;
  const std::vector<Goal>& goals() const;
  const std::vector<Table>& tables() const;
  const std::vector<Rule>& rules() const;
  const std::vector<LevelInfo>& levels() const;
  const std::vector<Department>& departments() const;
  const std::vector<Decision>& decisions() const;
  const std::vector<GoalResult>& goal_results() const;

  const Indicator* indicator(std::string_view code) const;
  const Section* section(std::string_view id) const;
  const Goal* goal(std::string_view id) const;
  const Table* table(std::string_view id) const;
  const Period* period(std::string_view id) const;
  const LevelInfo* level(UnitLevel level) const;
  std::vector<const Indicator*> indicators_of(std::string_view appendix) const;
  std::vector<const Indicator*> children_of(std::string_view code) const;
  const Appendix* appendix(std::string_view id) const;
  const Department* department(std::string_view key) const;
  // Department keys that answer `item` (indicator code, goal id, section id, table id or
  // appendix id): the departments whose most specific matching part is the longest.
  std::vector<std::string> responsible_for(std::string_view item) const;
  // Whether department `key` answers `item` (see responsible_for). A key the template does
  // not name (a department an administrator added) answers every narrative section and
  // nothing else.
  bool department_answers(std::string_view key, std::string_view item) const;
  // Whether units of `level` fill `item`'s field (value, text, assessment or row).
  bool level_fills(UnitLevel level, std::string_view item) const;

  ReportTemplate();
  ~ReportTemplate();
  ReportTemplate(ReportTemplate&&) noexcept;
  ReportTemplate& operator=(ReportTemplate&&) noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongket
