// document.xml of the .docx and the package around it. The XML is generated, never parsed.
#include "tongket/report/docx.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tongket/calendar_date.hpp"
#include "tongket/report/layout.hpp"
#include "tongket/report/zip.hpp"

namespace tongket::report {

namespace {

// A4 in twentieths of a point; margins per Nghị định 30/2020 (left 3 cm, others 2 cm).
constexpr int kPageShort = 11906;
constexpr int kPageLong = 16838;
constexpr int kMargin = 1134;
constexpr int kMarginLeft = 1701;

struct RunStyle {
  bool bold = false;
  bool italic = false;
  bool caps = false;    // printed upper-case (issuing body, signer's title)
  int half_points = 0;  // 0: the paragraph style's size
};

// A run; line breaks in the text become <w:br/>.
std::string run(std::string_view text, RunStyle style = {}) {
  std::string props;
  if (style.bold) props += "<w:b/><w:bCs/>";
  if (style.italic) props += "<w:i/><w:iCs/>";
  if (style.caps) props += "<w:caps/>";
  if (style.half_points > 0) {
    const auto size = std::to_string(style.half_points);
    props += R"(<w:sz w:val=")" + size + R"("/><w:szCs w:val=")" + size + R"("/>)";
  }
  std::string out = "<w:r>";
  if (!props.empty()) out += "<w:rPr>" + props + "</w:rPr>";
  std::size_t start = 0;
  while (true) {
    std::size_t nl = text.find('\n', start);
    std::string_view piece = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
    out += R"(<w:t xml:space="preserve">)" + xml_escape(piece) + "</w:t>";
    if (nl == std::string_view::npos) break;
    out += "<w:br/>";
    start = nl + 1;
  }
  return out + "</w:r>";
}

struct ParaStyle {
  std::string style{};  // paragraph style id, empty for Normal
  std::string align{};  // "center", "right", "both", "left" or empty
  int indent_left = -1;
  bool page_break_before = false;
  bool keep_next = false;
};

std::string paragraph(const std::string& runs, const ParaStyle& p = {}) {
  std::string props;
  if (!p.style.empty()) props += R"(<w:pStyle w:val=")" + p.style + R"("/>)";
  if (p.keep_next) props += "<w:keepNext/>";
  if (p.page_break_before) props += "<w:pageBreakBefore/>";
  if (p.indent_left >= 0) {
    props += R"(<w:ind w:left=")" + std::to_string(p.indent_left) + R"(" w:firstLine="0"/>)";
  }
  if (!p.align.empty()) props += R"(<w:jc w:val=")" + p.align + R"("/>)";
  return "<w:p>" + (props.empty() ? "" : "<w:pPr>" + props + "</w:pPr>") + runs + "</w:p>";
}

// `first`: the document's first section, whose first page has no page number (Nghị định
// 30/2020: numbers from page 2, centred at the top).
std::string section_properties(bool landscape, bool first) {
  int w = landscape ? kPageLong : kPageShort;
  int h = landscape ? kPageShort : kPageLong;
  int left = landscape ? kMargin : kMarginLeft;
  return R"(<w:sectPr><w:headerReference w:type="default" r:id="rIdPageNumber"/><w:pgSz w:w=")" +
         std::to_string(w) + R"(" w:h=")" + std::to_string(h) +
         (landscape ? R"(" w:orient="landscape"/>)" : R"("/>)") + R"(<w:pgMar w:top=")" +
         std::to_string(kMargin) + R"(" w:right=")" + std::to_string(kMargin) + R"(" w:bottom=")" +
         std::to_string(kMargin) + R"(" w:left=")" + std::to_string(left) +
         R"(" w:header="567" w:footer="567" w:gutter="0"/>)" + (first ? "<w:titlePg/>" : "") +
         "</w:sectPr>";
}

std::string section_heading_text(const Section& s) {
  if (s.number.empty()) return s.heading;
  // "Phần thứ nhất" stands on its own line above the part's title, as in the outline.
  if (s.number.rfind("Phần", 0) == 0) return s.number + "\n" + s.heading;
  return s.number + " " + s.heading;
}

int section_depth(const ReportTemplate& tpl, const Section& s) {
  int depth = 0;
  for (const Section* p = tpl.section(s.parent); p && depth < 16; p = tpl.section(p->parent)) {
    ++depth;
  }
  return depth;
}

// A department's report holds its own sections and the headings above them.
bool holds_section(const ReportData& data, const Section& s) {
  if (data.holds(s.id)) return true;
  return std::any_of(data.tpl.sections().begin(), data.tpl.sections().end(), [&](const Section& c) {
    return c.id.size() > s.id.size() && c.id.compare(0, s.id.size(), s.id) == 0 &&
           c.id[s.id.size()] == '.' && data.holds(c.id);
  });
}

