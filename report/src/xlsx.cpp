// The appendices as a workbook with libxlsxwriter: one sheet per appendix, laid out from
// the same grids as the .docx.
#include "tongket/report/xlsx.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>

#include "tongket/error.hpp"
#include "tongket/platform.hpp"
#include "tongket/report/layout.hpp"

namespace tongket::report {

namespace {

constexpr double kCharsPerWidthUnit = 9.5;  // a relative grid width of 1 in Excel characters
constexpr int kMaxDepth = 3;
// Times New Roman 12 fits about this many characters per unit of Excel column width.
constexpr double kWrapFactor = 1.15;

class Formats {
 public:
  explicit Formats(lxw_workbook* wb) : wb_(wb) {
    title = base();
    format_set_bold(title);
    format_set_font_size(title, 13);
    format_set_align(title, LXW_ALIGN_CENTER);
    format_set_align(title, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(title);
    caption = base();
    format_set_bold(caption);
    header = cell();
    format_set_bold(header);
    format_set_align(header, LXW_ALIGN_CENTER);
    format_set_align(header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(header, 0xE7E6E6);
    format_set_text_wrap(header);
    for (int bold = 0; bold < 2; ++bold) {
      stt[bold] = cell();
      format_set_align(stt[bold], LXW_ALIGN_CENTER);
      text[bold] = cell();
      format_set_align(text[bold], LXW_ALIGN_CENTER);
      format_set_text_wrap(text[bold]);
      for (int depth = 0; depth <= kMaxDepth; ++depth) {
        lxw_format* f = cell();
        format_set_text_wrap(f);
        format_set_indent(f, static_cast<uint8_t>(depth));
        label[bold][depth] = f;
      }
      if (bold) {
        format_set_bold(stt[bold]);
        format_set_bold(text[bold]);
        for (lxw_format* f : label[bold]) format_set_bold(f);
      }
    }
    count = cell();
    format_set_num_format(count, "#,##0");
    format_set_align(count, LXW_ALIGN_CENTER);
    percentage = cell();
    format_set_num_format(percentage, "0.0%");
    format_set_align(percentage, LXW_ALIGN_CENTER);
  }

  lxw_format* title;
  lxw_format* caption;
  lxw_format* header;
  lxw_format* stt[2];
  lxw_format* text[2];
  lxw_format* label[2][kMaxDepth + 1];
  lxw_format* count;
  lxw_format* percentage;

 private:
  lxw_format* base() {
    lxw_format* f = workbook_add_format(wb_);
    format_set_font_name(f, "Times New Roman");
    format_set_font_size(f, 12);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
  }
  lxw_format* cell() {
    lxw_format* f = base();
    format_set_border(f, LXW_BORDER_THIN);
    return f;
  }
  lxw_workbook* wb_;
};

// Excel forbids []:*?/\ in sheet names and allows 31 characters.
std::string sheet_name(const std::string& id, std::size_t index) {
  std::string name;
  for (char c : id) name += std::string("[]:*?/\\").find(c) == std::string::npos ? c : '_';
  if (name.empty() || name.size() > 31) name = "Bang " + std::to_string(index + 1);
  return name;
}

// Appendix 2's label column is two sheet columns, as in the .docx (docx.cpp, Split): the
// merged group ("Chia theo tên loại VBQPPL") beside the labels it divides; a label without a
// group spans both. Grid column i is sheet column at(i).
struct Split {
  std::size_t column = SIZE_MAX;  // the grid column that is split; SIZE_MAX: none
  static Split of(const Grid& g) {
    Split s;
    if (g.header.size() > 1 &&
        std::any_of(g.rows.begin(), g.rows.end(), [](const Row& r) { return !r.group.empty(); }))
      s.column = 1;
    return s;
  }
  bool active() const { return column != SIZE_MAX; }
  lxw_col_t at(std::size_t i) const {
    return static_cast<lxw_col_t>(active() && i >= column ? i + 1 : i);
  }
  std::size_t columns(const Grid& g) const { return g.header.size() + (active() ? 1 : 0); }
  // The grid's relative widths per sheet column: the group takes 3/10 of the label's.
  std::vector<double> widths(const Grid& g) const {
    std::vector<double> out;
    for (std::size_t i = 0; i < g.widths.size(); ++i) {
      if (i == column) {
        out.push_back(g.widths[i] * 0.3);
        out.push_back(g.widths[i] * 0.7);
      } else {
        out.push_back(g.widths[i]);
      }
    }
    return out;
  }
};

class SheetWriter {
 public:
  SheetWriter(lxw_worksheet* ws, const Formats& f, const std::filesystem::path& path)
      : ws_(ws), f_(f), path_(path) {}

  void write(const AppendixLayout& a) {
    std::size_t ncols = 1;
    for (const Grid& g : a.grids) ncols = std::max(ncols, Split::of(g).columns(g));
    set_widths(a, ncols);
    auto last = static_cast<lxw_col_t>(ncols - 1);
    merged(0, last, a.name, f_.title);
    if (!a.title.empty()) {
      check(worksheet_set_row(ws_, 1, 36, nullptr), "row height");
      merged(1, last, a.title, f_.title);
    }
    lxw_row_t row = a.title.empty() ? 2 : 3;
    for (const auto& line : a.notes)
      check(worksheet_write_string(ws_, row++, 0, line.c_str(), f_.caption), "note");
    if (!a.notes.empty()) ++row;
    bool single = a.grids.size() == 1;
    for (const Grid& g : a.grids) {
      if (!g.caption.empty()) {
        check(worksheet_write_string(ws_, row++, 0, g.caption.c_str(), f_.caption), "caption");
      }
      split_ = Split::of(g);
      lxw_row_t header_top = row;
      row = write_header(g, row);
      if (single) {
        worksheet_freeze_panes(ws_, row, g.group_from > 0 ? split_.at(g.group_from) : 1);
        check(worksheet_repeat_rows(ws_, header_top, row - 1), "repeat rows");
      }
      lxw_row_t first_data = row;
      for (const Row& r : g.rows) write_row(r, row++);
      if (split_.active()) merge_groups(g, first_data);
      if (g.merge_first_column && g.rows.size() > 1 && !g.rows.front().cells.empty()) {
        check(worksheet_merge_range(ws_, first_data, 0, row - 1, 0,
                                    g.rows.front().cells.front().text.c_str(), f_.text[1]),
              "merge");
      }
      ++row;  // a blank row between grids
    }
    if (!single) worksheet_freeze_panes(ws_, a.title.empty() ? 1 : 2, 0);
    worksheet_set_landscape(ws_);
    worksheet_set_paper(ws_, 9);  // A4
    worksheet_fit_to_pages(ws_, 1, 0);
  }

 private:
  void check(lxw_error e, const char* what) const {
    if (e != LXW_NO_ERROR) {
      throw Error(Errc::io_error, "cannot write " + platform::path_to_utf8(path_) + " (" + what +
                                      "): " + lxw_strerror(e));
    }
  }

  void merged(lxw_row_t row, lxw_col_t last, const std::string& text, lxw_format* fmt) const {
    if (last == 0) {
      check(worksheet_write_string(ws_, row, 0, text.c_str(), fmt), "title");
    } else {
      check(worksheet_merge_range(ws_, row, 0, row, last, text.c_str(), fmt), "title");
    }
  }

  void set_widths(const AppendixLayout& a, std::size_t ncols) {
    std::vector<double> widths(ncols, 0.0);
    for (const Grid& g : a.grids) {
      const auto own = Split::of(g).widths(g);
      for (std::size_t i = 0; i < own.size() && i < ncols; ++i) {
        widths[i] = std::max(widths[i], own[i]);
      }
    }
    for (std::size_t i = 0; i < ncols; ++i) {
      double chars = std::max(6.0, (widths[i] > 0 ? widths[i] : 1.5) * kCharsPerWidthUnit);
      auto c = static_cast<lxw_col_t>(i);
      check(worksheet_set_column(ws_, c, c, chars, nullptr), "column width");
      col_chars_.push_back(chars);
    }
  }

  lxw_row_t write_header(const Grid& g, lxw_row_t row) const {
    bool grouped = !g.group.empty() && g.group_from > 0 && g.group_from < g.header.size();
    if (!grouped) {
      fit_height(row, sheet_texts(g.header));
      for (std::size_t i = 0; i < g.header.size(); ++i) header_cell(row, row, i, g.header[i]);
      return row + 1;
    }
    for (std::size_t i = 0; i < g.group_from; ++i) header_cell(row, row + 1, i, g.header[i]);
    auto first = split_.at(g.group_from);
    auto last = split_.at(g.header.size() - 1);
    if (first == last) {
      check(worksheet_write_string(ws_, row, first, g.group.c_str(), f_.header), "header");
    } else {
      check(worksheet_merge_range(ws_, row, first, row, last, g.group.c_str(), f_.header),
            "header");
    }
    std::vector<std::string> second(g.header);
    for (std::size_t i = 0; i < g.group_from; ++i) second[i].clear();
    fit_height(row + 1, sheet_texts(second));
    for (std::size_t i = g.group_from; i < g.header.size(); ++i)
      header_cell(row + 1, row + 1, i, g.header[i]);
    return row + 2;
  }

  // A header cell from row `top` to `bottom`, over both sheet columns of a split column.
  void header_cell(lxw_row_t top, lxw_row_t bottom, std::size_t i, const std::string& text) const {
    // A split column's header spans its group part (at(i) - 1) and its label part (at(i)).
    const lxw_col_t last = split_.at(i);
    const lxw_col_t first = i == split_.column ? last - 1 : last;
    if (top == bottom && first == last) {
      check(worksheet_write_string(ws_, top, first, text.c_str(), f_.header), "header");
    } else {
      check(worksheet_merge_range(ws_, top, first, bottom, last, text.c_str(), f_.header),
            "header");
    }
  }

  // Grid texts placed at their sheet columns (a split column's text in its wider part).
  std::vector<std::string> sheet_texts(const std::vector<std::string>& texts) const {
    std::vector<std::string> out(texts.size() + (split_.active() ? 1 : 0));
    for (std::size_t i = 0; i < texts.size(); ++i) out[split_.at(i)] = texts[i];
    return out;
  }

  // Each run of consecutive rows with the same group gets the group once, merged down.
  void merge_groups(const Grid& g, lxw_row_t first_data) const {
    const auto col = static_cast<lxw_col_t>(split_.column);
    for (std::size_t start = 0; start < g.rows.size();) {
      std::size_t end = start + 1;
      while (end < g.rows.size() && g.rows[end].group == g.rows[start].group) ++end;
      if (const std::string& group = g.rows[start].group; !group.empty()) {
        const auto top = static_cast<lxw_row_t>(first_data + start);
        const auto bottom = static_cast<lxw_row_t>(first_data + end - 1);
        if (top == bottom)
          check(worksheet_write_string(ws_, top, col, group.c_str(), f_.text[0]), "group");
        else
          check(worksheet_merge_range(ws_, top, col, bottom, col, group.c_str(), f_.text[0]),
                "group");
      }
      start = end;
    }
  }

  void write_row(const Row& r, lxw_row_t row) const {
    int bold = r.bold ? 1 : 0;
    std::vector<std::string> texts;
    for (const Cell& c : r.cells) texts.push_back(c.text);
    if (!texts.empty() && r.depth > 0) texts[std::min<std::size_t>(1, texts.size() - 1)] += "    ";
    fit_height(row, sheet_texts(texts));
    for (std::size_t i = 0; i < r.cells.size(); ++i) {
      const Cell& c = r.cells[i];
      auto col = split_.at(i);
      lxw_format* fmt = f_.text[bold];
      switch (c.kind) {
        case CellKind::stt:
          fmt = f_.stt[bold];
          break;
        case CellKind::label:
          fmt = f_.label[bold][std::clamp(r.depth, 0, kMaxDepth)];
          break;
        case CellKind::count:
          fmt = f_.count;
          break;
        case CellKind::percentage:
        case CellKind::ratio:
          fmt = f_.percentage;
          break;
        case CellKind::text:
          break;
      }
      if (i == split_.column && r.group.empty()) {
        // No group beside it: the label spans both parts of the split column.
        check(worksheet_merge_range(ws_, row, col - 1, row, col, c.text.c_str(),
                                    c.kind == CellKind::label ? fmt : f_.text[bold]),
              "label");
      } else if (c.number && c.kind == CellKind::count) {
        check(worksheet_write_number(ws_, row, col, *c.number, fmt), "number");
      } else if (c.number && (c.kind == CellKind::percentage || c.kind == CellKind::ratio)) {
        check(worksheet_write_number(ws_, row, col, *c.number / 100.0, fmt), "number");
      } else if (!c.text.empty()) {
        check(worksheet_write_string(ws_, row, col, c.text.c_str(),
                                     c.kind == CellKind::label ? fmt : f_.text[bold]),
              "text");
      } else {
        check(worksheet_write_blank(ws_, row, col, fmt), "blank");
      }
      if (!c.note.empty()) {
        check(worksheet_write_comment(ws_, row, col, c.note.c_str()), "comment");
      }
    }
  }

  // Neither Excel nor LibreOffice fits the height of a row with wrapped text when opening
  // a file, so each row gets a height from its longest cell: lines of the column's width.
  void fit_height(lxw_row_t row, const std::vector<std::string>& texts) const {
    double lines = 1;
    for (std::size_t i = 0; i < texts.size() && i < col_chars_.size(); ++i) {
      double n = 0;
      for (std::size_t start = 0;;) {
        std::size_t nl = texts[i].find('\n', start);
        std::string_view line(texts[i].data() + start,
                              (nl == std::string::npos ? texts[i].size() : nl) - start);
        // Code points, not bytes: Vietnamese letters take two or three bytes.
        auto points = std::count_if(line.begin(), line.end(), [](char c) {
          return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        });
        n += std::max(1.0, std::ceil(static_cast<double>(points) / (col_chars_[i] * kWrapFactor)));
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
      lines = std::max(lines, n);
    }
    if (lines > 1) check(worksheet_set_row(ws_, row, 15.75 * lines + 2, nullptr), "row height");
  }

  lxw_worksheet* ws_;
  Split split_;  // of the grid being written
  std::vector<double> col_chars_;
  const Formats& f_;
  const std::filesystem::path& path_;
};

// A rolled-up workbook's last sheet: what the figures cover and, one per row, the units whose
// reports are not counted (each appendix sheet repeats the coverage line under its title).
void write_coverage_sheet(lxw_workbook* wb, const ReportData& data, const Formats& f,
                          const std::filesystem::path& path) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Đơn vị chưa được tính");
  if (!ws)
    throw Error(Errc::io_error, "cannot add the coverage sheet to " + platform::path_to_utf8(path));
  auto check = [&](lxw_error e) {
    if (e != LXW_NO_ERROR)
      throw Error(Errc::io_error, "cannot write " + platform::path_to_utf8(path) +
                                      " (coverage): " + lxw_strerror(e));
  };
  check(worksheet_set_column(ws, 0, 0, 6, nullptr));
  check(worksheet_set_column(ws, 1, 1, 60, nullptr));
  check(worksheet_write_string(ws, 0, 0, data.coverage.c_str(), f.caption));
  const std::string head = data.missing.empty() ? "Mọi đơn vị đã có báo cáo được tính."
                                                : "Đơn vị chưa có báo cáo được chấp nhận (" +
                                                      std::to_string(data.missing.size()) + "):";
  check(worksheet_write_string(ws, 1, 0, head.c_str(), nullptr));
  if (data.missing.empty()) return;
  check(worksheet_write_string(ws, 3, 0, "STT", f.header));
  check(worksheet_write_string(ws, 3, 1, "Đơn vị", f.header));
  for (std::size_t i = 0; i < data.missing.size(); ++i) {
    const auto row = static_cast<lxw_row_t>(4 + i);
    check(worksheet_write_number(ws, row, 0, static_cast<double>(i + 1), f.count));
    check(worksheet_write_string(ws, row, 1, data.missing[i].c_str(), f.label[0][0]));
  }
}

}  // namespace

void write_xlsx(const ReportData& data, const std::filesystem::path& path) {
  lxw_workbook* wb = workbook_new(platform::path_to_utf8(path).c_str());
  if (!wb) throw Error(Errc::io_error, "cannot create " + platform::path_to_utf8(path));
  std::string title = data.document_title();
  std::string subject = data.unit_name;
  lxw_doc_properties props{};
  props.title = title.data();
  props.subject = subject.data();
  props.author = const_cast<char*>("tongket");
  workbook_set_properties(wb, &props);
  try {
    Formats formats(wb);
    std::vector<AppendixLayout> appendices = lay_out_appendices(data);
    if (appendices.empty()) {
      // A workbook needs a sheet; say why it is empty rather than fail.
      lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
      worksheet_write_string(ws, 0, 0, "Không có phụ lục cho cấp này", nullptr);
    }
    for (std::size_t i = 0; i < appendices.size(); ++i) {
      std::string name = sheet_name(appendices[i].id, i);
      lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
      if (!ws)
        throw Error(Errc::io_error,
                    "cannot add sheet " + name + " to " + platform::path_to_utf8(path));
      SheetWriter(ws, formats, path).write(appendices[i]);
    }
    if (!data.coverage.empty()) write_coverage_sheet(wb, data, formats, path);
  } catch (...) {
    workbook_close(wb);
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    throw;
  }
  if (lxw_error e = workbook_close(wb); e != LXW_NO_ERROR) {
    throw Error(Errc::io_error,
                "cannot write " + platform::path_to_utf8(path) + ": " + lxw_strerror(e));
  }
}

}  // namespace tongket::report
