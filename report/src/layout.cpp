#include "tongket/report/layout.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "tongket/report/format.hpp"

namespace tongket::report {

bool applies_to(const std::vector<UnitLevel>& levels, UnitLevel level) {
  return levels.empty() || std::find(levels.begin(), levels.end(), level) != levels.end();
}

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// "PL3" -> "Phụ lục 3"; anything else is shown as is.
std::string appendix_name(const std::string& id) {
  if (starts_with(id, "PL") && id.size() > 2) return "Phụ lục " + id.substr(2);
  return id;
}

// The official forms name the label column "Chỉ tiêu", except appendix 2's.
std::string label_header(const std::string& appendix) {
  return appendix == "PL2" ? "Nhiệm vụ/tiêu chí" : "Chỉ tiêu";
}

// "I" + "Số lượng" -> "I. Số lượng"; "a)" + "x" -> "a) x"; "-" + "x" -> "- x".
std::string numbered(const std::string& stt, const std::string& label) {
  if (stt.empty()) return label;
  char last = stt.back();
  if (last == '.' || last == ')' || stt == "-" || stt == "+") return stt + " " + label;
  return stt + ". " + label;
}

bool is_span(const std::string& period) {
  return period.find('-') != std::string::npos;
}

Cell cell_text(std::string text, CellKind kind = CellKind::text) {
  return Cell{std::move(text), std::nullopt, kind, {}};
}

class AppendixBuilder {
 public:
  AppendixBuilder(const ReportData& data, const Appendix& appendix)
      : data_(data), tpl_(data.tpl), appendix_(appendix) {
    for (const Indicator* ind : tpl_.indicators_of(appendix.id)) {
      if (applies_to(ind->levels, data.level) && data.holds(ind->code))
        own_visible_.insert(ind->code);
      all_.push_back(ind);
    }
    // A heading is shown when something under it is.
    for (const Indicator* ind : all_) {
      if (visible_self(ind)) mark_ancestors(ind);
    }
    for (const Indicator* ind : all_) {
      if (visible(ind)) indicators_.push_back(ind);
    }
    std::set<std::string> used;
    for (const Indicator* ind : indicators_) used.insert(ind->periods.begin(), ind->periods.end());
    for (const Period& p : tpl_.periods()) {
      if (used.count(p.id)) periods_.push_back(&p);
    }
  }

  AppendixLayout build() {
    AppendixLayout layout{appendix_.id, appendix_name(appendix_.id), appendix_.title, {}, {}};
    if (!data_.coverage.empty()) layout.notes.push_back(data_.coverage);
    if (auto n = data_.notes.find(appendix_.id); n != data_.notes.end())
      layout.notes.insert(layout.notes.end(), n->second.begin(), n->second.end());
    if (!indicators_.empty()) {
      bool spans = !periods_.empty() && std::all_of(periods_.begin(), periods_.end(),
                                                    [](const Period* p) { return is_span(p->id); });
      if (spans) {
        add_period_row_grids(layout);
      } else {
        layout.grids.push_back(yearly_grid());
      }
    }
    add_goal_grid(layout);
    return layout;
  }

 private:
  bool visible_self(const Indicator* ind) const {
    return ind->type != ValueType::heading && own_visible_.count(ind->code);
  }
  bool visible(const Indicator* ind) const {
    return visible_self(ind) || shown_headings_.count(ind->code);
  }
  void mark_ancestors(const Indicator* ind) {
    for (std::string parent = ind->parent; !parent.empty();) {
      if (!shown_headings_.insert(parent).second) break;
      const Indicator* p = tpl_.indicator(parent);
      parent = p ? p->parent : std::string{};
    }
  }
  int depth(const Indicator* ind) const {
    int d = 0;
    for (const Indicator* p = tpl_.indicator(ind->parent); p && d < 8;
         p = tpl_.indicator(p->parent))
      ++d;
    return d;
  }
  bool has_visible_children(const Indicator* ind) const {
    return std::any_of(indicators_.begin(), indicators_.end(),
                       [&](const Indicator* c) { return c->parent == ind->code; });
  }

  Cell value_cell(const Indicator& ind, const std::string& period) const {
    if (ind.type == ValueType::heading ||
        std::find(ind.periods.begin(), ind.periods.end(), period) == ind.periods.end()) {
      return cell_text("");
    }
    if (ind.type == ValueType::ratio) return ratio_cell(ind, period);
    auto v = data_.value_of(ind.code, period);
    if (!v) return cell_text("");
    auto n = number_of(*v);
    switch (ind.type) {
      case ValueType::count:
      case ValueType::flag:
        if (n) return Cell{format_count(*n), *n, CellKind::count, {}};
        break;
      case ValueType::percentage:
        if (n) return Cell{format_percentage(*n) + "%", *n, CellKind::percentage, {}};
        break;
      default:
        break;
    }
    return cell_text(format_value(ValueType::text, *v));
  }

