// The appendix tables as grids of formatted cells, laid out like the official forms.
// Both the .docx and the .xlsx writers render these, so the two agree cell for cell.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tongket/report/report_data.hpp"

namespace tongket::report {

enum class CellKind { text, label, stt, count, percentage, ratio };

struct Cell {
  std::string text;              // as printed, Vietnamese formatting
  std::optional<double> number;  // count: the count; percentage and ratio: percent (45.5)
  CellKind kind = CellKind::text;
  std::string note;  // ratio: its parts, for a spreadsheet comment
};

struct Row {
  std::vector<Cell> cells;
  bool bold = false;
  int depth = 0;  // indicator depth under its appendix, for indenting the label
  // A count a ratio row above is computed from. The printed form shows only the ratio
  // ("received/on-time (xx,x%)"); a spreadsheet keeps the counts as numbers.
  bool ratio_part = false;
  // Rows printed under a merged label as in the form (appendix 2's "Chia theo tên loại
  // VBQPPL" beside the kinds of documents): consecutive rows with the same group share it.
  std::string group;
};

struct Grid {
  std::string id;       // "PL3", "PL4.I", "PL4.III", "PL8"
  std::string caption;  // a sub-title above the grid ("I. Số lượng, cơ cấu ..."), if any
  std::vector<std::string> header;
  // A second header level as in the forms: `group` spans the columns from `group_from` to
  // the end, above their headers (the unit's name above the years). Empty: one header row.
  std::string group;
  std::size_t group_from = 0;
  std::vector<double> widths;  // relative column widths, one per header column
  // The first column holds one value for all rows (appendix 4's "Tỉnh, thành phố"), printed
  // as one merged cell.
  bool merge_first_column = false;
  std::vector<Row> rows;
};

struct AppendixLayout {
  std::string id;     // "PL3", or a repeating table's id when it has no appendix
  std::string name;   // "Phụ lục 3"
  std::string title;  // the official title
  // Printed under the title: a roll-up's coverage, where the figures came from, overrides.
  std::vector<std::string> notes;
  std::vector<Grid> grids;
};

// Every appendix the unit's level fills, in template order, then repeating tables that
// belong to no appendix. A table "PL4.III" goes under appendix "PL4".
std::vector<AppendixLayout> lay_out_appendices(const ReportData& data);

// Whether the template item applies to `level` (an empty list means every level).
bool applies_to(const std::vector<UnitLevel>& levels, UnitLevel level);

}  // namespace tongket::report