void append_narrative(const ReportData& data, std::string& body) {
  for (const Section& s : data.tpl.sections()) {
    if (!applies_to(s.levels, data.level) || !holds_section(data, s)) continue;
    int level = std::min(section_depth(data.tpl, s) + 1, 4);
    body += paragraph(run(section_heading_text(s)), {.style = "Heading" + std::to_string(level)});
    auto text = data.text_of(s.id);
    if (!text) continue;
    std::size_t start = 0;
    while (start <= text->size()) {
      std::size_t nl = text->find('\n', start);
      std::string line = text->substr(start, nl == std::string::npos ? nl : nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") != std::string::npos) body += paragraph(run(line));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
}

std::string cell_align(CellKind kind) {
  switch (kind) {
    case CellKind::label:
      return "left";
    case CellKind::text:
    case CellKind::stt:
    case CellKind::count:
    case CellKind::percentage:
    case CellKind::ratio:
    default:
      return "center";
  }
}

std::string table_cell(int width, const std::string& content, const std::string& extra = "") {
  return R"(<w:tc><w:tcPr><w:tcW w:w=")" + std::to_string(width) + R"(" w:type="dxa"/>)" + extra +
         "</w:tcPr>" + content + "</w:tc>";
}

const char* kHeaderShade = R"(<w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/>)";

// Appendix 2's label column is two grid columns: the merged group ("Chia theo tên loại
// VBQPPL") and the labels beside it; a cell of that column without a group spans both.
struct Split {
  std::size_t column = SIZE_MAX;  // header column that is split; SIZE_MAX: none
  int group_width = 0;            // twips of the group's part
  std::string span(std::size_t i) const {
    return i == column ? R"(<w:gridSpan w:val="2"/>)" : std::string();
  }
};

std::string header_rows(const Grid& g, const std::vector<int>& widths, const Split& split) {
  auto header_para = [](const std::string& text) {
    return paragraph(run(text, {.bold = true}), {.style = "TableText", .align = "center"});
  };
  const std::string row_start = "<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>";
  std::string out;
  bool grouped = !g.group.empty() && g.group_from > 0 && g.group_from < g.header.size();
  if (!grouped) {
    out += row_start;
    for (std::size_t i = 0; i < g.header.size(); ++i) {
      out += table_cell(widths[i], header_para(g.header[i]),
                        split.span(i) + kHeaderShade + R"(<w:vAlign w:val="center"/>)");
    }
    return out + "</w:tr>";
  }
  // Two rows: the leading columns merge vertically, the group spans the rest.
  out += row_start;
  for (std::size_t i = 0; i < g.group_from; ++i) {
    out += table_cell(widths[i], header_para(g.header[i]),
                      split.span(i) + R"(<w:vMerge w:val="restart"/>)" + kHeaderShade +
                          R"(<w:vAlign w:val="center"/>)");
  }
  int span_width =
      std::accumulate(widths.begin() + static_cast<long>(g.group_from), widths.end(), 0);
  out += table_cell(span_width, header_para(g.group),
                    R"(<w:gridSpan w:val=")" + std::to_string(g.header.size() - g.group_from) +
                        R"("/>)" + kHeaderShade + R"(<w:vAlign w:val="center"/>)");
  out += "</w:tr>" + row_start;
  for (std::size_t i = 0; i < g.header.size(); ++i) {
    if (i < g.group_from) {
      out += table_cell(widths[i], paragraph("", {.style = "TableText"}),
                        split.span(i) + "<w:vMerge/>" + kHeaderShade);
    } else {
      out += table_cell(widths[i], header_para(g.header[i]),
                        std::string(kHeaderShade) + R"(<w:vAlign w:val="center"/>)");
    }
  }
  return out + "</w:tr>";
}

std::string table(const Grid& g, int total_width) {
  double sum = std::accumulate(g.widths.begin(), g.widths.end(), 0.0);
  std::vector<int> widths;
  for (std::size_t i = 0; i < g.header.size(); ++i) {
    double w = i < g.widths.size() && sum > 0 ? g.widths[i] / sum : 1.0 / g.header.size();
    widths.push_back(static_cast<int>(std::lround(w * total_width)));
  }
  std::string out =
      R"(<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w=")" +
      std::to_string(total_width) +
      R"(" w:type="dxa"/><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>)";
  Split split;
  if (std::any_of(g.rows.begin(), g.rows.end(), [](const Row& r) { return !r.group.empty(); }) &&
      g.header.size() > 1) {
    split.column = 1;
    split.group_width = widths[1] * 3 / 10;
  }
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (i == split.column) {
      out += R"(<w:gridCol w:w=")" + std::to_string(split.group_width) + R"("/>)";
      out += R"(<w:gridCol w:w=")" + std::to_string(widths[i] - split.group_width) + R"("/>)";
    } else {
      out += R"(<w:gridCol w:w=")" + std::to_string(widths[i]) + R"("/>)";
    }
  }
  out += "</w:tblGrid>" + header_rows(g, widths, split);
  const Row* previous = nullptr;
  for (const Row& r : g.rows) {
    if (r.ratio_part) continue;
    // A row never breaks across pages.
    out += "<w:tr><w:trPr><w:cantSplit/></w:trPr>";
    for (std::size_t i = 0; i < g.header.size(); ++i) {
      const Cell empty;
      const Cell& c = i < r.cells.size() ? r.cells[i] : empty;
      if (i == 0 && g.merge_first_column) {
        bool first_row = &r == &g.rows.front();
        out += table_cell(
            widths[i],
            paragraph(first_row ? run(c.text, {.bold = true}) : "",
                      {.style = "TableText", .align = "center"}),
            first_row ? R"(<w:vMerge w:val="restart"/><w:vAlign w:val="center"/>)" : "<w:vMerge/>");
        continue;
      }
      ParaStyle ps{.style = "TableText", .align = cell_align(c.kind)};
      if (c.kind == CellKind::label && r.depth > 0 && r.group.empty())
        ps.indent_left = 113 * r.depth;
      const std::string text = c.text.empty() ? "" : run(c.text, {.bold = r.bold});
      if (i == split.column && !r.group.empty()) {
        const bool starts = !previous || previous->group != r.group;
        out += table_cell(
            split.group_width,
            paragraph(starts ? run(r.group) : "", {.style = "TableText", .align = "center"}),
            starts ? R"(<w:vMerge w:val="restart"/><w:vAlign w:val="center"/>)" : "<w:vMerge/>");
        out += table_cell(widths[i] - split.group_width, paragraph(text, ps),
                          R"(<w:vAlign w:val="center"/>)");
        continue;
      }
      out += table_cell(widths[i], paragraph(text, ps),
                        split.span(i) + R"(<w:vAlign w:val="center"/>)");
    }
    out += "</w:tr>";
    previous = &r;
  }
  return out + "</w:tbl>";
}