  Cell ratio_cell(const Indicator& ind, const std::string& period) const {
    auto number = [&](const std::string& code) -> std::optional<double> {
      if (code.empty()) return std::nullopt;
      auto v = data_.value_of(code, period);
      return v ? number_of(*v) : std::nullopt;
    };
    auto received = number(ind.denominator);
    auto on_time = number(ind.numerator);
    if (!received && !on_time) {
      // A rolled-up view may hand the percentage itself.
      auto direct = number(ind.code);
      if (!direct) return cell_text("");
      return Cell{format_percentage(*direct) + "%", *direct, CellKind::percentage, {}};
    }
    Cell c{format_ratio(received, on_time), std::nullopt, CellKind::ratio, {}};
    if (received && on_time && *received > 0) c.number = *on_time / *received * 100.0;
    c.note = "Đã tiếp nhận: " + (received ? format_count(*received) : "…") +
             "; đã trả đúng hẹn: " + (on_time ? format_count(*on_time) : "…");
    return c;
  }

  Grid yearly_grid() const {
    Grid g;
    g.id = appendix_.id;
    g.header = {"STT", label_header(appendix_.id)};
    g.group = data_.unit_name;
    g.group_from = 2;
    g.widths = {0.7, 6.0};
    for (const Period* p : periods_) {
      g.header.push_back(p->label);
      g.widths.push_back(1.5);
    }
    for (const Indicator* ind : indicators_) {
      Row row;
      row.depth = depth(ind);
      row.bold = ind->type == ValueType::heading || (row.depth == 0 && has_visible_children(ind));
      const Indicator* parent = tpl_.indicator(ind->parent);
      row.ratio_part = parent && parent->type == ValueType::ratio &&
                       (parent->numerator == ind->code || parent->denominator == ind->code);
      // The form prints "Chia theo ..." once, merged beside the rows it divides.
      if (ind->note.rfind("Chia theo ", 0) == 0) row.group = ind->note;
      row.cells.push_back(cell_text(ind->stt, CellKind::stt));
      row.cells.push_back(cell_text(ind->label, CellKind::label));
      for (const Period* p : periods_) row.cells.push_back(value_cell(*ind, p->id));
      g.rows.push_back(std::move(row));
    }
    return g;
  }

  // Appendix 4: each group's indicators are columns and the periods are rows.
  void add_period_row_grids(AppendixLayout& layout) const {
    std::vector<const Indicator*> loose;
    for (const Indicator* top : indicators_) {
      if (!top->parent.empty()) continue;
      std::vector<const Indicator*> columns;
      for (const Indicator* c : indicators_) {
        if (c->parent == top->code && c->type != ValueType::heading) columns.push_back(c);
      }
      if (columns.empty()) {
        if (top->type != ValueType::heading) loose.push_back(top);
        continue;
      }
      layout.grids.push_back(
          period_row_grid(appendix_.id + "." + top->stt, numbered(top->stt, top->label), columns));
    }
    if (!loose.empty()) layout.grids.push_back(period_row_grid(appendix_.id, "", loose));
  }

  Grid period_row_grid(std::string id, std::string caption,
                       const std::vector<const Indicator*>& columns) const {
    Grid g;
    g.id = std::move(id);
    g.caption = std::move(caption);
    g.header = {"Giai đoạn"};
    g.widths = {2.4};
    if (!data_.unit_name.empty()) {
      g.header.insert(g.header.begin(), "Tỉnh, thành phố");
      g.widths.insert(g.widths.begin(), 1.8);
      g.merge_first_column = true;
    }
    for (const Indicator* c : columns) {
      g.header.push_back(c->label);
      g.widths.push_back(c->type == ValueType::text ? 2.0 : 1.6);
    }
    for (const Period* p : periods_) {
      Row row;
      if (g.merge_first_column) {
        row.cells.push_back(cell_text(g.rows.empty() ? data_.unit_name : "", CellKind::label));
      }
      row.cells.push_back(cell_text(p->label, CellKind::label));
      for (const Indicator* c : columns) row.cells.push_back(value_cell(*c, p->id));
      g.rows.push_back(std::move(row));
    }
    return g;
  }

  void add_goal_grid(AppendixLayout& layout) const {
    Grid g;
    g.id = appendix_.id;
    // The form's three columns; a note entered with the assessment prints under the goal.
    g.header = {"STT", "Các mục tiêu cải cách", "Đánh giá kết quả đạt được (Đạt/Không đạt)"};
    g.widths = {0.7, 7.5, 2.2};
    for (const Goal& goal : tpl_.goals()) {
      if (!starts_with(goal.id, appendix_.id + ".") || !data_.holds(goal.id)) continue;
      auto a = data_.assessment_of(goal.id);
      Row row;
      std::string label = goal.label;
      if (a && !a->note.empty()) label += "\nGhi chú: " + a->note;
      row.cells = {cell_text(goal.stt, CellKind::stt), cell_text(label, CellKind::label),
                   cell_text(a ? (a->achieved ? "Đạt" : "Không đạt") : "")};
      g.rows.push_back(std::move(row));
    }
    if (!g.rows.empty()) layout.grids.push_back(std::move(g));
  }