// "2020-06-05" -> "ngày 05 tháng 6 năm 2020" (a zero before days under 10 and months 1 and 2,
// as the decree asks); anything else as written.
std::string document_date(const std::string& stored) {
  if (const auto date = parse_calendar_date(stored)) {
    const std::string day = (date->day < 10 ? "0" : "") + std::to_string(date->day);
    const std::string month = (date->month < 3 ? "0" : "") + std::to_string(date->month);
    return "ngày " + day + " tháng " + month + " năm " + std::to_string(date->year);
  }
  return stored.empty() ? "ngày ... tháng ... năm ..." : stored;
}

// A borderless two-column table, for the frame's left and right blocks.
std::string frame_table(const std::string& left, const std::string& right) {
  const int total = kPageShort - kMarginLeft - kMargin;
  // The quốc hiệu fits on one line on the right, as the decree's model shows.
  const int lw = total * 7 / 20, rw = total - lw;
  auto cell = [](int w, const std::string& content) {
    return R"(<w:tc><w:tcPr><w:tcW w:w=")" + std::to_string(w) + R"(" w:type="dxa"/></w:tcPr>)" +
           content + "</w:tc>";
  };
  return R"(<w:tbl><w:tblPr><w:tblW w:w=")" + std::to_string(total) +
         R"(" w:type="dxa"/><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid><w:gridCol w:w=")" +
         std::to_string(lw) + R"("/><w:gridCol w:w=")" + std::to_string(rw) +
         R"("/></w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>)" + cell(lw, left) +
         cell(rw, right) + "</w:tr></w:tbl>";
}

// Issuing body, quốc hiệu and tiêu ngữ, number, place and date, then the type and subject.
std::string document_heading(const ReportData& data) {
  const DocumentInfo& doc = data.doc;
  const ParaStyle centre{.style = "Centered"};
  std::string left;
  if (!doc.parent_body.empty())
    left += paragraph(run(doc.parent_body, {.caps = true, .half_points = 26}), centre);
  left += paragraph(run(doc.body.empty() ? data.unit_name : doc.body,
                        {.bold = true, .caps = true, .half_points = 26}),
                    centre);
  left +=
      paragraph(run("Số: " + (doc.number.empty() ? std::string("....../BC-......") : doc.number),
                    {.half_points = 26}),
                centre);
  std::string right =
      paragraph(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {.bold = true, .half_points = 24}),
                centre) +
      paragraph(run("Độc lập - Tự do - Hạnh phúc", {.bold = true, .half_points = 26}), centre) +
      paragraph(run((doc.place.empty() ? std::string("......") : doc.place) + ", " +
                        document_date(doc.date),
                    {.italic = true, .half_points = 26}),
                centre);
  std::string out = frame_table(left, right);
  out += paragraph(run(data.document_title()), {.style = "Title"});
  if (!data.date.empty()) {
    out += paragraph(run(data.date, {.italic = true}), {.style = "Centered", .align = "right"});
  }
  return out;
}