  const ReportData& data_;
  const ReportTemplate& tpl_;
  const Appendix& appendix_;
  std::vector<const Indicator*> all_;
  std::set<std::string> own_visible_;
  std::set<std::string> shown_headings_;
  std::vector<const Indicator*> indicators_;
  std::vector<const Period*> periods_;
};

bool belongs_to(const Table& t, const std::string& appendix) {
  return t.appendix.empty() ? starts_with(t.id, appendix + ".") : t.appendix == appendix;
}

// A column that holds a year ("Năm áp dụng"), by its id "nam..." or its label "Năm ...".
bool is_year_column(const TableColumn& c) {
  return starts_with(c.id, "nam_") || c.id == "nam" || starts_with(c.label, "Năm");
}

Grid table_grid(const ReportData& data, const Table& table, const std::string& appendix) {
  Grid g;
  g.id = table.id;
  if (!appendix.empty()) {
    // "PL4.III" -> "III. <title>", the part's number as printed in the form.
    std::string part =
        starts_with(table.id, appendix + ".") ? table.id.substr(appendix.size() + 1) : "";
    bool roman = !part.empty() && part.find_first_not_of("IVXL") == std::string::npos;
    g.caption = roman ? numbered(part, table.title) : table.title;
  }
  g.header = {"STT"};
  g.widths = {0.7};
  for (const TableColumn& c : table.columns) {
    g.header.push_back(c.label);
    g.widths.push_back(c.type == ValueType::text ? 3.5 : 1.6);
  }
  int n = 0;
  for (const nlohmann::json& r : data.rows_of(table.id)) {
    Row row;
    row.cells.push_back(cell_text(std::to_string(++n), CellKind::stt));
    for (const TableColumn& c : table.columns) {
      auto it = r.is_object() ? r.find(c.id) : r.end();
      if (!r.is_object() || it == r.end() || it->is_null()) {
        row.cells.push_back(cell_text(""));
        continue;
      }
      auto num = number_of(*it);
      if (num && c.type == ValueType::count && is_year_column(c)) {
        // A year is printed as written: 2018, never "2.018".
        row.cells.push_back(Cell{std::to_string(std::llround(*num)), *num, CellKind::count, {}});
      } else if (num && (c.type == ValueType::count || c.type == ValueType::flag)) {
        row.cells.push_back(Cell{format_count(*num), *num, CellKind::count, {}});
      } else if (num && c.type == ValueType::percentage) {
        row.cells.push_back(Cell{format_percentage(*num) + "%", *num, CellKind::percentage, {}});
      } else {
        row.cells.push_back(cell_text(format_value(ValueType::text, *it), CellKind::label));
      }
    }
    g.rows.push_back(std::move(row));
  }
  return g;
}

}  // namespace

std::vector<AppendixLayout> lay_out_appendices(const ReportData& data) {
  std::vector<AppendixLayout> out;
  std::set<std::string> placed;
  for (const Appendix& appendix : data.tpl.appendices()) {
    if (!applies_to(appendix.levels, data.level)) continue;
    AppendixLayout layout = AppendixBuilder(data, appendix).build();
    for (const Table& t : data.tpl.tables()) {
      if (!belongs_to(t, appendix.id) || !applies_to(t.levels, data.level)) continue;
      placed.insert(t.id);
      if (!data.holds(t.id)) continue;
      layout.grids.push_back(table_grid(data, t, appendix.id));
    }
    // A department's report holds only its own parts: an appendix it has nothing of stays out.
    if (layout.grids.empty() && data.includes) continue;
    out.push_back(std::move(layout));
  }
  for (const Table& t : data.tpl.tables()) {
    if (placed.count(t.id) || !applies_to(t.levels, data.level) || !data.holds(t.id)) continue;
    // A table of an appendix this level does not fill stays out with its appendix.
    bool of_appendix =
        std::any_of(data.tpl.appendices().begin(), data.tpl.appendices().end(),
                    [&](const Appendix& a) { return starts_with(t.id, a.id + "."); });
    if (of_appendix) continue;
    AppendixLayout layout{t.id, t.title, "", {}, {table_grid(data, t, "")}};
    if (!data.coverage.empty()) layout.notes.push_back(data.coverage);
    out.push_back(std::move(layout));
  }
  return out;
}

}  // namespace tongket::report