// "Nơi nhận" on the left; the signer's authority, title and name on the right.
std::string document_signature(const ReportData& data) {
  const DocumentInfo& doc = data.doc;
  std::string left = paragraph(run("Nơi nhận:", {.bold = true, .italic = true, .half_points = 24}),
                               {.style = "TableText"});
  std::size_t start = 0;
  while (start < doc.recipients.size()) {
    std::size_t nl = doc.recipients.find('\n', start);
    std::string line = doc.recipients.substr(start, nl == std::string::npos ? nl : nl - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos)
      left += paragraph(run("- " + line, {.half_points = 22}), {.style = "TableText"});
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  if (doc.recipients.empty())
    left += paragraph(run("- Lưu: VT.", {.half_points = 22}), {.style = "TableText"});
  const ParaStyle centre{.style = "Centered"};
  std::string right;
  if (!doc.authority.empty())
    right += paragraph(run(doc.authority, {.bold = true, .caps = true}), centre);
  right +=
      paragraph(run(doc.signer_title.empty() ? std::string("THỦ TRƯỞNG CƠ QUAN") : doc.signer_title,
                    {.bold = true, .caps = true}),
                centre);
  right += paragraph("", centre) + paragraph("", centre) + paragraph("", centre);
  right += paragraph(run(doc.signer, {.bold = true}), centre);
  return frame_table(left, right);
}

void append_appendices(const ReportData& data, std::string& body) {
  const int width = kPageLong - 2 * kMargin;
  bool first = true;
  for (const AppendixLayout& a : lay_out_appendices(data)) {
    body += paragraph(run(a.name), {.style = "Heading1", .page_break_before = !first});
    first = false;
    if (!a.title.empty()) {
      body += paragraph(run(a.title, {.bold = true}), {.style = "Centered", .keep_next = true});
    }
    for (const auto& line : a.notes)
      body += paragraph(run(line, {.italic = true, .half_points = 22}),
                        {.style = "TableText", .keep_next = true});
    for (const Grid& g : a.grids) {
      if (!g.caption.empty()) {
        body += paragraph(run(g.caption, {.bold = true}),
                          {.align = "left", .indent_left = 0, .keep_next = true});
      }
      body += table(g, width);
      body += paragraph("", {.style = "TableText"});
    }
  }
}

}  // namespace

std::string docx_document_xml(const ReportData& data) {
  std::string body = document_heading(data);
  if (!data.coverage.empty()) {
    std::string line = data.coverage;
    if (!data.missing.empty()) {
      line += "; chưa có báo cáo được chấp nhận của: ";
      for (std::size_t i = 0; i < data.missing.size(); ++i)
        line += (i ? ", " : "") + data.missing[i];
    }
    body += paragraph(run(line, {.italic = true}), {.style = "Centered"});
  }
  append_narrative(data, body);
  body += document_signature(data);
  std::string appendices;
  append_appendices(data, appendices);
  if (!appendices.empty()) {
    // The narrative ends in a portrait section; the wide appendix tables get landscape pages.
    body += "<w:p><w:pPr>" + section_properties(false, true) + "</w:pPr></w:p>" + appendices;
  }
  return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") + "\n" +
         R"(<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>)" +
         body + section_properties(!appendices.empty(), appendices.empty()) +
         "</w:body></w:document>";
}

std::string docx_header_xml() {
  // The page number, centred at the top (not on the first page: see section_properties).
  return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") + "\n" +
         R"(<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>)";
}

void write_docx(const ReportData& data, const std::filesystem::path& path) {
  const std::string content_types =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      "\n"
      R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>)";
  const std::string package_rels =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      "\n"
      R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>)";
  const std::string document_rels =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      "\n"
      R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdPageNumber" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>)";
  const std::string core =
      std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") + "\n" +
      R"(<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>)" +
      xml_escape(data.document_title()) + "</dc:title><dc:subject>" + xml_escape(data.unit_name) +
      "</dc:subject><dc:creator>tongket</dc:creator><dc:language>vi-VN</dc:language>"
      "</cp:coreProperties>";
  write_zip(path, {{"[Content_Types].xml", content_types},
                   {"_rels/.rels", package_rels},
                   {"word/document.xml", docx_document_xml(data)},
                   {"word/styles.xml", docx_styles_xml()},
                   {"word/header1.xml", docx_header_xml()},
                   {"word/_rels/document.xml.rels", document_rels},
                   {"docProps/core.xml", core}});
}

}  // namespace tongket::report
